"""A page fetched under the URL policy and its extracted text: the one fetch-then-extract."""

from __future__ import annotations

from .client import FetchConfig, FetchResult, fetch
from .extract import Extracted, extract


def fetch_page(url: str, config: FetchConfig) -> tuple[FetchResult, Extracted]:
    """Fetch ``url`` (FetchError on any refusal or failure) and extract its text and metadata."""
    result = fetch(url, config)
    extracted = extract(
        result.body, result.content_type, charset=result.charset, url=result.final_url
    )
    return result, extracted
