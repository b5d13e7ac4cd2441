"""API test helpers: token clients by role, throttles off unless a test turns them on."""

from __future__ import annotations

import sys
import types

import pytest
from django.core.cache import cache
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
        from claims.services.tokens import api_token_create

        key = getattr(user, "_test_token", None)
        if key is None:
            _, key = api_token_create(user=user, name="tests")
            user._test_token = key
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
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
