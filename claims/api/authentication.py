"""Token authentication (django-rest-knox tokens) that also reads the user's role, in one query."""

from __future__ import annotations

import binascii
from functools import cache
from hmac import compare_digest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions

from claims.api import schema as _schema  # noqa: F401  (registers the token scheme in OpenAPI)
from claims.models import ApiToken
from claims.permissions import remember_role


@cache
def _token_user_sql() -> str:
    user = get_user_model()
    memberships = user.groups.through._meta.db_table
    # Only table names from the models go into the text; the key prefix is a bound parameter.
    return (
        f'SELECT u.*, t."id" AS token_id, t."digest" AS token_digest,'  # noqa: S608
        f' t."password_fingerprint" AS token_fingerprint, t."created" AS token_created,'
        f' t."expiry" AS token_expiry, t."name" AS token_name, ARRAY('
        f'SELECT g."name" FROM "{Group._meta.db_table}" g'
        f' JOIN "{memberships}" m ON m."group_id" = g."id" WHERE m."user_id" = u."id"'
        f') AS group_names FROM "{ApiToken._meta.db_table}" t'
        f' JOIN "{user._meta.db_table}" u ON u."id" = t."user_id"'
        f' WHERE t."token_key" = %s AND (t."expiry" IS NULL OR t."expiry" > statement_timestamp())'
    )


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <key>` against hashed, expiring tokens, with the role read alongside.

    Every API request needs the role (what may this user see and do). knox's own check costs a
    query for the token, one for the user's other tokens and one for the groups; this reads the
    token, its user and the groups in one fixed statement and checks the digest here. A token made
    before the user's password last changed is refused: its fingerprint no longer matches.
    """

    def authenticate_credentials(self, token):
        invalid = exceptions.AuthenticationFailed(_("Invalid token."))
        if isinstance(token, bytes):
            try:
                token = token.decode("utf-8")
            except UnicodeDecodeError:
                raise invalid from None
        try:
            digest = hash_token(token)
        except (TypeError, ValueError, binascii.Error):
            raise invalid from None
        rows = get_user_model().objects.raw(
            _token_user_sql(), [token[: CONSTANTS.TOKEN_KEY_LENGTH]]
        )
        for user in rows:
            if not compare_digest(digest, user.token_digest):
                continue
            if not constant_time_compare(user.token_fingerprint, user.get_session_auth_hash()):
                raise exceptions.AuthenticationFailed(
                    _("Token revoked: the password changed since it was made.")
                )
            if not user.is_active:
                raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
            remember_role(user, is_superuser=user.is_superuser, group_names=user.group_names)
            auth = ApiToken(
                id=user.token_id,
                digest=user.token_digest,
                token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH],
                user=user,
                created=user.token_created,
                expiry=user.token_expiry,
                name=user.token_name,
                password_fingerprint=user.token_fingerprint,
            )
            return user, auth
        raise invalid
