"""ClaimReview JSON-LD."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.exports.claimreview import claim_review, claim_reviewed, public_url
from claims.models import Rating
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def published(claim, slug="false"):
    return VerdictFactory(
        claim=claim,
        rating=Rating.objects.get(scale__is_default=True, slug=slug),
        status="published",
        reviewed_by=EditorFactory(),
        published_at=dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC),
    )


def test_each_claim_gets_its_own_anchor_on_the_article_page(settings):
    settings.FACTCHECK_PUBLISHER_URL = "https://factcheck.example/org"
    claim = ClaimFactory()
    assert public_url(claim) == (
        f"https://factcheck.example/org/fact-checks/{claim.article_id}/#claim-{claim.pk}"
    )


def test_claim_reviewed_stays_under_75_characters_where_it_can():
    claim = ClaimFactory(statement="Budget was 4.2 million euros")
    assert claim_reviewed(claim) == "Budget was 4.2 million euros"
    long = ClaimFactory(statement="The council " + "really " * 20 + "approved it")
    text = claim_reviewed(long)
    assert len(text) < 75 and text.endswith("…") and " reall…" not in text


def test_the_document_has_what_search_engines_need(settings):
    settings.FACTCHECK_PUBLISHER_NAME = "Checkers"
    article = ArticleFactory(
        url="https://news.example/a", published_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    )
    claim = ClaimFactory(article=article, claimant="Ministry", claimant_kind="organization")
    doc = claim_review(claim=claim, verdict=published(claim))
    assert doc["@type"] == "ClaimReview"
    assert doc["author"]["name"] == "Checkers"
    assert doc["itemReviewed"]["author"] == {"@type": "Organization", "name": "Ministry"}
    assert doc["itemReviewed"]["appearance"][0]["url"] == "https://news.example/a"
    assert doc["reviewRating"]["ratingValue"] == 1
    assert doc["datePublished"] == "2026-11-28"


def test_a_rating_off_the_scale_has_only_its_name():
    claim = ClaimFactory()
    rating = claim_review(claim=claim, verdict=published(claim, "misleading"))["reviewRating"]
    assert rating == {"@type": "Rating", "alternateName": "Misleading"}
