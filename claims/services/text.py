"""Free text typed by people: the checks every service applies before storing it."""

from __future__ import annotations

import re

from claims.services.errors import ValidationError

# Bidirectional embedding, override and isolate controls: invisible, they reorder what a reader
# sees (a "Trojan Source" title or comment reads differently from what is stored).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def text_clean(
    field: str, value: str | None, *, required: bool = False, max_length: int = 0
) -> str:
    """The value stripped; ValidationError on the field if blank when required, too long, or
    holding a NUL or a bidirectional control character."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(field, "This field may not be blank.")
    if max_length and len(value) > max_length:
        raise ValidationError(field, f"Ensure this field has no more than {max_length} characters.")
    if "\x00" in value:
        raise ValidationError(field, "Null characters are not allowed.")
    found = BIDI_CONTROLS.search(value)
    if found:
        raise ValidationError(
            field,
            f"Invisible text-direction control U+{ord(found.group()):04X} is not allowed "
            f"(at character {found.start() + 1}).",
        )
    return value


def web_url_clean(field: str, value: str | None, *, max_length: int = 2000) -> str:
    """An http or https URL without credentials ('' stays ''); ValidationError otherwise."""
    from urllib.parse import urlsplit

    value = text_clean(field, value, max_length=max_length)
    if not value:
        return value
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        raise ValidationError(field, "Enter a valid URL.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError(field, "Only http and https URLs are allowed.")
    if not parts.hostname:
        raise ValidationError(field, "The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise ValidationError(field, "A URL must not carry a user name or password.")
    return value
