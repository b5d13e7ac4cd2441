"""Token authentication reads the user and the role in one statement, and refuses what it must."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from claims.permissions import role_of
from tests.claims.api.conftest import token_client
from tests.factories import EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("make", "role"),
    [(ReviewerFactory, "reviewer"), (EditorFactory, "editor")],
)
def test_one_statement_gives_the_user_and_the_role(make, role):
    from claims.api.authentication import TokenAuthentication

    user = make()
    key = Token.objects.create(user=user).key
    with CaptureQueriesContext(connection) as ctx:
        found, token = TokenAuthentication().authenticate_credentials(key)
        assert role_of(found) == role
    assert len(ctx.captured_queries) == 1
    assert (found.pk, token.key, token.user) == (user.pk, key, found)


def test_superusers_are_admins_and_users_without_groups_have_no_role(django_user_model):
    from claims.api.authentication import TokenAuthentication

    admin = django_user_model.objects.create_superuser("boss", password="x-very-long-pass")
    plain = django_user_model.objects.create_user("nobody", password="x-very-long-pass")
    for user, role in ((admin, "admin"), (plain, "")):
        found, _ = TokenAuthentication().authenticate_credentials(
            Token.objects.create(user=user).key
        )
        assert role_of(found) == role


def test_unknown_tokens_and_inactive_users_get_401():
    reviewer = ReviewerFactory()
    client = token_client(reviewer)
    assert client.get("/api/v1/claims/").status_code == 200
    reviewer.is_active = False
    reviewer.save()
    response = client.get("/api/v1/claims/")
    assert response.status_code == 401
    assert "inactive" in response.content.decode()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/v1/claims/")
    assert response.status_code == 401
    assert "Invalid token" in response.content.decode()


def test_a_role_change_counts_from_the_next_request():
    from django.contrib.auth.models import Group

    reviewer = ReviewerFactory()
    client = token_client(reviewer)
    assert client.get("/api/v1/articles/").status_code == 200
    reviewer.groups.clear()
    assert client.get("/api/v1/articles/").status_code == 403  # no role: not a member
    reviewer.groups.add(Group.objects.get(name="reviewers"))
    assert client.get("/api/v1/articles/").status_code == 200
