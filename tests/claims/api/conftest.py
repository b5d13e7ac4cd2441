"""API test helpers: token clients by role, throttles off unless a test turns them on."""

from __future__ import annotations

import sys
import types

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


@pytest.fixture
def extraction(monkeypatch):
    """The extractor, or a stand-in that suggests nothing when this branch lacks it."""
    try:
        import claims.services.extraction  # noqa: F401
    except ImportError:
        fake = types.ModuleType("claims.services.extraction")
        fake.article_suggest_claims = lambda *, article: []
        monkeypatch.setitem(sys.modules, "claims.services.extraction", fake)
