"""Template context for every page: the signed-in user's role."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from claims.permissions import role_of


def role(request) -> dict:
    """``role`` (admin, editor, reviewer or '') and ``role_is_editor``, computed when read."""
    user = getattr(request, "user", None)
    if user is None:
        return {"role": "", "role_is_editor": False}
    return {
        "role": SimpleLazyObject(lambda: role_of(user)),
        "role_is_editor": SimpleLazyObject(lambda: role_of(user).is_editor),
    }
