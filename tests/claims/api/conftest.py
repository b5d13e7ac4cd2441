"""API test helpers: token clients by role, throttles off unless a test turns them on."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _no_throttles(settings):
    settings.API_THROTTLE_RATES = {"token": None, "writes": None}
    cache.clear()
    yield
    cache.clear()


def token_client(user) -> APIClient:
    """An API client that authenticates with the user's token, as outside clients do."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def as_user():
    return token_client
