"""The article list, adding articles, and the workbench page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Article, Claim
from tests.factories import ArticleFactory, ClaimFactory
from tests.frontend.conftest import HTMX


def test_the_list_shows_claim_counts_by_status(reviewer_client, article):
    ClaimFactory(article=article, status=Claim.Status.OPEN)
    ClaimFactory(article=article, start=70, end=140, status=Claim.Status.SUGGESTED)
    html = reviewer_client.get("/articles/").content.decode()
    assert "Budget story" in html
    assert "2 claims" in html and "Open: 1" in html and "Suggested: 1" in html


def test_search_and_assigned_to_me_filter_the_list(reviewer_client, reviewer, article):
    other = ArticleFactory(title="Weather report")
    ClaimFactory(article=other, assignee=reviewer, status=Claim.Status.IN_PROGRESS)
    html = reviewer_client.get("/articles/", {"q": "budget"}).content.decode()
    assert "Budget story" in html and "Weather report" not in html
    html = reviewer_client.get("/articles/", {"mine": "1"}).content.decode()
    assert "Weather report" in html and "Budget story" not in html


def test_htmx_gets_only_the_rows(reviewer_client, article):
    response = reviewer_client.get("/articles/", {"q": "budget"}, **HTMX)
    html = response.content.decode()
    assert "Budget story" in html and "<html" not in html


def test_article_titles_are_escaped(reviewer_client):
    ArticleFactory(title='<script>alert("x")</script>')
    html = reviewer_client.get("/articles/").content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_adding_an_article_by_pasting_text(reviewer_client):
    response = reviewer_client.post(
        "/articles/new/", {"mode": "text", "title": "Pasted", "body": "Prices rose 3% in May."}
    )
    article = Article.objects.get(title="Pasted")
    assert response.status_code == 302 and response["Location"] == f"/articles/{article.pk}/"
    assert article.body == "Prices rose 3% in May." and article.ingest_status == "ready"


def test_adding_an_article_without_text_names_the_field(reviewer_client):
    response = reviewer_client.post("/articles/new/", {"mode": "text", "title": "", "body": ""})
    assert response.status_code == 400
    assert b"may not be blank" in response.content


def test_adding_an_article_by_url_shows_its_fetch_progress(reviewer_client, settings):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.SOURCE_FETCH_ALLOWED_PORTS = [80, 443, 8999]
    response = reviewer_client.post(
        "/articles/new/", {"mode": "url", "source_url": "http://127.0.0.1:8999/story"}
    )
    article = Article.objects.get(url="http://127.0.0.1:8999/story")
    assert response.status_code == 302 and article.ingest_status == "pending"
    page = reviewer_client.get(f"/articles/{article.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "Waiting to fetch" in page
    partial = reviewer_client.get(f"/articles/{article.pk}/ingest/", **HTMX)
    assert b'id="ingest"' in partial.content and b"<html" not in partial.content
    Article.objects.filter(pk=article.pk).update(ingest_status="ready", body="Now it has text.")
    done = reviewer_client.get(f"/articles/{article.pk}/ingest/", **HTMX)
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_a_refused_url_is_explained(reviewer_client):
    response = reviewer_client.post(
        "/articles/new/", {"mode": "url", "source_url": "http://10.0.0.1/admin"}
    )
    assert response.status_code == 400
    assert not Article.objects.filter(url="http://10.0.0.1/admin").exists()


def test_the_workbench_marks_each_claim_in_place(reviewer_client, article):
    first = ClaimFactory(article=article, status=Claim.Status.SUGGESTED, reasons=["has a number"])
    html = reviewer_client.get(f"/articles/{article.pk}/").content.decode()
    assert f'<mark id="claim-{first.pk}" class="claim st-suggested lane-0"' in html
    assert "has a number" in html and "Add claim from selection" in html
    assert f'value="accept:{first.pk}"' in html
    # A reviewer turns down suggestions too.
    assert f'value="dismiss:{first.pk}"' in html


def test_a_reviewer_dismisses_a_suggestion_from_the_workbench(reviewer_client, article):
    claim = ClaimFactory(article=article, status=Claim.Status.SUGGESTED, origin="suggested")
    response = reviewer_client.post(
        f"/articles/{article.pk}/claims/bulk/",
        {"action": f"dismiss:{claim.pk}", "reason": "not_checkable"},
    )
    assert response.status_code in (200, 302)
    claim.refresh_from_db()
    assert (claim.status, claim.dismissal_reason) == ("dismissed", "not_checkable")


def test_xss_in_article_text_is_escaped(reviewer_client):
    body = 'Intro. <img src=x onerror="alert(1)"> claims 5 percent. <script>alert(2)</script>'
    article = ArticleFactory(body=body)
    ClaimFactory(article=article, start=7, end=40)
    html = reviewer_client.get(f"/articles/{article.pk}/").content.decode()
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_an_unknown_article_is_404(reviewer_client, db):
    assert reviewer_client.get("/articles/999999/").status_code == 404


def _many_claims(article, n):
    body = "".join(f"Claim {i:04d} says {i}%. " for i in range(n))
    Article.objects.filter(pk=article.pk).update(body=body)
    article.refresh_from_db()
    claims, pos = [], 0
    for i in range(n):
        sentence = f"Claim {i:04d} says {i}%."
        start = body.index(sentence, pos)
        pos = start + len(sentence)
        claims.append(
            Claim(
                article=article,
                start=start,
                end=pos,
                quote=sentence,
                status=Claim.Status.SUGGESTED if i % 2 else Claim.Status.OPEN,
                origin=Claim.Origin.SUGGESTED if i % 2 else Claim.Origin.MANUAL,
                checkworthiness=0.5,
                reasons=["a number"],
            )
        )
    Claim.objects.bulk_create(claims)
    return article


@pytest.mark.django_db
def test_the_workbench_takes_the_same_number_of_queries_at_5_and_500_claims(reviewer_client):
    counts = []
    for n in (5, 500):
        article = _many_claims(ArticleFactory(), n)
        with CaptureQueriesContext(connection) as queries:
            response = reviewer_client.get(f"/articles/{article.pk}/")
        assert response.status_code == 200
        assert response.content.decode().count('<mark id="claim-') == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 8


def test_htmx_gets_the_workbench_alone(reviewer_client, article):
    ClaimFactory(article=article)
    html = reviewer_client.get(f"/articles/{article.pk}/", **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="workbench"') and "<html" not in html


def test_a_long_pasted_article_opens_on_its_progress_while_the_worker_finds_its_claims(
    reviewer_client, settings
):
    settings.ARTICLE_SYNC_MAX_CHARS = 100
    body = "Prices rose 3% in May. " * 20
    response = reviewer_client.post(
        "/articles/new/", {"mode": "text", "title": "Long", "body": body}, follow=True
    )
    html = response.content.decode()
    article = Article.objects.get(title="Long")
    assert article.ingest_status == "extracting" and not article.claims.exists()
    assert "Finding the claims in this long article" in html
    assert f'hx-get="/articles/{article.pk}/ingest/"' in html  # it polls until ready


def test_suggesting_claims_again_in_a_long_article_hands_them_to_the_worker(
    reviewer_client, settings
):
    article = ArticleFactory(body="Prices rose 3% in May. " * 20)
    settings.ARTICLE_SYNC_MAX_CHARS = 100
    response = reviewer_client.post(f"/articles/{article.pk}/suggest/", **HTMX)
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    article.refresh_from_db()
    assert article.ingest_status == "extracting"
