"""A paused webhook through the API: its state in the list and the detail, the admins' inbox
line pointing at it, and taking it over with POST /api/v1/webhooks/{id}/resume/."""

from __future__ import annotations

import pytest

from claims.models import Webhook
from claims.reference import EDITORS
from claims.services.claims import claim_assign
from tests.claims.api.conftest import token_client
from tests.factories import AdminFactory, ClaimFactory, EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZg=="


def paused_hook(username: str = "hana") -> Webhook:
    creator = EditorFactory(username=username)
    hook = Webhook.objects.create(
        url="http://127.0.0.2/newsroom", events=["*"], secret=SECRET, created_by=creator
    )
    creator.groups.remove(*creator.groups.filter(name=EDITORS))
    claim_assign(actor=EditorFactory(), claim=ClaimFactory(), assignee=ReviewerFactory())
    hook.refresh_from_db()
    assert hook.paused_at is not None
    return hook


def test_the_list_and_the_detail_say_whether_a_webhook_is_paused_and_why():
    editor = EditorFactory()
    live = Webhook.objects.create(
        url="http://127.0.0.2/live", events=["*"], secret=SECRET, created_by=editor
    )
    hook = paused_hook()
    client = token_client(editor)
    listed = client.get("/api/v1/webhooks/").json()["results"]
    assert [(item["id"], item["active"], item["paused_reason"]) for item in listed] == [
        (live.pk, True, None),
        (hook.pk, False, "creator_not_editor"),
    ]
    assert listed[0]["paused_at"] is None and listed[0]["paused_detail"] is None
    assert listed[0]["created_by"] == {"id": editor.pk, "username": editor.username}
    single = client.get(f"/api/v1/webhooks/{hook.pk}/").json()
    assert single == listed[1]
    assert single["paused_detail"].startswith("Its creator, hana, is no longer an editor")
    assert single["paused_at"] is not None and "secret" not in single


def test_an_admins_inbox_line_points_at_the_paused_webhook():
    admin = AdminFactory()
    hook = paused_hook()
    [line] = token_client(admin).get("/api/v1/notifications/").json()["results"]
    assert line["type"] == "webhook.paused" and line["actor"] is None
    assert line["object"] == {
        "kind": "webhook",
        "id": hook.pk,
        "url": f"/api/v1/webhooks/{hook.pk}/",
    }
    assert "http://127.0.0.2/newsroom" in line["text"]
    # The e-mail choice for it is listed with the others.
    choices = token_client(admin).get("/api/v1/notifications/email/").json()["email"]
    assert choices["webhook.paused"] == "immediate"


def test_an_editor_takes_a_paused_webhook_over_and_the_secret_stays():
    hook = paused_hook()
    successor = EditorFactory()
    client = token_client(successor)
    response = client.post(f"/api/v1/webhooks/{hook.pk}/resume/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["active"] is True and body["paused_reason"] is None
    assert body["paused_at"] is None and body["paused_detail"] is None
    assert body["created_by"] == {"id": successor.pk, "username": successor.username}
    assert "secret" not in body
    hook.refresh_from_db()
    assert hook.created_by == successor and hook.secret == SECRET
    again = client.post(f"/api/v1/webhooks/{hook.pk}/resume/")
    assert again.status_code == 409
    assert client.post("/api/v1/webhooks/999999/resume/").status_code == 404


def test_reviewers_and_strangers_cannot_resume():
    hook = paused_hook()
    assert (
        token_client(ReviewerFactory()).post(f"/api/v1/webhooks/{hook.pk}/resume/").status_code
        == 403
    )
    assert token_client(None).post(f"/api/v1/webhooks/{hook.pk}/resume/").status_code == 401
    hook.refresh_from_db()
    assert hook.paused_at is not None
