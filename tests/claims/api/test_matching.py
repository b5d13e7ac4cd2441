"""Claim memory through the API: import (editors), match (members), claim matches and links."""

from __future__ import annotations

import json

import pytest

from claims.models import ClaimLink, ClaimLinkEvent, ClaimMatchResult, ClaimReview
from tests.claims.api.conftest import token_client
from tests.claims.matching.conftest import corpus, fact_check  # noqa: F401 (a fixture)
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

MATCH_FIELDS = {
    "kind",
    "id",
    "claim_reviewed",
    "rating",
    "url",
    "author",
    "date_published",
    "score",
    "same_claim",
}


def test_an_editor_imports_a_feed_and_gets_the_report():
    feed = {
        "@type": "DataFeed",
        "dataFeedElement": [
            {"item": [fact_check("moon", "The moon landing was staged", "False")]},
            {"item": [{"@type": "ClaimReview", "claimReviewed": "No url"}]},
        ],
    }
    response = token_client(EditorFactory()).post(
        "/api/v1/claimreviews/import/", json.dumps(feed), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "created": 1,
        "updated": 0,
        "errors": [
            {"position": 2, "reason": "url is missing: a ClaimReview is identified by its url"}
        ],
    }


def test_json_lines_are_accepted_and_nothing_importable_is_a_400():
    client = token_client(EditorFactory())
    lines = json.dumps(fact_check("a", "Claim A about taxes", "True")) + "\n"
    response = client.post(
        "/api/v1/claimreviews/import/", lines, content_type="application/x-ndjson"
    )
    assert response.status_code == 200
    assert response.json()["created"] == 1
    response = client.post(
        "/api/v1/claimreviews/import/", "[1, 2]", content_type="application/json"
    )
    assert response.status_code == 400
    assert [e["position"] for e in response.json()["errors"]] == [1, 2]
    response = client.post("/api/v1/claimreviews/import/", "{oops", content_type="text/plain")
    assert response.status_code == 400
    assert "Not JSON" in json.dumps(response.json())


def test_reviewers_and_anonymous_readers_cannot_import():
    body = json.dumps(fact_check("x", "Some claim", "False"))
    reviewer = token_client(ReviewerFactory()).post(
        "/api/v1/claimreviews/import/", body, content_type="application/json"
    )
    assert reviewer.status_code == 403
    anonymous = token_client(None).post(
        "/api/v1/claimreviews/import/", body, content_type="application/json"
    )
    assert anonymous.status_code in (401, 403)
    assert not ClaimReview.objects.exists()


@pytest.mark.usefixtures("corpus")
def test_a_member_asks_whether_a_text_was_checked():
    response = token_client(ReviewerFactory()).get(
        "/api/v1/matches/", {"q": "Was the Apollo 11 moon landing filmed in a Nevada studio?"}
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert set(results[0]) == MATCH_FIELDS
    assert results[0]["url"] == "https://checks.example/moon"
    assert len(results) <= 10


@pytest.mark.usefixtures("corpus")
def test_match_input_is_checked_and_anonymous_readers_are_refused():
    client = token_client(ReviewerFactory())
    assert client.get("/api/v1/matches/").status_code == 400
    assert client.get("/api/v1/matches/", {"q": " "}).status_code == 400
    assert client.get("/api/v1/matches/", {"q": "x" * 2001}).status_code == 400
    assert client.get("/api/v1/matches/", {"q": "moon\x00landing"}).status_code in (200, 400)
    assert token_client(None).get("/api/v1/matches/", {"q": "moon"}).status_code in (401, 403)


@pytest.mark.usefixtures("corpus")
def test_a_claims_matches_are_computed_on_request_and_kept():
    article = ArticleFactory(body="Officials said the measles vaccine causes autism in children.")
    claim = ClaimFactory(article=article, statement="The measles vaccine causes autism")
    response = token_client(ReviewerFactory()).get(f"/api/v1/claims/{claim.pk}/matches/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["url"] == "https://checks.example/vaccine"
    stored = ClaimMatchResult.objects.get(claim=claim)
    assert stored.results == results
    assert stored.same_claim == results[0]["same_claim"]
    assert token_client(None).get(f"/api/v1/claims/{claim.pk}/matches/").status_code in (401, 403)
    assert token_client(ReviewerFactory()).get("/api/v1/claims/999999/matches/").status_code == 404


@pytest.mark.usefixtures("corpus")
def test_a_reviewer_links_a_claim_to_a_match_and_the_link_is_audited():
    claim = ClaimFactory()
    review = ClaimReview.objects.get(url="https://checks.example/moon")
    reviewer = ReviewerFactory()
    client = token_client(reviewer)
    response = client.post(
        f"/api/v1/claims/{claim.pk}/links/",
        {"kind": "claimreview", "id": review.pk, "note": "same wording"},
        format="json",
    )
    assert response.status_code == 201, response.content
    link = ClaimLink.objects.get()
    assert (link.claim_id, link.claim_review_id, link.created_by_id) == (
        claim.pk,
        review.pk,
        reviewer.pk,
    )
    assert ClaimLinkEvent.objects.filter(pgh_obj_id=link.pk, pgh_label="insert").exists()
    again = client.post(
        f"/api/v1/claims/{claim.pk}/links/",
        {"kind": "claimreview", "id": review.pk},
        format="json",
    )
    assert again.status_code == 400
    listed = client.get(f"/api/v1/claims/{claim.pk}/links/").json()
    assert [(x["kind"], x["target"]) for x in listed] == [("claimreview", review.pk)]
    # Another reviewer may not remove it; its author may.
    other = token_client(ReviewerFactory()).delete(f"/api/v1/claims/{claim.pk}/links/{link.pk}/")
    assert other.status_code == 403
    assert client.delete(f"/api/v1/claims/{claim.pk}/links/{link.pk}/").status_code == 204
    assert not ClaimLink.objects.exists()
    assert ClaimLinkEvent.objects.filter(pgh_obj_id=link.pk, pgh_label="delete").exists()


@pytest.mark.usefixtures("corpus")
def test_links_to_missing_or_unpublished_targets_are_refused():
    from tests.factories import VerdictFactory

    claim = ClaimFactory()
    client = token_client(ReviewerFactory())
    url = f"/api/v1/claims/{claim.pk}/links/"
    assert client.post(url, {"kind": "claimreview", "id": 999999}, format="json").status_code == 400
    draft = VerdictFactory()
    assert client.post(url, {"kind": "verdict", "id": draft.pk}, format="json").status_code == 400
    assert client.post(url, {"kind": "tweet", "id": 1}, format="json").status_code == 400
    assert token_client(None).post(url, {"kind": "claimreview", "id": 1}).status_code in (401, 403)
    assert not ClaimLink.objects.exists()
