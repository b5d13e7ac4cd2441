"""Articles: creation and metadata edits."""

from __future__ import annotations

import pytest

from claims.services.articles import article_create, article_update
from claims.services.errors import PermissionDenied, ValidationError
from tests.factories import ArticleFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_reviewer_adds_an_article():
    article = article_create(actor=ReviewerFactory(), title=" T ", body="Body text.", url="")
    assert (article.title, article.ingest_status) == ("T", "ready")


def test_an_article_needs_a_title_and_a_body():
    with pytest.raises(ValidationError) as exc:
        article_create(actor=ReviewerFactory(), title="T", body="  ")
    assert exc.value.field == "body"


def test_only_metadata_can_be_updated():
    article = ArticleFactory()
    assert article_update(actor=ReviewerFactory(), article=article, title="New").title == "New"
    with pytest.raises(ValidationError) as exc:
        article_update(actor=ReviewerFactory(), article=article, body="other")
    assert exc.value.field == "body"
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
