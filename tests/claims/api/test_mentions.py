"""The @mention autocomplete's endpoint: whom the caller may mention, by prefix, bounded, throttled."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.claims.api.conftest import token_client
from tests.factories import EditorFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["username"] for r in response.json()["results"]]


def test_members_by_prefix_of_username_or_name_never_the_caller_inactive_or_roleless():
    me = ReviewerFactory(username="marta")
    ReviewerFactory(username="mark", first_name="Mark", last_name="Ode")
    EditorFactory(username="mariam")
    ReviewerFactory(username="zed", first_name="Marion")  # the first name matches
    UserFactory(username="mallory")  # no newsroom role
    ReviewerFactory(username="marvin", is_active=False)
    api = token_client(me)
    assert names(api.get("/api/v1/mentions/?q=mar")) == ["mariam", "mark", "zed"]
    assert names(api.get("/api/v1/mentions/?q=@MAR")) == ["mariam", "mark", "zed"]
    found = api.get("/api/v1/mentions/?q=mark").json()["results"]
    assert found == [{"username": "mark", "name": "Mark Ode"}]
    assert names(api.get("/api/v1/mentions/?q=nobody")) == []


def test_at_most_ten_and_a_bad_prefix_is_a_clear_400():
    me = ReviewerFactory()
    for n in range(15):
        ReviewerFactory(username=f"desk{n:02d}")
    api = token_client(me)
    assert names(api.get("/api/v1/mentions/?q=desk")) == [f"desk{n:02d}" for n in range(10)]
    assert len(names(api.get("/api/v1/mentions/"))) == 10
    for bad in ("<script>", "a b", "x" * 151):
        answer = api.get("/api/v1/mentions/", {"q": bad})
        assert answer.status_code == 400 and "q" in answer.json()["errors"], bad


def test_only_members_may_ask():
    ReviewerFactory(username="mark")
    assert APIClient().get("/api/v1/mentions/?q=m").status_code in (401, 403)
    assert token_client(UserFactory()).get("/api/v1/mentions/?q=m").status_code == 403


def test_the_autocomplete_is_throttled_per_user(settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "mentions": "3/minute"}
    api, other = token_client(ReviewerFactory()), token_client(ReviewerFactory())
    codes = [api.get("/api/v1/mentions/?q=a").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert other.get("/api/v1/mentions/?q=a").status_code == 200
