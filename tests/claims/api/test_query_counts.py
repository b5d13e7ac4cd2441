"""Every list runs the same number of SQL queries for a page of 1 item and a page of 50."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from tests.claims.api.conftest import token_client
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    EditorFactory,
    EvidenceFactory,
    ReviewerFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


def queries_for(client, url: str, expected_items: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    data = response.json()
    items = data["results"] if "results" in data else data["first"]["items"]
    assert len(items) == expected_items
    return len(ctx.captured_queries)


@pytest.fixture
def people():
    """A few distinct users (password hashing makes each one slow to create)."""
    return itertools.cycle([ReviewerFactory(), ReviewerFactory(), EditorFactory()])


def make_article(n: int, people):
    article = ArticleFactory(body="Word. " * 60)
    for i in range(n):
        ClaimFactory(
            article=article,
            start=i * 6,
            end=i * 6 + 5,
            assignee=next(people),
            statement=f"claim {i}",
        )
    return article


URLS = {
    "claims": "/api/v1/claims/?article={a}",
    "claims search": "/api/v1/claims/?article={a}&q=claim",
    "claims by status": "/api/v1/claims/?article={a}&status=open&claim_type=quantity",
    "annotations": "/api/v1/articles/{a}/annotations/",
}


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_claim_lists_run_constant_queries(name, role, people):
    client = token_client(ReviewerFactory() if role == "reviewer" else EditorFactory())
    counts = [
        queries_for(client, URLS[name].format(a=make_article(n, people).pk), n) for n in (1, 50)
    ]
    assert counts[0] == counts[1], counts


def test_the_article_list_runs_constant_queries(people):
    client = token_client(next(people))
    ArticleFactory(created_by=next(people))
    one = queries_for(client, "/api/v1/articles/", 1)
    for _ in range(49):
        ArticleFactory(created_by=next(people))
    assert queries_for(client, "/api/v1/articles/", 50) == one


@pytest.mark.parametrize("child", ["evidence", "comments", "verdicts"])
def test_claim_child_lists_run_constant_queries(child, people):
    client = token_client(EditorFactory())
    counts = []
    for n in (1, 50):
        claim = ClaimFactory()
        for _ in range(n):
            EvidenceFactory(claim=claim, added_by=next(people))
            CommentFactory(claim=claim, author=next(people))
            VerdictFactory(claim=claim, status="submitted", author=next(people))
        counts.append(queries_for(client, f"/api/v1/claims/{claim.pk}/{child}/", n))
    assert counts[0] == counts[1], counts


def test_the_anonymous_claim_list_and_ratings_run_constant_queries(people):
    client = token_client(None)
    counts = []
    for n in (1, 50):
        article = make_article(n, people)
        Claim.objects.filter(article=article).update(status="published")
        counts.append(queries_for(client, f"/api/v1/claims/?article={article.pk}", n))
    assert counts[0] == counts[1], counts
    assert queries_for(client, "/api/v1/ratings/?page_size=1", 1) == queries_for(
        client, "/api/v1/ratings/", 7
    )
