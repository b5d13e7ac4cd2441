"""Throttles on the token endpoint, on writes, and on anonymous reads."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.claims.api.conftest import token_client
from tests.factories import ClaimFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def test_the_token_endpoint_is_throttled(settings):
    settings.API_THROTTLE_RATES = {"token": "3/minute", "writes": None}
    reviewer = ReviewerFactory()
    client = APIClient()
    body = {"username": reviewer.username, "password": "wrong"}
    codes = [client.post("/api/v1/auth/token/", body, format="json").status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]


def test_writes_are_throttled_per_user_and_reads_are_not(settings):
    settings.API_THROTTLE_RATES = {"token": None, "writes": "2/minute"}
    claim = ClaimFactory()
    client = token_client(ReviewerFactory())
    url = f"/api/v1/claims/{claim.pk}/comments/"
    codes = [client.post(url, {"body": "x"}, format="json").status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert all(client.get(url).status_code == 200 for _ in range(5))
    other = token_client(ReviewerFactory())
    assert other.post(url, {"body": "y"}, format="json").status_code == 201


def test_anonymous_reads_are_throttled_per_address_and_members_reads_are_not(settings):
    settings.API_THROTTLE_RATES = {"token": None, "writes": None, "anonymous_reads": "3/minute"}
    ClaimFactory(status="published")
    anonymous = APIClient(REMOTE_ADDR="127.0.0.5")
    codes = [anonymous.get("/api/v1/claims/?q=claim").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert APIClient(REMOTE_ADDR="127.0.0.6").get("/api/v1/claims/").status_code == 200
    member = token_client(ReviewerFactory())
    assert all(member.get("/api/v1/claims/").status_code == 200 for _ in range(5))
