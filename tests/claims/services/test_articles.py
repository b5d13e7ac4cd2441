"""Articles: creation and metadata edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.services.articles import article_create, article_extract_later, article_update
from claims.services.errors import PermissionDenied, ValidationError
from claims.services.extraction import article_extract
from tests.factories import ArticleFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_a_reviewer_adds_an_article():
    article = article_create(actor=ReviewerFactory(), title=" T ", body="Body text.", url="")
    assert (article.title, article.ingest_status) == ("T", "ready")


def test_an_article_needs_a_title_and_a_body():
    with pytest.raises(ValidationError) as exc:
        article_create(actor=ReviewerFactory(), title="T", body="  ")
    assert exc.value.field == "body"


def test_only_metadata_and_the_body_can_be_updated():
    article = ArticleFactory()
    assert article_update(actor=ReviewerFactory(), article=article, title="New").title == "New"
    with pytest.raises(ValidationError) as exc:
        article_update(actor=ReviewerFactory(), article=article, kind="transcript")
    assert exc.value.field == "kind"
    # the body changes through a revision (issue 20)
    revised = article_update(actor=ReviewerFactory(), article=article, body="other")
    assert (revised.body, revised.revision) == ("other", 2)
    with pytest.raises(PermissionDenied):
        article_update(actor=UserFactory(), article=article, title="x")


@pytest.mark.django_db(transaction=True)
def test_an_article_given_only_a_url_is_fetched_in_the_background(monkeypatch):
    from claims.services import queue

    sent = []
    monkeypatch.setattr(
        queue.current_app, "send_task", lambda name, args, **kw: sent.append((name, args))
    )
    article = article_create(actor=ReviewerFactory(), title="", body="", url="https://news.test/a")
    assert (article.ingest_status, article.body, article.title) == (
        "pending",
        "",
        "https://news.test/a",
    )
    assert sent == [("claims.tasks.article_fetch", [article.pk])]


@pytest.mark.django_db
def test_a_hostile_article_url_is_refused_with_the_fetchers_reason():
    with pytest.raises(ValidationError) as exc:
        article_create(actor=ReviewerFactory(), title="", body="", url="http://169.254.169.254/")
    assert exc.value.field == "url" and "blocked_address" in str(exc.value)


def test_a_pasted_article_arrives_with_its_claims_suggested():
    body = (
        "The council approved a budget of 4.2 million euros on Tuesday. "
        "Unemployment fell to 5.1 percent last year, the statistics office said. "
        "What a lovely day it was."
    )
    article = article_create(actor=ReviewerFactory(), title="Budget", body=body)
    suggested = list(article.claims.order_by("start"))
    assert suggested, "ingest stores the extractor's suggestions"
    assert all(c.origin == "suggested" and c.status == "suggested" for c in suggested)
    assert all(body[c.start : c.end] == c.quote for c in suggested)
    assert not any("lovely day" in c.quote for c in suggested)


SEED_BODY = (ROOT / "seeds" / "000_5fe590b60e8f00fa.txt").read_text(encoding="utf-8")


def test_a_long_article_is_created_at_once_and_its_claims_are_found_by_the_worker_step(
    settings, django_capture_on_commit_callbacks
):
    settings.ARTICLE_SYNC_MAX_CHARS = 1000
    with django_capture_on_commit_callbacks() as callbacks:
        article = article_create(actor=ReviewerFactory(), title="Long", body=SEED_BODY)
    assert article.ingest_status == "extracting" and not article.claims.exists()
    assert len(callbacks) == 1  # the worker's task, sent once the article is committed
    assert article_extract(article_id=article.pk) == "ready"
    article.refresh_from_db()
    assert article.ingest_status == "ready" and article.claims.count() > 10
    assert article_extract(article_id=article.pk) == "skipped"  # a repeated message adds nothing


def test_a_short_article_keeps_its_claims_suggested_in_the_request(settings):
    settings.ARTICLE_SYNC_MAX_CHARS = len(SEED_BODY)
    article = article_create(actor=ReviewerFactory(), title="Short", body=SEED_BODY)
    assert article.ingest_status == "ready" and article.claims.count() > 10


def test_asking_again_for_the_claims_of_a_long_article_hands_them_to_the_worker(
    settings, django_capture_on_commit_callbacks
):
    article = ArticleFactory(body=SEED_BODY)
    settings.ARTICLE_SYNC_MAX_CHARS = 1000
    with django_capture_on_commit_callbacks() as callbacks:
        assert article_extract_later(actor=ReviewerFactory(), article=article) is True
        assert article_extract_later(actor=ReviewerFactory(), article=article) is True
    article.refresh_from_db()
    assert article.ingest_status == "extracting" and len(callbacks) == 1
    settings.ARTICLE_SYNC_MAX_CHARS = len(SEED_BODY)
    assert article_extract_later(actor=ReviewerFactory(), article=article) is False
