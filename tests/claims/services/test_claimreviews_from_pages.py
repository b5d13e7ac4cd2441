"""A fetched source page that carries ClaimReview JSON-LD joins the claim memory."""

from __future__ import annotations

import json

import pytest

from claims.matching.jsonld import claimreviews_in_html
from claims.models import ClaimReview
from tests.claims.services.pages import fetch_and_parse
from tests.factories import SourceFactory
from tests.sites import LocalSite

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checks.example/troops",
    "claimReviewed": "More than 10,000 troops arrived in the region",
    "author": {"@type": "Organization", "name": "Checkers United"},
    "reviewRating": {"@type": "Rating", "alternateName": "True"},
}
PAGE = (
    "<html><head><title>Fact check: troops</title>"
    '<script type="application/ld+json">{not json}</script>'
    '<script type="application/ld+json">'
    + json.dumps({"@graph": [{"@type": "WebPage"}, REVIEW]})
    + "</script></head><body><article><p>We checked the figure of 10,000 troops against the"
    " ministry's own statement and found it accurate.</p></article></body></html>"
)


def test_claimreviews_are_found_in_json_ld_blocks_and_broken_blocks_skipped():
    assert claimreviews_in_html(PAGE.encode()) == [REVIEW]
    assert claimreviews_in_html(b"<html><body>no data</body></html>") == []
    assert claimreviews_in_html(b"") == []


@pytest.fixture
def site(settings):
    server = LocalSite("127.0.0.2")
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    settings.SOURCE_FETCH_ALLOWED_PORTS = [server.port]
    settings.SOURCE_FETCH_TOTAL_TIMEOUT = 3
    yield server
    server.close()


@pytest.mark.django_db
def test_a_fetched_fact_check_page_is_imported(site):
    site.page("/check", PAGE)
    source = SourceFactory(url=site.url("/check"), normalized_url=site.url("/check"))
    assert fetch_and_parse(source.pk).state == "fetched"
    review = ClaimReview.objects.get(url="https://checks.example/troops")
    assert review.claim_reviewed == REVIEW["claimReviewed"]
    assert review.rating_name == "True"
