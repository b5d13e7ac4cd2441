"""Articles added by URL: fetched by the worker, then their claims suggested."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from claims.models import Article
from claims.services import extraction, ingest, queue
from tests.claims.services.pages import PAGE

pytestmark = pytest.mark.usefixtures("fetch_settings")


@pytest.mark.django_db(transaction=True)
def test_an_article_from_a_url_is_fetched_parsed_then_its_claims_suggested(site, monkeypatch):
    sent = []
    monkeypatch.setattr(
        queue.current_app, "send_task", lambda name, args, **kw: sent.append((name, args))
    )
    site.page("/story", PAGE)
    article = ingest.article_create_from_url(url=site.url("/story"))
    assert article.ingest_status == "pending" and article.body == ""
    assert sent == [("claims.tasks.article_fetch", [article.pk])]
    assert ingest.article_fetch(article_id=article.pk).state == "parsing"
    assert Article.objects.get(pk=article.pk).ingest_status == "fetching"
    name, (article_id, payload) = sent[-1]
    assert (name, article_id) == ("claims.tasks.article_parse", article.pk)
    assert ingest.article_parse(article_id=article.pk, payload=payload).state == "fetched"
    article.refresh_from_db()
    assert article.ingest_status == "extracting" and "10,000 troops" in article.body
    assert article.title == "Troops arrive" and article.publisher == "Daily Test"
    assert sent[-1] == ("claims.tasks.article_extract", [article.pk])
    assert extraction.article_extract(article_id=article.pk) == "ready"
    article.refresh_from_db()
    assert article.ingest_status == "ready" and article.claims.exists()
    assert ingest.article_fetch(article_id=article.pk).state == "skipped"
    assert ingest.article_parse(article_id=article.pk, payload=payload).state == "skipped"


@pytest.mark.django_db
def test_an_article_url_that_fails_says_why(site):
    article = Article.objects.create(title="x", url=site.url("/gone"), ingest_status="pending")
    assert ingest.article_fetch(article_id=article.pk).state == "failed"
    article.refresh_from_db()
    assert article.ingest_status == "failed" and article.ingest_error.startswith("http_404")


def test_a_hostile_article_url_is_refused_at_once():
    from claims.fetching import FetchError

    with pytest.raises(FetchError) as caught:
        ingest.article_create_from_url(url="http://0x7f000001/")
    assert caught.value.code == "blocked_address"


@pytest.mark.django_db
def test_a_page_with_no_text_fails_the_article_with_a_code(site, monkeypatch):
    sent = []
    monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sent.append(args))
    site.page("/empty", "<html><body><script>var x = 1;</script></body></html>")
    article = Article.objects.create(title="x", url=site.url("/empty"), ingest_status="pending")
    assert ingest.article_fetch(article_id=article.pk).state == "parsing"
    [(_id, payload)] = sent
    assert ingest.article_parse(article_id=article.pk, payload=payload).state == "failed"
    article.refresh_from_db()
    assert article.ingest_status == "failed" and article.ingest_error.startswith("empty_text:")


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["fetching", "extracting"])
def test_an_article_stopped_at_a_worker_limit_records_the_code(status):
    article = Article.objects.create(title="x", url="http://example.test/", ingest_status=status)
    assert ingest.article_ingest_stopped(
        article_id=article.pk, code="parse_killed", message="Killed at 3 s."
    )
    article.refresh_from_db()
    assert (article.ingest_status, article.ingest_error) == (
        "failed",
        "parse_killed: Killed at 3 s.",
    )
    # Only an article still at work is failed: a finished one is left alone.
    ready = Article.objects.create(title="y", body="Text.", ingest_status="ready")
    assert not ingest.article_ingest_stopped(article_id=ready.pk, code="parse_killed", message="")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "task"),
    [
        ("pending", "claims.tasks.article_fetch"),
        ("fetching", "claims.tasks.article_fetch"),
        ("extracting", "claims.tasks.article_extract"),
    ],
)
def test_the_sweeper_resends_stuck_articles_then_gives_up(status, task, settings, monkeypatch):
    sent = []
    monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sent.append((name, args)))
    article = Article.objects.create(title="x", url="http://example.test/", ingest_status=status)
    long_ago = timezone.now() - dt.timedelta(
        seconds=settings.SOURCE_FETCH_PENDING_GRACE_SECONDS + 5
    )
    cap = settings.SOURCE_FETCH_MAX_WORKER_LOSSES
    for n in range(1, cap):
        Article.objects.filter(pk=article.pk).update(ingest_status=status, updated_at=long_ago)
        assert ingest.article_sweep() == [article.pk]
        article.refresh_from_db()
        assert article.ingest_requeues == n
        assert sent[-1] == (task, (article.pk,))
    assert ingest.article_sweep() == []  # just sent: not again before the grace
    Article.objects.filter(pk=article.pk).update(ingest_status=status, updated_at=long_ago)
    assert ingest.article_sweep() == []
    article.refresh_from_db()
    assert article.ingest_status == "failed" and article.ingest_requeues == cap
    assert article.ingest_error.startswith("too_many_requeues:")
    assert len(sent) == cap - 1
