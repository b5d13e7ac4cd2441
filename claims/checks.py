"""System checks for publishing: the public URL that ClaimReview, feeds and the sitemap carry."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def _is_loopback(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@register(Tags.security, deploy=True)
def publisher_url_is_public(app_configs=None, **kwargs) -> list[Error]:
    """With DEBUG off, FACTCHECK_PUBLISHER_URL must be an absolute http(s) URL off this machine."""
    if settings.DEBUG:
        return []
    url = settings.FACTCHECK_PUBLISHER_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [
            Error(
                f"FACTCHECK_PUBLISHER_URL={url!r} is not an absolute http(s) URL.",
                hint="Set it to the public address of the fact-check site.",
                id="claims.E001",
            )
        ]
    if _is_loopback(parts.hostname):
        return [
            Error(
                f"FACTCHECK_PUBLISHER_URL={url!r} points at this machine: every ClaimReview, feed "
                "and sitemap entry would carry a URL nobody else can open.",
                hint="Set FACTCHECK_PUBLISHER_URL to the public address, e.g. "
                "https://factcheck.example/.",
                id="claims.E002",
            )
        ]
    return []
