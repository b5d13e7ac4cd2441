"""Articles added by URL: fetched by the worker, then their claims suggested."""

from __future__ import annotations

import pytest

from claims.models import Article
from claims.services import ingest, queue
from tests.claims.services.pages import PAGE

pytestmark = pytest.mark.usefixtures("fetch_settings")


@pytest.mark.django_db(transaction=True)
def test_an_article_from_a_url_is_fetched_then_its_claims_suggested(site, monkeypatch):
    sent, suggested = [], []
    monkeypatch.setattr(
        queue.current_app, "send_task", lambda name, args, **kw: sent.append((name, args))
    )
    monkeypatch.setattr(
        ingest, "article_suggest_claims", lambda *, article_id: suggested.append(article_id)
    )
    site.page("/story", PAGE)
    article = ingest.article_create_from_url(url=site.url("/story"))
    assert article.ingest_status == "pending" and article.body == ""
    assert sent == [("claims.tasks.article_fetch", [article.pk])]
    assert ingest.article_fetch(article_id=article.pk).state == "fetched"
    article.refresh_from_db()
    assert article.ingest_status == "ready" and "10,000 troops" in article.body
    assert article.title == "Troops arrive" and article.publisher == "Daily Test"
    assert suggested == [article.pk]
    assert ingest.article_fetch(article_id=article.pk).state == "skipped"


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
