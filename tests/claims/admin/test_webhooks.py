"""Webhooks in the admin: editors see which are paused and why, filter on it, and take a paused
one over; the secret is never shown; reviewers stay out."""

from __future__ import annotations

import pytest
from django.utils import timezone

from claims.models import Webhook
from tests.claims.admin.test_moderation import messages_of, run_action
from tests.factories import EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

SECRET = "whsec_c2VjcmV0LW5ldmVyLXNob3du"


def make(path: str, reason: str = "", creator=None) -> Webhook:
    return Webhook.objects.create(
        url=f"http://127.0.0.2/{path}",
        events=["*"],
        secret=SECRET,
        created_by=creator,
        paused_at=timezone.now() if reason else None,
        paused_reason=reason,
        paused_detail="Its creator's account was deleted, and so on." if reason else "",
    )


def test_the_list_shows_the_state_and_filters_on_it_without_the_secret(client):
    client.force_login(EditorFactory())
    live = make("live", creator=EditorFactory())
    gone = make("gone", "creator_deleted")
    demoted = make("demoted", "creator_not_editor", creator=ReviewerFactory())
    page = client.get("/admin/claims/webhook/")
    assert page.status_code == 200
    text = page.content.decode()
    for hook in (live, gone, demoted):
        assert hook.url in text
    assert "its creator&#x27;s account was deleted" in text  # the reason's label
    assert SECRET not in text
    paused = client.get("/admin/claims/webhook/?state=paused").content.decode()
    assert gone.url in paused and demoted.url in paused and live.url not in paused
    active = client.get("/admin/claims/webhook/?state=active").content.decode()
    assert live.url in active and gone.url not in active
    deleted = client.get("/admin/claims/webhook/?paused_reason=creator_deleted").content.decode()
    assert gone.url in deleted and demoted.url not in deleted
    detail = client.get(f"/admin/claims/webhook/{gone.pk}/change/")
    assert detail.status_code == 200
    assert "and so on." in detail.content.decode() and SECRET not in detail.content.decode()


def test_an_editor_takes_paused_webhooks_over_from_the_list(client):
    editor = EditorFactory()
    client.force_login(editor)
    gone = make("gone", "creator_deleted")
    live = make("live", creator=EditorFactory())
    response = run_action(client, "webhook", "resume_selected", [gone, live])
    said = messages_of(response)
    assert "Resumed 1 webhook." in said
    assert any("there is nothing to resume" in m for m in said)
    gone.refresh_from_db()
    assert gone.active and gone.created_by == editor and gone.secret == SECRET
    live.refresh_from_db()
    assert live.created_by != editor


def test_a_reviewer_marked_staff_does_not_reach_the_webhooks(client):
    client.force_login(ReviewerFactory(is_staff=True))
    response = client.get("/admin/claims/webhook/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
