"""Fixtures of the fetch, link-check, ingest and webhook service tests: a page server and a
webhook receiver on 127.0.0.2."""

from __future__ import annotations

import pytest

from tests.receiver import Receiver
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


@pytest.fixture
def receiver():
    server = Receiver("127.0.0.2")
    yield server
    server.close()


@pytest.fixture
def hook_settings(settings, receiver):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    settings.SOURCE_FETCH_ALLOWED_PORTS = [receiver.port]
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    settings.WEBHOOK_SWEEP_GRACE_SECONDS = 60
    return settings
