"""What anonymous readers get from the API: published work, no staff account names, no 500s."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Claim, Verdict
from tests.claims.api.conftest import token_client
from tests.factories import ClaimFactory, EditorFactory, ReviewerFactory, VerdictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    reviewer = ReviewerFactory(username="rev-login-name")
    editor = EditorFactory(username="chief-login-name")
    claim = ClaimFactory(status=Claim.Status.PUBLISHED, assignee=reviewer)
    verdict = VerdictFactory(
        claim=claim,
        author=reviewer,
        reviewed_by=editor,
        status=Verdict.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    return claim, verdict


def test_anonymous_api_responses_name_no_staff_account(published):
    claim, verdict = published
    client = APIClient()
    for url in (
        "/api/v1/claims/",
        "/api/v1/claims/?format=api",
        f"/api/v1/claims/{claim.pk}/",
        f"/api/v1/claims/{claim.pk}/verdicts/",
        f"/api/v1/verdicts/{verdict.pk}/",
        f"/api/v1/claims/{claim.pk}/claimreview/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "rev-login-name" not in text and "chief-login-name" not in text, url
    body = client.get(f"/api/v1/verdicts/{verdict.pk}/").json()
    assert body["author"] is None and body["reviewed_by"] is None and body["summary"]
    assert client.get("/api/v1/claims/").json()["results"][0]["assignee"] is None


def test_members_still_see_who_did_what(published):
    _claim, verdict = published
    client = token_client(ReviewerFactory())
    body = client.get(f"/api/v1/verdicts/{verdict.pk}/").json()
    assert body["author"]["username"] == "rev-login-name"
    assert body["reviewed_by"]["username"] == "chief-login-name"
    listed = client.get("/api/v1/claims/").json()["results"][0]
    assert listed["assignee"]["username"] == "rev-login-name"


@pytest.mark.parametrize("page", ["²", "½", "0", "-1", "x", "9" * 30])
def test_odd_page_numbers_are_a_404_not_a_500(published, page):
    response = APIClient().get("/api/v1/claims/", {"page": page})
    assert response.status_code == 404
