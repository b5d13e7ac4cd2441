"""Template context for every page: the signed-in user's role."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from claims.services.users import user_role


def role(request) -> dict:
    """``role``: admin, editor, reviewer or '' (computed only when a template reads it)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"role": ""}
    return {"role": SimpleLazyObject(lambda: _cached_role(user))}


def _cached_role(user) -> str:
    cached = getattr(user, "_factcheck_role", None)
    if cached is None:
        cached = user_role(user)
        user._factcheck_role = cached
    return cached
