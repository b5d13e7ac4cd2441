"""The public fact-check page: anonymous, ClaimReview JSON-LD, transparency."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from claims.models import Rating, SourceSnapshot, Verdict
from tests.factories import (
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    ReviewerFactory,
    SourceFactory,
    VerdictFactory,
)


@pytest.fixture
def published(db):
    claim = ClaimFactory(statement="The budget is 4.2 million euros", claimant="The council")
    editor = EditorFactory()
    source = SourceFactory(fetch_status="fetched", title="Council minutes <i>2024</i>")
    # The evidence the verdicts relied on was there before they were published.
    EvidenceFactory(claim=claim, source=source, quoted_passage="4.2 million", quote_found=True)
    now = timezone.now()
    source.fetched_at = now
    source.save()
    old = VerdictFactory(
        claim=claim,
        status="superseded",
        reviewed_by=editor,
        published_at=now,
        summary="First take",
        rating=Rating.objects.get(slug="false", scale__is_default=True),
    )
    current = VerdictFactory(
        claim=claim,
        status="published",
        reviewed_by=editor,
        published_at=now,
        supersedes=old,
        correction_note="The minutes were misread.",
        summary='It is </script><script>alert("x")</script> true',
        rating=Rating.objects.get(slug="true", scale__is_default=True),
    )
    SourceSnapshot.objects.create(
        source=source,
        fetched_at=now,
        final_url=source.url,
        http_status=200,
        content_type="text/html",
        content_sha256="0" * 64,
        raw_gzip=gzip.compress(b"<p>hi</p>"),
        raw_size=9,
    )
    return claim, current


def _json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(b) for b in blocks]


def test_anyone_reads_the_public_page_with_its_claim_review(published):
    claim, verdict = published
    response = Client().get(f"/fact-checks/{claim.article_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    (data,) = _json_ld(html)
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "The budget is 4.2 million euros"
    assert data["reviewRating"]["alternateName"] == "True"
    assert data["reviewBody"] == verdict.summary  # round-trips although it holds </script>
    assert "<script>alert" not in html


def test_the_transparency_section(published):
    claim, _ = published
    html = Client().get(f"/fact-checks/{claim.article_id}/").content.decode()
    assert "Council minutes &lt;i&gt;2024&lt;/i&gt;" in html
    assert "Archived copy" in html and "quoted passage found in the source" in html
    assert "The minutes were misread." in html and "rating changed from False to True" in html
    assert "What it means" not in html  # the scale speaks for itself:
    assert "The claim is accurate and nothing significant is missing." in html


def test_no_public_page_without_a_published_verdict(db):
    claim = ClaimFactory()
    VerdictFactory(claim=claim, status=Verdict.Status.DRAFT, author=ReviewerFactory())
    assert Client().get(f"/fact-checks/{claim.article_id}/").status_code == 404
