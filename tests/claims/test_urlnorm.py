"""URL normalization for sources."""

from __future__ import annotations

import pytest

from claims.urlnorm import URLError, url_normalize


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.TEST", "http://example.test/"),
        ("https://example.test:443/a/B?x=1&y=2#top", "https://example.test/a/B?x=1&y=2"),
        ("http://example.test:8080/", "http://example.test:8080/"),
        ("http://[::1]:80/x", "http://[::1]/x"),
    ],
)
def test_urls_normalize(url, expected):
    assert url_normalize(url) == expected


@pytest.mark.parametrize(
    "url", ["", "ftp://example.test/", "javascript:alert(1)", "http://", "http://x:99999/"]
)
def test_non_http_urls_are_refused(url):
    with pytest.raises(URLError):
        url_normalize(url)
