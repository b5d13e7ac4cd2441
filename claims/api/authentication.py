"""Token authentication that also reads the user's role, in the query that checks the token."""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from claims.permissions import remember_role


@cache
def _token_user_sql() -> str:
    user = get_user_model()
    memberships = user.groups.through._meta.db_table
    # Only table names from the models go into the text; the key is a bound parameter.
    return (
        f'SELECT u.*, t."created" AS token_created, ARRAY('  # noqa: S608
        f'SELECT g."name" FROM "{Group._meta.db_table}" g'
        f' JOIN "{memberships}" m ON m."group_id" = g."id" WHERE m."user_id" = u."id"'
        f') AS group_names FROM "{Token._meta.db_table}" t'
        f' JOIN "{user._meta.db_table}" u ON u."id" = t."user_id" WHERE t."key" = %s'
    )


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's `Authorization: Token <key>`, with the role (groups) read in the same statement.

    Every API request needs the role (what may this user see and do); DRF's own version costs a
    query for the token and user and a second for the groups, and the ORM's query building costs
    more than either on a small request, hence one fixed statement.
    """

    def authenticate_credentials(self, key):
        found = list(get_user_model().objects.raw(_token_user_sql(), [key]))
        if not found:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = found[0]
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        remember_role(user, is_superuser=user.is_superuser, group_names=user.group_names)
        token = Token(key=key, user=user, created=user.token_created)
        return user, token
