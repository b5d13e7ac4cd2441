"""Template context for every page: the signed-in user's role."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from claims.permissions import role_of


def role(request) -> dict:
    """``role``: admin, editor, reviewer or '' (computed only when a template reads it)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"role": ""}
    return {"role": SimpleLazyObject(lambda: role_of(user))}
