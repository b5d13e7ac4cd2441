"""The inbox and webhook endpoints: exact shapes, only the caller's notifications, bad input."""

from __future__ import annotations

import pytest

from claims.models import Notification, Webhook, WebhookDelivery
from claims.services import webhooks
from claims.services.claims import claim_assign
from claims.services.comments import comment_add
from claims.services.moderation import comment_hide
from tests.claims.api.conftest import token_client
from tests.factories import ClaimFactory, EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def test_the_inbox_lists_the_callers_notifications_newest_first_in_the_documented_shape():
    editor, reviewer, other = EditorFactory(), ReviewerFactory(), ReviewerFactory()
    claim = claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewer)
    comment = comment_add(actor=editor, claim=claim, body=f"Ask @{reviewer.username} first")
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=other)
    response = token_client(reviewer).get("/api/v1/notifications/")
    assert response.status_code == 200
    body = response.json()
    assert body["unread"] == 2
    mention, assigned = body["results"]
    assert set(mention) == {"id", "type", "created_at", "read", "actor", "object", "text"}
    assert mention["type"] == "comment.mention" and mention["read"] is False
    assert mention["actor"] == {"id": editor.pk, "username": editor.username}
    assert mention["object"] == {
        "kind": "comment",
        "id": comment.pk,
        "url": f"/api/v1/claims/{claim.pk}/comments/",
    }
    assert assigned["type"] == "claim.assigned"
    assert assigned["object"] == {
        "kind": "claim",
        "id": claim.pk,
        "url": f"/api/v1/claims/{claim.pk}/",
    }
    assert assigned["text"].startswith(f"{editor.username} assigned you “")


def test_a_hidden_comment_is_not_revealed_through_the_inbox():
    editor, reviewer = EditorFactory(), ReviewerFactory()
    comment = comment_add(actor=editor, claim=ClaimFactory(), body=f"@{reviewer.username} psst")
    comment_hide(actor=EditorFactory(), comment=comment, reason="abuse")
    body = token_client(reviewer).get("/api/v1/notifications/").json()
    assert body == {"unread": 0, "results": []}


def test_mark_read_by_ids_and_all():
    editor, reviewer = EditorFactory(), ReviewerFactory()
    for _ in range(3):
        claim_assign(actor=editor, claim=ClaimFactory(), assignee=reviewer)
    client = token_client(reviewer)
    first = Notification.objects.filter(recipient=reviewer).order_by("id").first()
    response = client.post("/api/v1/notifications/read/", {"ids": [first.pk]}, format="json")
    assert response.json() == {"marked": 1, "unread": 2}
    listed = client.get("/api/v1/notifications/").json()["results"]
    assert [item["read"] for item in listed] == [False, False, True]
    response = client.post("/api/v1/notifications/read/", {"all": True}, format="json")
    assert response.json() == {"marked": 2, "unread": 0}


@pytest.mark.parametrize(
    "body",
    [{}, {"ids": "1"}, {"ids": []}, {"ids": ["x"]}, {"all": "yes"}, ["all"]],
)
def test_mark_read_refuses_bad_input_with_a_400_naming_the_field(body):
    response = token_client(ReviewerFactory()).post(
        "/api/v1/notifications/read/", body, format="json"
    )
    assert response.status_code == 400, response.content


def test_the_inbox_refuses_a_bad_before():
    response = token_client(ReviewerFactory()).get("/api/v1/notifications/?before=x")
    assert response.status_code == 400


def test_an_editor_manages_webhooks_and_sees_the_secret_once(settings):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    settings.SOURCE_FETCH_ALLOWED_PORTS = [8080]
    client = token_client(EditorFactory())
    response = client.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.2:8080/hook", "events": ["verdict.published"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    shown = {
        "id",
        "url",
        "events",
        "created_by",
        "active",
        "paused_at",
        "paused_reason",
        "paused_detail",
        "created_at",
    }
    assert set(created) == shown | {"secret"}
    assert created["secret"].startswith("whsec_")
    assert created["active"] is True and created["paused_reason"] is None
    listed = client.get("/api/v1/webhooks/").json()["results"]
    assert [set(item) for item in listed] == [shown]
    single = client.get(f"/api/v1/webhooks/{created['id']}/").json()
    assert single == {k: v for k, v in created.items() if k != "secret"}
    assert client.get(f"/api/v1/webhooks/{created['id']}/deliveries/").json()["results"] == []
    assert client.delete(f"/api/v1/webhooks/{created['id']}/").status_code == 204
    assert Webhook.objects.count() == 0


def test_deliveries_are_listed_and_can_be_sent_again(settings):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    settings.SOURCE_FETCH_ALLOWED_PORTS = [8080]
    editor = EditorFactory()
    hook = webhooks.webhook_create(actor=editor, url="http://127.0.0.2:8080/h", events=["*"])
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=ReviewerFactory())
    webhooks.event_dispatch(event_id=Notification.objects.get().event_id)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", error="HTTP 500")
    client = token_client(editor)
    [item] = client.get(f"/api/v1/webhooks/{hook.pk}/deliveries/").json()["results"]
    assert item["status"] == "failed" and item["event_type"] == "claim.assigned"
    assert item["error"] == "HTTP 500"
    response = client.post(f"/api/v1/webhooks/{hook.pk}/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 202 and response.json()["status"] == "pending"
    other = webhooks.webhook_create(actor=editor, url="http://127.0.0.2:8080/o", events=["*"])
    wrong = client.post(f"/api/v1/webhooks/{other.pk}/deliveries/{delivery.pk}/redeliver/")
    assert wrong.status_code == 404
    reviewer = token_client(ReviewerFactory())
    refused = reviewer.post(f"/api/v1/webhooks/{hook.pk}/deliveries/{delivery.pk}/redeliver/")
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://10.0.0.1/h", "events": ["*"]}, "url"),
        ({"url": "http://127.0.0.2:8080/h", "events": ["nope"]}, "events"),
        ({"url": "http://127.0.0.2:8080/h"}, "events"),
        ({"events": ["*"]}, "url"),
    ],
)
def test_bad_webhooks_are_refused_naming_the_field(settings, body, field):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    settings.SOURCE_FETCH_ALLOWED_PORTS = [8080]
    response = token_client(EditorFactory()).post("/api/v1/webhooks/", body, format="json")
    assert response.status_code == 400
    assert field in str(response.json())
