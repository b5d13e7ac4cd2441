"""A long article is accepted at once (202); the worker finds its claims."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from claims.models import Article
from tests.claims.api.conftest import token_client
from tests.factories import ArticleFactory, ReviewerFactory

ROOT = Path(__file__).resolve().parents[3]
SEED_BODY = (ROOT / "seeds" / "000_5fe590b60e8f00fa.txt").read_text(encoding="utf-8")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_long_article_is_accepted_with_202_and_its_claims_arrive_from_the_worker(
    settings, celery_worker_process
):
    settings.ARTICLE_SYNC_MAX_CHARS = 1000
    client = token_client(ReviewerFactory())
    response = client.post("/api/v1/articles/", {"title": "Long", "body": SEED_BODY}, format="json")
    assert response.status_code == 202, response.content
    article = response.json()
    assert article["ingest_status"] == "extracting"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/articles/{article['id']}/").json()["ingest_status"]
        if state == "ready":
            claims = client.get(f"/api/v1/claims/?article={article['id']}").json()
            assert claims["count"] > 10
            return
        assert state == "extracting"
        time.sleep(0.3)
    pytest.fail("the worker never ran claims.tasks.article_extract")


@pytest.mark.django_db
def test_extract_claims_on_a_long_article_answers_202_with_its_ingest_state(settings):
    article = ArticleFactory(body=SEED_BODY)
    settings.ARTICLE_SYNC_MAX_CHARS = 1000
    client = token_client(ReviewerFactory())
    response = client.post(f"/api/v1/articles/{article.pk}/extract-claims/")
    assert response.status_code == 202, response.content
    assert response.json()["ingest_status"] == "extracting"
    assert Article.objects.get(pk=article.pk).ingest_status == "extracting"


@pytest.mark.django_db
def test_a_short_article_is_created_ready_with_201(settings):
    settings.ARTICLE_SYNC_MAX_CHARS = len(SEED_BODY)
    client = token_client(ReviewerFactory())
    response = client.post("/api/v1/articles/", {"title": "T", "body": SEED_BODY}, format="json")
    assert response.status_code == 201 and response.json()["ingest_status"] == "ready"
