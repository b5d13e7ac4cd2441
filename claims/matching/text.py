"""Query text and languages for matching."""

from __future__ import annotations

import re

# BCP 47 primary subtags to the PostgreSQL text search configurations that ship with the server.
SEARCH_CONFIGS = {
    "ar": "arabic",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "nb": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}
DEFAULT_CONFIG = "english"
FALLBACK_CONFIG = "simple"  # a language PostgreSQL does not stem: words as written

_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.IGNORECASE)
# The signature a pasted social post ends with: "— Name (@handle) March 3, 2021".
_POST_SIGNATURE = re.compile(
    "[\u2014\u2013-]" r"\s*[^\u2014\u2013\n]{0,80}\(@\w{1,30}\)\s*[A-Z][a-z]+ \d{1,2}, \d{4}\W*$"
)
_HANDLE = re.compile(r"(?<!\w)@(\w+)")
_SPACE = re.compile(r"\s+")

MAX_QUERY_CHARS = 2000


def search_config(language: str | None) -> str:
    """The text search configuration for a BCP 47 tag (English when none is given)."""
    if not language:
        return DEFAULT_CONFIG
    primary = language.strip().lower().replace("_", "-").split("-", 1)[0]
    if not primary:
        return DEFAULT_CONFIG
    return SEARCH_CONFIGS.get(primary, FALLBACK_CONFIG)


def clean_query(text: str) -> str:
    """The claim in a pasted text: links, a social post's signature and @ signs taken out."""
    text = (text or "")[:MAX_QUERY_CHARS].replace("\x00", " ").strip().strip('"').strip()
    text = _URL.sub(" ", text)
    text = _POST_SIGNATURE.sub(" ", text)
    text = _HANDLE.sub(r"\1", text)
    return _SPACE.sub(" ", text).strip()
