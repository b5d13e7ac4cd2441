"""Input the UI must refuse with a 400 (as the API does), never store or answer with a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import Article, Claim, Comment, Source
from tests.factories import ClaimFactory, EditorFactory

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "ftp://x.test/a"]
)
def test_the_ui_refuses_article_urls_that_are_not_http(reviewer_client, url):
    response = reviewer_client.post(
        "/articles/new/", {"mode": "text", "title": "T", "body": "Some text.", "url": url}
    )
    assert response.status_code == 400
    assert "http" in response.content.decode()
    assert not Article.objects.filter(url=url).exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://user:pw@news.test/a"])
def test_the_url_mode_refuses_them_too(reviewer_client, url):
    response = reviewer_client.post("/articles/new/", {"mode": "url", "source_url": url})
    assert response.status_code == 400
    assert Article.objects.count() == 0


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.test/a", "https://u:p@x.test/"])
def test_the_admin_refuses_an_article_url_that_is_not_plain_http(article, url):
    client = Client()
    client.force_login(EditorFactory())
    page = client.get(f"/admin/claims/article/{article.pk}/change/")
    token = page.context["adminform"].form["concurrency_token"].value()
    response = client.post(
        f"/admin/claims/article/{article.pk}/change/",
        {
            "title": article.title,
            "url": url,
            "publisher": "",
            "byline": "",
            "language": "en",
            "note": "",
            "concurrency_token": token,
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert 'class="errorlist' in response.content.decode()
    article.refresh_from_db()
    assert article.url == ""


def test_the_api_refuses_a_javascript_article_url_on_update(article):
    from tests.claims.api.conftest import token_client
    from tests.factories import ReviewerFactory

    client = token_client(ReviewerFactory())
    response = client.patch(
        f"/api/v1/articles/{article.pk}/", {"url": "javascript:alert(1)"}, format="json"
    )
    assert response.status_code == 400
    article.refresh_from_db()
    assert article.url == ""


def test_a_nul_in_the_claim_edit_form_is_a_400(reviewer_client, claim):
    response = reviewer_client.post(
        f"/claims/{claim.pk}/edit/",
        {
            "statement": "a\x00b",
            "claimant": "",
            "claimant_kind": "",
            "claim_type": "",
            "version": claim.version,
        },
    )
    assert response.status_code == 400
    assert "Null characters" in response.content.decode()
    claim.refresh_from_db()
    assert claim.statement == ""


def test_a_nul_in_the_dismiss_note_is_a_400(editor_client, claim):
    response = editor_client.post(
        f"/claims/{claim.pk}/dismiss/",
        {"reason": "duplicate", "note": "see\x00other", "version": claim.version},
    )
    assert response.status_code == 400
    assert "Null characters" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.OPEN


@pytest.mark.parametrize("char", BIDI)
def test_direction_controls_are_refused_in_titles_claims_and_comments(reviewer_client, claim, char):
    title = f"Budget {char}reversed"
    response = reviewer_client.post(
        "/articles/new/", {"mode": "text", "title": title, "body": "Some text."}
    )
    assert response.status_code == 400 and not Article.objects.filter(title=title).exists()
    response = reviewer_client.post(
        f"/claims/{claim.pk}/edit/",
        {
            "statement": f"x{char}y",
            "claimant": "",
            "claimant_kind": "",
            "claim_type": "",
            "version": claim.version,
        },
    )
    assert response.status_code == 400 and "direction" in response.content.decode()
    response = reviewer_client.post(f"/claims/{claim.pk}/comments/", {"body": f"ok {char} no"})
    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize("char", ["\u202e", "\u2067"])
def test_the_api_refuses_direction_controls_too(db, char):
    from tests.claims.api.conftest import token_client
    from tests.factories import ReviewerFactory

    claim = ClaimFactory()
    client = token_client(ReviewerFactory())
    response = client.post(
        f"/api/v1/claims/{claim.pk}/comments/", {"body": f"a{char}b"}, format="json"
    )
    assert response.status_code == 400 and "direction" in response.json()["errors"]["body"][0]
    response = client.post(
        "/api/v1/articles/", {"title": f"t{char}", "body": "Body text."}, format="json"
    )
    assert response.status_code == 400 and "title" in response.json()["errors"]


@pytest.mark.parametrize(
    "url", ["https://user:pass@news.test/a", "https://user@news.test/a", "http://:pw@news.test/"]
)
def test_credentials_in_an_evidence_url_are_refused(reviewer_client, claim, url):
    from tests.claims.api.conftest import token_client
    from tests.factories import ReviewerFactory

    response = token_client(ReviewerFactory()).post(
        f"/api/v1/claims/{claim.pk}/evidence/", {"url": url, "stance": "supports"}, format="json"
    )
    assert response.status_code == 400
    assert "user name or password" in response.json()["errors"]["url"][0]
    response = reviewer_client.post(
        f"/claims/{claim.pk}/evidence/add/", {"url": url, "stance": "supports"}
    )
    assert response.status_code == 400
    assert not Source.objects.exists()
