"""The API reads and writes the fields publishing needs: claim date, first appearance, and the
verdict's short summary (ClaimReview claimReviewed)."""

from __future__ import annotations

import pytest

from claims.models import Claim
from tests.claims.api.conftest import token_client
from tests.factories import ClaimFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def _patch(client, claim, data):
    etag = client.get(f"/api/v1/claims/{claim.pk}/")["ETag"]
    return client.patch(f"/api/v1/claims/{claim.pk}/", data, format="json", HTTP_IF_MATCH=etag)


def test_a_claim_takes_a_date_and_an_appearance_url_and_null_clears_the_date():
    client = token_client(ReviewerFactory())
    claim = ClaimFactory()
    response = _patch(
        client, claim, {"claim_date": "2026-10-03", "appearance_url": "https://x.example/p/1"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["claim_date"] == "2026-10-03"
    assert response.json()["appearance_url"] == "https://x.example/p/1"
    listed = client.get(f"/api/v1/claims/?article={claim.article_id}").json()["results"]
    assert [c for c in listed if c["id"] == claim.pk] == [response.json()]  # list == detail
    response = _patch(client, claim, {"claim_date": None})
    assert response.status_code == 200 and response.json()["claim_date"] is None
    assert Claim.objects.get(pk=claim.pk).appearance_url == "https://x.example/p/1"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"claim_date": "next tuesday"}, "claim_date"),
        ({"claim_date": "2999-01-01"}, "claim_date"),
        ({"appearance_url": "javascript:alert(1)"}, "appearance_url"),
        ({"appearance_url": "ftp://x.example/file"}, "appearance_url"),
    ],
)
def test_bad_claim_fields_are_a_400_naming_the_field(data, field):
    client = token_client(ReviewerFactory())
    claim = ClaimFactory()
    response = _patch(client, claim, data)
    assert response.status_code == 400
    assert field in response.content.decode()
    claim.refresh_from_db()
    assert claim.claim_date is None and claim.appearance_url == ""


def test_a_verdict_takes_a_short_summary_on_one_line():
    client = token_client(ReviewerFactory())
    claim = ClaimFactory()
    response = client.post(
        f"/api/v1/claims/{claim.pk}/verdicts/",
        {"rating": "false", "summary": "Wrong.", "claim_summary": "  Budget:\n 4.2m  "},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["claim_summary"] == "Budget: 4.2m"
    too_long = client.post(
        f"/api/v1/claims/{claim.pk}/verdicts/",
        {"rating": "false", "claim_summary": "x" * 501},
        format="json",
    )
    assert too_long.status_code == 400 and "claim_summary" in too_long.content.decode()
