"""Sign-in resists guessing: failures counted per account and per address, on the API token
endpoint, the web login and the admin login; X-Forwarded-For trusted only behind declared proxies."""

from __future__ import annotations

import itertools

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
rotating = (f"203.0.113.{i % 250 + 1}" for i in itertools.count())


@pytest.fixture(autouse=True)
def _clean_counts(settings):
    settings.API_THROTTLE_RATES = {"token": None, "writes": None}
    settings.NUM_PROXIES = 0
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = 5
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 20
    settings.SIGNIN_WINDOW_SECONDS = 900
    cache.clear()
    yield
    cache.clear()


def token_attempt(client, username, password, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", **extra
    )


def test_thirty_guesses_from_rotating_forwarded_addresses_end_in_429():
    reviewer = ReviewerFactory()
    client = APIClient()
    codes = [
        token_attempt(client, reviewer.username, f"guess-{i}", next(rotating)).status_code
        for i in range(30)
    ]
    assert codes[:5] == [400] * 5
    assert codes[5:] == [429] * 25
    # Locked: even the right password is refused until the window ends, and the answer says so.
    response = token_attempt(client, reviewer.username, PASSWORD, next(rotating))
    assert response.status_code == 429
    assert "locked" in response.json()["detail"] and "UTC" in response.json()["detail"]
    assert int(response["Retry-After"]) > 800


def test_the_token_throttle_ignores_forwarded_addresses_unless_proxies_are_declared(settings):
    settings.API_THROTTLE_RATES = {"token": "3/minute", "writes": None}
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = 0  # only the rate limit here
    settings.SIGNIN_MAX_FAILURES_PER_ADDRESS = 0
    client = APIClient()
    codes = [token_attempt(client, "nobody", "x", next(rotating)).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    cache.clear()
    settings.NUM_PROXIES = 1  # behind one declared proxy, its X-Forwarded-For names the client
    codes = [token_attempt(client, "nobody", "x", next(rotating)).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 400]


def test_one_address_guessing_many_accounts_is_locked():
    client = APIClient()
    codes = [token_attempt(client, f"user-{i}", "guess").status_code for i in range(22)]
    assert codes[:20] == [400] * 20 and codes[20:] == [429, 429]
    other = APIClient(REMOTE_ADDR="127.0.0.9")
    assert token_attempt(other, "user-99", "guess").status_code == 400


def test_a_right_password_clears_the_account_count():
    reviewer = ReviewerFactory()
    client = APIClient()
    for _ in range(4):
        assert token_attempt(client, reviewer.username, "wrong").status_code == 400
    assert token_attempt(client, reviewer.username, PASSWORD).status_code == 200
    for _ in range(4):
        assert token_attempt(client, reviewer.username, "wrong").status_code == 400


def test_the_web_login_locks_an_account_and_says_until_when():
    reviewer = ReviewerFactory()
    client = Client()
    for i in range(5):
        response = client.post(
            "/accounts/login/",
            {"username": reviewer.username, "password": f"guess-{i}"},
            HTTP_X_FORWARDED_FOR=next(rotating),
        )
        assert response.status_code == 200
        assert "didn" in response.content.decode()
    response = client.post(
        "/accounts/login/",
        {"username": reviewer.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=next(rotating),
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert "locked" in page and "Try again after" in page and "UTC" in page
    assert "_auth_user_id" not in client.session


def test_the_admin_login_locks_an_account_and_says_until_when():
    editor = EditorFactory()
    client = Client()
    for i in range(5):
        response = client.post(
            "/admin/login/", {"username": editor.username, "password": f"guess-{i}"}
        )
        assert response.status_code == 200
    response = client.post("/admin/login/", {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "locked" in response.content.decode() and "Try again after" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_on_the_web_count_for_the_api_too():
    reviewer = ReviewerFactory()
    for i in range(5):
        Client().post("/accounts/login/", {"username": reviewer.username, "password": f"g{i}"})
    assert token_attempt(APIClient(), reviewer.username, PASSWORD).status_code == 429
