"""Fixtures of the fetch, link-check and ingest service tests: a page server on 127.0.0.2."""

from __future__ import annotations

import pytest

from tests.sites import LocalSite


@pytest.fixture
def site():
    server = LocalSite("127.0.0.2")
    yield server
    server.close()


@pytest.fixture
def fetch_settings(settings, site):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    settings.SOURCE_FETCH_ALLOWED_PORTS = [site.port]
    settings.SOURCE_FETCH_TOTAL_TIMEOUT = 3
    settings.SOURCE_FETCH_READ_TIMEOUT = 2
    settings.SOURCE_FETCH_MAX_ATTEMPTS = 3
    settings.SOURCE_FETCH_LEASE_SECONDS = 60
    settings.SOURCE_FETCH_RETRY_BASE_SECONDS = 10
    return settings
