"""The workbench forms fill what publishing needs: the claim's date and first appearance, the
verdict's short summary (with its 75-character warning); the published page shows them."""

from __future__ import annotations

import datetime as dt
import json
import re

from django.test import Client

from claims.exports.claimreview import fact_check_path
from claims.models import Verdict
from tests.factories import EvidenceFactory, VerdictFactory

LONG = "The council did not approve the bridge, the tunnel or the new ring road in March"


def test_from_the_forms_to_the_published_claim_review(reviewer_client, editor_client, claim):
    EvidenceFactory(
        claim=claim
    )  # sources before verdicts: a verdict needs evidence to be submitted
    response = reviewer_client.post(
        f"/claims/{claim.pk}/edit/",
        {
            "version": claim.version,
            "statement": "The budget is 4.2 million euros",
            "claimant": "The mayor",
            "claimant_kind": "person",
            "claim_type": "quantity",
            "claim_date": "2026-10-03",
            "appearance_url": "https://video.example/speech",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.claim_date == dt.date(2026, 10, 3)
    reviewer_client.post(
        f"/claims/{claim.pk}/verdict/",
        {"rating": "false", "summary": "It is 2.4 million.", "claim_summary": "Budget: 4.2m"},
    )
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.claim_summary == "Budget: 4.2m"
    for step, client in (("submit", reviewer_client), ("approve", editor_client)):
        verdict.refresh_from_db()
        client.post(f"/verdicts/{verdict.pk}/{step}/", {"version": verdict.version})
    verdict.refresh_from_db()
    editor_client.post(f"/verdicts/{verdict.pk}/publish/", {"version": verdict.version})
    claim.refresh_from_db()
    html = Client().get(fact_check_path(claim)).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block)
    assert data["claimReviewed"] == "Budget: 4.2m"
    assert data["itemReviewed"]["datePublished"] == "2026-10-03"
    assert data["itemReviewed"]["firstAppearance"]["url"] == "https://video.example/speech"
    assert data["itemReviewed"]["author"] == {"@type": "Person", "name": "The mayor"}
    assert data["reviewRating"]["ratingExplanation"] == "It is 2.4 million."


def test_bad_claim_fields_are_refused_with_the_text_kept(reviewer_client, claim):
    response = reviewer_client.post(
        f"/claims/{claim.pk}/edit/",
        {"version": claim.version, "statement": "Kept", "appearance_url": "javascript:alert(1)"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid http(s) URL." in html and ">Kept</textarea>" in html
    response = reviewer_client.post(
        f"/claims/{claim.pk}/edit/",
        {"version": claim.version, "claim_date": "03/10/2026"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400 and "is not a date (YYYY-MM-DD)" in response.content.decode()


def test_the_form_warns_above_75_characters_and_keeps_the_text_whole(reviewer_client, claim):
    reviewer_client.post(
        f"/claims/{claim.pk}/verdict/", {"rating": "false", "summary": "S", "claim_summary": LONG}
    )
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.claim_summary == LONG  # stored whole
    html = reviewer_client.get(f"/claims/{claim.pk}/").content.decode()
    assert f"{len(LONG)} characters: search engines may show only about 75" in html


def test_no_warning_at_75_characters_or_less(reviewer_client, claim, reviewer):
    VerdictFactory(claim=claim, author=reviewer, claim_summary="x" * 75)
    html = reviewer_client.get(f"/claims/{claim.pk}/").content.decode()
    assert "search engines may show only about" not in html
