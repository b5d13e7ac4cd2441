"""Free text typed by people: the one way services clean it before storing it. The length limits
come from the model's fields."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.db import models

from claims.services.errors import ValidationError

# Bidirectional embedding, override and isolate controls: invisible, they reorder what a reader
# sees (a "Trojan Source" title or comment reads differently from what is stored).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def max_length(model: type[models.Model], field: str) -> int | None:
    """The model field's ``max_length`` (None when it has none)."""
    return model._meta.get_field(field).max_length


def clean_text(
    model: type[models.Model],
    field: str,
    value: str | None,
    *,
    required: bool = False,
    strip: bool = True,
    allow_bidi: bool = False,
    name: str | None = None,
) -> str:
    """``value`` as it is stored in ``model.field``: stripped (unless ``strip`` is off), and
    refused (ValidationError naming ``name`` or the field) when blank but required, longer than
    the field's ``max_length``, holding a NUL character (PostgreSQL cannot store it) or, unless
    ``allow_bidi`` (text quoted as published, such as an article body), a bidirectional control."""
    name = name or field
    value = value or ""
    if strip:
        value = value.strip()
    if required and not value.strip():
        raise ValidationError(name, "This field may not be blank.")
    limit = max_length(model, field)
    if limit and len(value) > limit:
        raise ValidationError(
            name, f"This text has {len(value):,} characters; the limit is {limit:,}."
        )
    if "\x00" in value:
        raise ValidationError(name, "Null characters are not allowed.")
    found = None if allow_bidi else BIDI_CONTROLS.search(value)
    if found:
        raise ValidationError(
            name,
            f"Invisible text-direction control U+{ord(found.group()):04X} is not allowed "
            f"(at character {found.start() + 1}).",
        )
    return value


def clean_web_url(
    model: type[models.Model], field: str, value: str | None, *, name: str | None = None
) -> str:
    """An http or https URL without credentials, as ``clean_text`` cleans it ('' stays '')."""
    name = name or field
    value = clean_text(model, field, value, name=name)
    if not value:
        return value
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        raise ValidationError(name, "Enter a valid URL.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError(name, "Only http and https URLs are allowed.")
    if not parts.hostname:
        raise ValidationError(name, "The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise ValidationError(name, "A URL must not carry a user name or password.")
    return value


def normalize_newlines(value: str) -> str:
    """Line ends as one LF: a browser's textarea sends CRLF, a file may hold lone CRs. (A new
    revision of an article's body is stored this way; the first body is stored as received.)"""
    return value.replace("\r\n", "\n").replace("\r", "\n")
