"""API tokens: hashed, named, several per user, expiring, revocable, dead after a password change;
the token, its user and the role are read in one statement."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import ApiToken
from claims.permissions import role_of
from claims.services.tokens import api_token_create
from tests.claims.api.conftest import token_client
from tests.factories import AdminFactory, EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def get_token(username: str, password: str = PASSWORD, name: str = "") -> str:
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password, "name": name},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.mark.parametrize(
    ("make", "role"),
    [(ReviewerFactory, "reviewer"), (EditorFactory, "editor")],
)
def test_one_statement_gives_the_user_and_the_role(make, role):
    from claims.api.authentication import TokenAuthentication

    user = make()
    _, key = api_token_create(user=user)
    with CaptureQueriesContext(connection) as ctx:
        found, token = TokenAuthentication().authenticate_credentials(key.encode())
        assert role_of(found) == role
    assert len(ctx.captured_queries) == 1
    assert (found.pk, token.user) == (user.pk, found)


def test_superusers_are_admins_and_users_without_groups_have_no_role(django_user_model):
    from claims.api.authentication import TokenAuthentication

    admin = django_user_model.objects.create_superuser("boss", password="x-very-long-pass")
    plain = django_user_model.objects.create_user("nobody", password="x-very-long-pass")
    for user, role in ((admin, "admin"), (plain, "")):
        found, _ = TokenAuthentication().authenticate_credentials(
            api_token_create(user=user)[1].encode()
        )
        assert role_of(found) == role


def test_unknown_tokens_and_inactive_users_get_401():
    reviewer = ReviewerFactory()
    client = token_client(reviewer)
    assert client.get("/api/v1/claims/").status_code == 200
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    response = client.get("/api/v1/claims/")
    assert response.status_code == 401
    assert "inactive" in response.content.decode()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
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


def test_tokens_are_stored_hashed_and_named_and_several_per_user():
    reviewer = ReviewerFactory()
    laptop = get_token(reviewer.username, name="laptop")
    script = get_token(reviewer.username, name="nightly script")
    assert laptop != script
    rows = ApiToken.objects.filter(user=reviewer)
    assert sorted(rows.values_list("name", flat=True)) == ["laptop", "nightly script"]
    for key in (laptop, script):
        assert with_token(key).get("/api/v1/claims/").status_code == 200
        stored = " ".join(str(v) for v in rows.values_list("digest", "token_key", "name"))
        assert key not in stored  # only the first 15 characters (the lookup key) and a digest
        assert rows.filter(digest=hashlib.sha512(key.encode()).hexdigest()).exists()
    listed = with_token(laptop).get("/api/v1/auth/tokens/").json()
    assert {t["name"] for t in listed} == {"laptop", "nightly script"}
    assert laptop not in str(listed) and "digest" not in str(listed)


def test_a_token_expires_after_the_configured_days(settings):
    settings.API_TOKEN_TTL_DAYS = 30
    reviewer = ReviewerFactory()
    key = get_token(reviewer.username)
    token = ApiToken.objects.get(user=reviewer)
    assert abs(token.expiry - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert with_token(key).get("/api/v1/claims/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert with_token(key).get("/api/v1/claims/").status_code == 401
    settings.API_TOKEN_TTL_DAYS = 2
    get_token(reviewer.username)
    newest = ApiToken.objects.filter(user=reviewer).first()
    assert newest.expiry < timezone.now() + timedelta(days=2, minutes=1)


def test_a_user_revokes_one_token_and_the_others_keep_working():
    reviewer = ReviewerFactory()
    first, second = get_token(reviewer.username), get_token(reviewer.username)
    first_id = ApiToken.objects.filter(user=reviewer).order_by("created", "id").first().pk
    other = token_client(ReviewerFactory())
    assert other.delete(f"/api/v1/auth/tokens/{first_id}/").status_code == 404  # not theirs
    assert with_token(second).delete(f"/api/v1/auth/tokens/{first_id}/").status_code == 204
    assert with_token(first).get("/api/v1/claims/").status_code == 401
    assert with_token(second).get("/api/v1/claims/").status_code == 200


def _change_in_code(user):
    user.set_password("a-new-password-42")
    user.save()


def _change_with_update_fields(user):
    user.set_password("a-new-password-42")
    user.save(update_fields=["password"])


def _change_with_manage_py(user):
    with mock.patch("getpass.getpass", return_value="a-new-password-42"):
        call_command("changepassword", user.username, stdout=StringIO())


def _change_in_the_admin(user):
    from django.test import Client

    admin = AdminFactory()
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {
            "password1": "a-new-password-42",
            "password2": "a-new-password-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content


def _change_with_raw_sql(user):
    from django.contrib.auth.hashers import make_password

    type(user).objects.filter(pk=user.pk).update(password=make_password("a-new-password-42"))


@pytest.mark.parametrize(
    "change",
    [
        _change_in_code,
        _change_with_update_fields,
        _change_with_manage_py,
        _change_in_the_admin,
        _change_with_raw_sql,
    ],
)
def test_a_password_change_by_any_path_revokes_every_token(change):
    reviewer = ReviewerFactory()
    keys = [get_token(reviewer.username), get_token(reviewer.username)]
    assert all(with_token(k).get("/api/v1/claims/").status_code == 200 for k in keys)
    change(reviewer)
    for key in keys:
        response = with_token(key).get("/api/v1/claims/")
        assert response.status_code == 401, change.__name__
    # A token made after the change works.
    assert (
        with_token(get_token(reviewer.username, "a-new-password-42"))
        .get("/api/v1/claims/")
        .status_code
        == 200
    )


def test_the_admin_lists_tokens_without_their_secret():
    from django.test import Client

    reviewer = ReviewerFactory()
    key = get_token(reviewer.username, name="laptop")
    digest = ApiToken.objects.get(user=reviewer).digest
    client = Client()
    client.force_login(AdminFactory())
    listing = client.get("/admin/claims/apitoken/").content.decode()
    assert "laptop" in listing and reviewer.username in listing
    detail = client.get(
        f"/admin/claims/apitoken/{ApiToken.objects.get(user=reviewer).pk}/change/"
    ).content.decode()
    for page in (listing, detail):
        assert key not in page and digest not in page
