"""The public pages: one page per fact-check with one ClaimReview, the article page, old URLs,
transparency. Anyone reads them; nothing unpublished shows (tests/frontend/test_public_outputs.py
covers the index, feeds and sitemap)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from claims.exports.claimreview import fact_check_path, fact_check_slug
from claims.exports.validate import validate_claim_review
from claims.models import Evidence, Rating, SourceSnapshot, Verdict
from tests.factories import (
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    ReviewerFactory,
    SourceFactory,
    VerdictFactory,
)

FIRST = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.FACTCHECK_PUBLISHER_URL = "https://factcheck.example/"


def _snapshot(source, when):
    SourceSnapshot.objects.create(
        source=source,
        fetched_at=when,
        final_url=source.url,
        http_status=200,
        content_type="text/html",
        content_sha256="0" * 64,
        raw_gzip=gzip.compress(b"<p>hi</p>"),
        raw_size=9,
    )


@pytest.fixture
def published(db):
    claim = ClaimFactory(statement="The budget is 4.2 million euros", claimant="The council")
    editor = EditorFactory(first_name="Erin", last_name="Editor")
    author = ReviewerFactory(first_name="Rae", last_name="Reviewer")
    old = VerdictFactory(
        claim=claim,
        status="superseded",
        author=author,
        reviewed_by=editor,
        published_at=FIRST,
        summary="First take",
        rating=Rating.objects.get(slug="false", scale__is_default=True),
    )
    current = VerdictFactory(
        claim=claim,
        status="published",
        author=author,
        reviewed_by=editor,
        published_at=LATER,
        supersedes=old,
        correction_note="The minutes were misread.",
        summary='It is </script><script>alert("x")</script> true',
        rating=Rating.objects.get(slug="true", scale__is_default=True),
    )
    source = SourceFactory(
        fetch_status="fetched", title="Council minutes <i>2024</i>", fetched_at=FIRST
    )
    _snapshot(source, FIRST)
    EvidenceFactory(claim=claim, source=source, quoted_passage="4.2 million", quote_found=True)
    Evidence.objects.filter(claim=claim).update(created_at=FIRST)  # cited before publication
    return claim, current


def _json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(b) for b in blocks]


def _page(claim) -> str:
    response = Client().get(fact_check_path(claim))
    assert response.status_code == 200
    return response.content.decode()


def test_a_fact_check_page_carries_exactly_one_valid_claim_review(published):
    claim, verdict = published
    html = _page(claim)
    (data,) = _json_ld(html)
    assert html.count("application/ld+json") == 1
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "The budget is 4.2 million euros"
    assert data["reviewRating"]["alternateName"] == "True"
    assert data["reviewRating"]["ratingExplanation"] == verdict.summary  # holds </script>
    assert data["datePublished"] == FIRST.isoformat()  # the correction keeps the first date
    assert data["dateModified"] == LATER.isoformat()
    assert data["url"] == f"https://factcheck.example{fact_check_path(claim)}"
    assert f'<link rel="canonical" href="{data["url"]}">' in html
    assert "<script>alert" not in html
    assert [f for f in validate_claim_review(data) if f.level == "error"] == []


def test_a_page_per_claim_even_when_an_article_has_several(published):
    claim, _ = published
    second = ClaimFactory(article=claim.article, statement="Turnout was 61 percent")
    VerdictFactory(
        claim=second, status="published", reviewed_by=EditorFactory(), published_at=LATER
    )
    html = _page(second)
    (data,) = _json_ld(html)
    assert data["claimReviewed"] == "Turnout was 61 percent"
    assert "The budget is 4.2 million euros" not in html


def test_the_article_page_lists_its_fact_checks_without_claim_reviews(published):
    claim, _ = published
    unpublished = ClaimFactory(article=claim.article, statement="Unpublished claim")
    VerdictFactory(claim=unpublished, status="submitted")
    response = Client().get(f"/fact-checks/articles/{claim.article_id}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert _json_ld(html) == []  # Google: a ClaimReview only on the page of that one review
    assert f'href="{fact_check_path(claim)}"' in html and f'id="claim-{claim.pk}"' in html
    assert "Unpublished claim" not in html


def test_old_urls_redirect(published):
    claim, _ = published
    old = Client().get(f"/fact-checks/{claim.article_id}/")
    assert old.status_code == 301
    assert old["Location"] == f"/fact-checks/articles/{claim.article_id}/"
    stale = Client().get(f"/fact-checks/{claim.pk}/an-older-wording/")
    assert stale.status_code == 301 and stale["Location"] == fact_check_path(claim)
    assert reverse("frontend:fact-check", args=[claim.pk, fact_check_slug(claim)]) == (
        fact_check_path(claim)
    )


def test_credits_are_roles_by_default_and_names_when_set(published, settings):
    claim, _ = published
    html = _page(claim)
    assert "Checked by a fact-checker; approved by an editor." in html
    assert "Rae Reviewer" not in html and "Erin" not in html
    settings.FACTCHECK_PUBLIC_CREDITS = "names"
    assert "Checked by Rae Reviewer; approved by Erin Editor." in _page(claim)


def test_the_methodology_link_is_shown_when_set(published, settings):
    claim, _ = published
    assert "How we check claims" not in _page(claim)
    settings.FACTCHECK_METHODOLOGY_URL = "https://factcheck.example/methods"
    assert '<a href="https://factcheck.example/methods">How we check claims</a>' in _page(claim)


def test_the_correction_log_and_sources(published):
    claim, _ = published
    html = _page(claim)
    assert "Council minutes &lt;i&gt;2024&lt;/i&gt;" in html
    assert "Archived copy" in html and "quoted passage found in the source" in html
    assert "first published as False" in html
    assert "rating changed from False to True. The minutes were misread." in html
    assert "The claim is accurate and nothing significant is missing." in html  # the scale


@pytest.mark.parametrize(
    ("status", "moved_to", "says"),
    [
        ("changed", "", "The page has changed since we cited it"),
        ("moved", "https://news.test/new-home", "The page has moved to"),
        ("gone", "", "The page is no longer online"),
        ("ok", "", "the page was unchanged when last checked"),
    ],
)
def test_each_source_shows_its_link_rot_state_with_the_archived_copy(
    published, status, moved_to, says
):
    claim, _ = published
    source = SourceFactory(
        fetch_status="fetched",
        title="Rotting page",
        fetched_at=FIRST,
        link_status=status,
        link_moved_to=moved_to,
        last_checked_at=LATER,
    )
    _snapshot(source, FIRST)
    EvidenceFactory(claim=claim, source=source)
    Evidence.objects.filter(source=source).update(created_at=FIRST)
    html = _page(claim)
    (state,) = [
        m
        for m in re.findall(r'data-testid="link-state">(.*?)</p>', html, re.S)
        if f"/sources/{source.pk}/snapshot/" in m
    ]
    assert says in state
    if status != "ok":
        assert "archived copy here" in state


def test_sources_added_after_publication_wait_for_the_correction(published):
    claim, _ = published
    EvidenceFactory(claim=claim, source=SourceFactory(title="Not yet public"))
    assert "Not yet public" not in _page(claim)


def test_no_public_page_without_a_published_verdict(db):
    claim = ClaimFactory()
    VerdictFactory(claim=claim, status=Verdict.Status.DRAFT, author=ReviewerFactory())
    assert Client().get(fact_check_path(claim)).status_code == 404
    assert Client().get(f"/fact-checks/articles/{claim.article_id}/").status_code == 404


def test_the_fact_check_page_costs_a_fixed_number_of_queries(
    published, django_assert_max_num_queries
):
    claim, _ = published
    for _ in range(5):
        EvidenceFactory(claim=claim, source=SourceFactory(fetch_status="fetched"))
    # history, evidence, the rating scale, the "same claim as" links (claim memory), session-less
    with django_assert_max_num_queries(5):
        Client().get(fact_check_path(claim))
