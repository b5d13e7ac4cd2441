"""Claim memory in the reviewer UI and on the public page: matches, links, the free-text box."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from claims.exports.claimreview import claim_review, fact_check_path
from claims.exports.validate import validate_claim_review
from claims.models import Claim, ClaimLink, ClaimReview
from claims.services.matching import claim_matches_refresh
from tests.claims.matching.conftest import corpus  # noqa: F401 (a fixture)
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory, VerdictFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("corpus")]


@pytest.fixture
def shark_claim():
    article = ArticleFactory(
        title="Storm story", body="A photo shows a shark swimming on a flooded highway in Houston."
    )
    return ClaimFactory(article=article)


def test_the_claim_page_loads_the_checked_before_panel(reviewer_client, shark_claim):
    page = reviewer_client.get(f"/claims/{shark_claim.pk}/").content.decode()
    assert f'hx-get="/claims/{shark_claim.pk}/matches/"' in page
    panel = reviewer_client.get(f"/claims/{shark_claim.pk}/matches/", HTTP_HX_REQUEST="true")
    html = panel.content.decode()
    assert panel.status_code == 200
    assert "https://checks.example/shark" in html
    assert "Fake" in html and "Checkers United" in html
    assert "same claim" in html  # the verbatim claim is confidently the same


def test_a_reviewer_links_the_claim_from_the_panel(reviewer_client, reviewer, shark_claim):
    review = ClaimReview.objects.get(url="https://checks.example/shark")
    response = reviewer_client.post(
        f"/claims/{shark_claim.pk}/links/",
        {"kind": "claimreview", "target": review.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Same claim as:" in response.content.decode()
    link = ClaimLink.objects.get()
    assert (link.claim_review_id, link.created_by_id) == (review.pk, reviewer.pk)
    bad = reviewer_client.post(
        f"/claims/{shark_claim.pk}/links/", {"kind": "claimreview"}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 400
    removed = reviewer_client.post(
        f"/claims/{shark_claim.pk}/links/{link.pk}/remove/", HTTP_HX_REQUEST="true"
    )
    assert removed.status_code == 200
    assert not ClaimLink.objects.exists()


def test_the_workbench_marks_a_claim_checked_before(reviewer_client, shark_claim):
    other = ClaimFactory(article=shark_claim.article, start=0, end=7)
    claim_matches_refresh(claim_id=shark_claim.pk)
    claim_matches_refresh(claim_id=other.pk)
    html = reviewer_client.get(f"/articles/{shark_claim.article_id}/").content.decode()
    items = dict(re.findall(r'<li id="item-(\d+)"(.*?)</li>', html, re.S))
    assert 'data-testid="checked-before"' in items[str(shark_claim.pk)]
    assert "https://checks.example/shark" in items[str(shark_claim.pk)]
    assert 'data-testid="checked-before"' not in items[str(other.pk)]


def test_the_article_list_has_a_has_this_been_checked_box(reviewer_client):
    page = reviewer_client.get("/articles/").content.decode()
    assert "Has this been checked?" in page
    response = reviewer_client.get(
        "/check/", {"q": "is the great wall of china visible from space"}
    )
    assert response.status_code == 200
    assert "https://checks.example/wall" in response.content.decode()
    partial = reviewer_client.get("/check/", {"q": "x" * 2001}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 400
    assert Client().get("/check/", {"q": "moon"}).status_code == 302  # to the sign-in page


def test_the_public_page_and_claimreview_say_it_was_checked_before(shark_claim, reviewer):
    review = ClaimReview.objects.get(url="https://checks.example/shark")
    ClaimLink.objects.create(claim=shark_claim, claim_review=review, created_by=reviewer)
    shark_claim.status = Claim.Status.PUBLISHED
    shark_claim.save()
    verdict = VerdictFactory(
        claim=shark_claim,
        status="published",
        reviewed_by=EditorFactory(),
        published_at=timezone.now(),
    )
    html = Client().get(fact_check_path(shark_claim)).content.decode()
    assert "This claim was checked before by Checkers United" in html
    assert "https://checks.example/shark" in html
    data = claim_review(claim=shark_claim, verdict=verdict)
    assert data["isBasedOn"] == [
        {
            "@type": "ClaimReview",
            "url": "https://checks.example/shark",
            "claimReviewed": review.claim_reviewed,
            "author": {"@type": "Organization", "name": "Checkers United"},
            "datePublished": "2023-05-01",
        }
    ]
    assert json.dumps(data)
    assert [f for f in validate_claim_review(data) if f.level == "error"] == []
    # The page's JSON-LD and the ClaimReview DataFeed carry the same reference.
    assert "isBasedOn" in html
    feed = Client().get("/fact-checks/feed.jsonld").json()
    assert feed["dataFeedElement"][0]["item"][0]["isBasedOn"] == data["isBasedOn"]
