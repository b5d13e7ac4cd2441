"""URL normalization: one Source row per normalized URL."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


class URLError(ValueError):
    """The URL cannot be a source: not http(s), no host, or malformed."""


def url_normalize(url: str) -> str:
    """Lowercase scheme and host, drop the default port and the fragment, keep the query."""
    text = (url or "").strip()
    if not text:
        raise URLError("the URL is empty")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise URLError(f"not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise URLError(f"only http and https URLs can be sources, not {scheme or 'no scheme'!r}")
    host = (parts.hostname or "").lower()
    if not host:
        raise URLError("the URL has no host")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if parts.username is not None or parts.password is not None:
        # A password in a cited URL would be shown to every reader of the fact-check.
        raise URLError("a source URL must not carry a user name or password")
    netloc = host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))
