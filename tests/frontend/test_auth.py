"""Signing in and out; the header shows who you are and your role; CSP on every page."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get("/articles/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_reviewer_signs_in_and_sees_name_and_role(reviewer):
    client = Client()
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and b'name="csrfmiddlewaretoken"' in page.content
    response = client.post(
        "/accounts/login/",
        {"username": reviewer.username, "password": "correct-horse-battery"},
        follow=True,
    )
    assert response.request["PATH_INFO"] == "/articles/"
    html = response.content.decode()
    assert reviewer.username in html and '<span class="role">reviewer</span>' in html
    assert "Editor queue" not in html


@pytest.mark.django_db
def test_a_wrong_password_is_refused(reviewer):
    response = Client().post(
        "/accounts/login/", {"username": reviewer.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert b"didn't match" in response.content


def test_an_editor_sees_the_queue_link(editor_client):
    html = editor_client.get("/articles/").content.decode()
    assert '<span class="role">editor</span>' in html and "Editor queue" in html


def test_signing_out_is_a_post(reviewer_client):
    response = reviewer_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert reviewer_client.get("/articles/").status_code == 302


@pytest.mark.django_db
def test_an_account_without_a_role_is_refused():
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/articles/").status_code == 403


def test_pages_carry_a_csp_without_inline_scripts(reviewer_client):
    response = reviewer_client.get("/articles/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "<script>" not in response.content.decode()
