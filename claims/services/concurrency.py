"""Optimistic concurrency: lock the row, compare the version the caller saw, bump it on change."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from claims.services.errors import StaleVersion

M = TypeVar("M", bound=models.Model)


def lock(model: type[M], pk: int) -> M:
    """Re-read a row under SELECT ... FOR UPDATE, so concurrent writers queue behind each other."""
    return model.objects.select_for_update().get(pk=pk)


def check_version(obj: Any, expected_version: int | None, fields: tuple[str, ...]) -> None:
    """Raise StaleVersion (with the current values) when the caller saw an older version."""
    if expected_version is not None and obj.version != expected_version:
        raise StaleVersion(
            current_version=obj.version,
            current={name: _plain(getattr(obj, name)) for name in fields},
        )


def save_bumped(obj: Any, fields: set[str] | list[str]) -> None:
    """Save the changed fields with the version bumped and updated_at refreshed."""
    obj.version += 1
    obj.save(update_fields=[*set(fields), "version", "updated_at"])


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
