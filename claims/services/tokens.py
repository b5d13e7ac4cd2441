"""API tokens: made at sign-in with a name, listed without their secret, revoked one by one or all
at once when the password changes."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from claims.models import ApiToken
from claims.services.errors import NotFound, ValidationError

MAX_TOKENS_PER_USER = 20


def _name(name: str) -> str:
    name = (name or "").strip()
    if "\x00" in name:
        raise ValidationError("name", "Null characters are not allowed.")
    if len(name) > 100:
        raise ValidationError("name", "At most 100 characters.")
    return name


@transaction.atomic
def api_token_create(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the user: the row (digest only) and the secret, shown this once."""
    name = _name(name)
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        ApiToken.objects.filter(user=user).order_by("created", "id").first().delete()
    return ApiToken.objects.create(
        user=user,
        expiry=timedelta(days=settings.API_TOKEN_TTL_DAYS),
        name=name,
        password_fingerprint=user.get_session_auth_hash(),
    )


@transaction.atomic
def api_token_revoke(*, actor, token_id: int) -> None:
    """Revoke one of the actor's own tokens."""
    deleted, _ = ApiToken.objects.filter(user=actor, pk=token_id).delete()
    if not deleted:
        raise NotFound("no such token")


def api_tokens_revoke_stale(*, user) -> int:
    """Delete the user's tokens made under another password; how many there were."""
    current = user.get_session_auth_hash()
    deleted, _ = ApiToken.objects.filter(user=user).exclude(password_fingerprint=current).delete()
    return deleted
