"""The one way services clean a text input: the limits come from the model's fields."""

from __future__ import annotations

from django.db import models

from claims.services.errors import ValidationError


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
    name: str | None = None,
) -> str:
    """``value`` as it is stored in ``model.field``: stripped (unless ``strip`` is off), and
    refused (ValidationError naming ``name`` or the field) when blank but required, longer than
    the field's ``max_length``, or holding a NUL character, which PostgreSQL cannot store."""
    name = name or field
    value = value or ""
    if strip:
        value = value.strip()
    if required and not value.strip():
        raise ValidationError(name, "This field may not be blank.")
    limit = max_length(model, field)
    if limit and len(value) > limit:
        raise ValidationError(name, f"Ensure this field has no more than {limit} characters.")
    if "\x00" in value:
        raise ValidationError(name, "Null characters are not allowed.")
    return value
