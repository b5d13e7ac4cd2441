"""Fixtures for fetcher tests: a "public" site, a loopback canary and a config that ties them up.

The "public" site listens on 127.0.0.2, which the test config declares allowed (as a newsroom
would declare its intranet in SOURCE_FETCH_ALLOWED_NETWORKS). The canary listens on 127.0.0.1,
which stays blocked: hostile URLs point at it, and any hit on it is a regression.
"""

from __future__ import annotations

import pytest

from claims.fetching import FetchConfig
from tests.sites import LocalSite

PUBLIC_HOST = "127.0.0.2"


@pytest.fixture
def public():
    site = LocalSite(PUBLIC_HOST)
    yield site
    site.close()


@pytest.fixture
def canary():
    site = LocalSite("127.0.0.1")
    site.page("/", "canary")
    yield site
    site.close()
    assert site.hits == [], f"the blocked canary was reached: {site.hits}"


@pytest.fixture
def config(public, canary, stub_resolver) -> FetchConfig:
    stub_resolver.add("news.test", PUBLIC_HOST)
    return FetchConfig.build(
        allowed_networks=f"{PUBLIC_HOST}/32",
        allowed_ports=(80, 443, public.port, canary.port),
        resolver=stub_resolver,
        max_bytes=1024 * 1024,
        connect_timeout=1.0,
        read_timeout=1.0,
        total_timeout=2.0,
    )
