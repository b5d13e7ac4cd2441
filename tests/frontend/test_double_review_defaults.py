"""The default double review on every surface: the API (desk and article), the pages, the admin;
only editors set it, members read it, anonymous clients get nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import Claim, DoubleReviewDefault, ReviewAssignment
from tests.claims.api.conftest import token_client
from tests.factories import (
    AdminFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
)

pytestmark = pytest.mark.django_db


def _reviewers(claim) -> list[str]:
    return list(
        ReviewAssignment.objects.filter(claim=claim)
        .order_by("slot")
        .values_list("reviewer__username", flat=True)
    )


def test_the_api_sets_reads_and_clears_defaults():
    editor, a, b = EditorFactory(), ReviewerFactory(), ReviewerFactory()
    article = ArticleFactory()
    claim = ClaimFactory(article=article, status=Claim.Status.OPEN)
    api = token_client(editor)
    off = api.get("/api/v1/double-review/default/").json()
    assert off["enabled"] is False and off["scope"] == "desk" and off["reviewers"] == []

    answer = api.put(
        f"/api/v1/articles/{article.pk}/double-review/",
        {"enabled": True, "choice": "named", "reviewers": [a.username, b.username]},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["applied"] == 1 and body["scope"] == "article" and body["article"] == article.pk
    assert body["reviewers"] == [a.username, b.username] and body["updated_by"] == editor.username
    assert _reviewers(claim) == [a.username, b.username]
    # A reviewer reads it, the governing row included.
    read = token_client(a).get(f"/api/v1/articles/{article.pk}/double-review/").json()
    assert read["enabled"] is True and read["choice"] == "named"

    desk = api.put("/api/v1/double-review/default/", {"enabled": True}, format="json")
    assert desk.status_code == 200 and desk.json()["choice"] == "least_loaded"
    assert api.delete(f"/api/v1/articles/{article.pk}/double-review/").status_code == 204
    assert api.get(f"/api/v1/articles/{article.pk}/double-review/").json()["scope"] == "desk"


def test_the_api_refuses_reviewers_anonymous_clients_and_bad_input():
    editor, a, b = EditorFactory(), ReviewerFactory(), ReviewerFactory()
    article = ArticleFactory()
    body = {"enabled": True}
    for path in ("/api/v1/double-review/default/", f"/api/v1/articles/{article.pk}/double-review/"):
        assert token_client(a).put(path, body, format="json").status_code == 403
        assert token_client(None).put(path, body, format="json").status_code in (401, 403)
        assert token_client(None).get(path).status_code in (401, 403)
    assert (
        token_client(a).delete(f"/api/v1/articles/{article.pk}/double-review/").status_code == 403
    )
    api = token_client(editor)
    cases = [
        ({"enabled": "maybe"}, "enabled"),
        ({"enabled": True, "choice": "random"}, "choice"),
        ({"enabled": True, "choice": "named", "reviewers": [a.username, a.username]}, "reviewers"),
        (
            {"enabled": True, "choice": "named", "reviewers": [a.username, b.username, "c"]},
            "reviewers",
        ),
        ({"enabled": True, "choice": "named"}, "reviewers"),
    ]
    for data, field in cases:
        answer = api.put("/api/v1/double-review/default/", data, format="json")
        assert answer.status_code == 400 and field in answer.json()["errors"], (
            data,
            answer.content,
        )
    assert api.put("/api/v1/articles/999999/double-review/", body, format="json").status_code == 404
    assert not DoubleReviewDefault.objects.filter(enabled=True).exists()


def test_editors_set_it_on_the_pages_and_reviewers_only_read_it(editor_client, reviewer_client):
    ReviewerFactory(username="ana"), ReviewerFactory(username="bo")
    article = ArticleFactory(title="<b>Budget</b> speech")
    claim = ClaimFactory(article=article, status=Claim.Status.OPEN)
    workbench = editor_client.get(f"/articles/{article.pk}/").content.decode()
    assert f"/articles/{article.pk}/double-review/" in workbench
    page = editor_client.get(f"/articles/{article.pk}/double-review/").content.decode()
    assert "Off" in page and "ana, bo" in page and "<b>Budget</b>" not in page
    answer = editor_client.post(
        f"/articles/{article.pk}/double-review/",
        {"enabled": "on", "choice": "named", "first": "bo", "second": "ana"},
        follow=True,
    )
    text = answer.content.decode()
    assert "1 open claim(s) put under double review now" in text and "bo and ana" in text
    assert _reviewers(claim) == ["bo", "ana"]
    refused = editor_client.post(
        "/double-review/",
        {"enabled": "on", "choice": "named", "first": "bo", "second": "bo"},
        follow=True,
    )
    assert "two different people" in refused.content.decode()

    seen = reviewer_client.get(f"/articles/{article.pk}/double-review/").content.decode()
    assert "bo and ana" in seen and '<form method="post" class="card">' not in seen
    reviewer_client.post("/double-review/", {"enabled": "on"})
    assert not DoubleReviewDefault.objects.filter(scope="desk", enabled=True).exists()
    assert Client().get("/double-review/").status_code == 302  # to the sign-in page


def test_the_admin_sets_the_desk_default_through_the_service():
    editor, a, b = EditorFactory(), ReviewerFactory(), ReviewerFactory()
    claim = ClaimFactory(status=Claim.Status.OPEN)
    admin = Client()
    admin.force_login(editor)
    assert admin.get("/admin/claims/doublereviewdefault/").status_code == 200
    bad = admin.post(
        "/admin/claims/doublereviewdefault/add/",
        {
            "scope": "desk",
            "enabled": "on",
            "choice": "named",
            "first_reviewer": a.pk,
            "second_reviewer": a.pk,
        },
    )
    assert bad.status_code == 200 and "two different people" in bad.content.decode()
    answer = admin.post(
        "/admin/claims/doublereviewdefault/add/",
        {
            "scope": "desk",
            "enabled": "on",
            "choice": "named",
            "first_reviewer": a.pk,
            "second_reviewer": b.pk,
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert _reviewers(claim) == [a.username, b.username]
    row = DoubleReviewDefault.objects.get(scope="desk")
    assert row.updated_by == editor and row.enabled
    assert admin.get(f"/admin/claims/doublereviewdefault/{row.pk}/delete/").status_code == 403
    # A reviewer has no admin; an admin (superuser) may.
    reviewer = Client()
    reviewer.force_login(ReviewerFactory())
    assert reviewer.get("/admin/claims/doublereviewdefault/").status_code == 302
    superuser = Client()
    superuser.force_login(AdminFactory())
    assert superuser.get("/admin/claims/doublereviewdefault/").status_code == 200


def test_options_describes_both_defaults_and_a_missing_article_is_a_404():
    api = token_client(EditorFactory())
    article = ArticleFactory()
    for path in ("/api/v1/double-review/default/", f"/api/v1/articles/{article.pk}/double-review/"):
        answer = api.options(path)
        assert answer.status_code == 200, answer.content
        assert "PUT" in answer.json()["actions"]
    assert api.options("/api/v1/articles/0/double-review/").status_code == 404
