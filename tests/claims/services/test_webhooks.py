"""Webhooks: registration refuses what can never be delivered; deliveries are signed (Standard
Webhooks, checked with the `standardwebhooks` library), retried with backoff, and swept."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError

from claims.models import Event, Webhook, WebhookDelivery
from claims.services import queue, webhooks
from claims.services.claims import claim_assign
from claims.services.errors import InvalidTransition, PermissionDenied, ValidationError
from tests.factories import ClaimFactory, EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Tasks the services enqueue (these tests run the tasks' services themselves)."""
    messages: list[tuple[str, tuple]] = []
    monkeypatch.setattr(queue, "enqueue", lambda name, *args, **kw: messages.append((name, args)))
    return messages


def assigned_event(editor=None) -> Event:
    editor = editor or EditorFactory()
    claim_assign(actor=editor, claim=ClaimFactory(), assignee=ReviewerFactory())
    return Event.objects.latest("id")


def due_now(delivery_id: int) -> None:
    """What the task's countdown waits for: the retry time arrives."""
    WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now())


# --- registration ---------------------------------------------------------------------------


def test_an_editor_registers_a_webhook_and_gets_a_standard_secret(hook_settings, receiver):
    hook = webhooks.webhook_create(
        actor=EditorFactory(), url=receiver.url(), events=["verdict.published", "claim.assigned"]
    )
    assert hook.secret.startswith("whsec_") and len(hook.secret) > 40
    assert hook.events == ["claim.assigned", "verdict.published"]
    Verifier(hook.secret)  # the library accepts the secret's format


def test_a_reviewer_cannot_register_a_webhook(hook_settings, receiver):
    with pytest.raises(PermissionDenied):
        webhooks.webhook_create(actor=ReviewerFactory(), url=receiver.url(), events=["*"])


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1/hook",
        "http://[::1]/hook",
        "http://0x7f000001/hook",
        "http://192.168.1.1:80/hook",
        "ftp://127.0.0.2/hook",
        "http://127.0.0.2:22/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[::ffff:7f00:1]/hook",
        "http://0177.0.0.1/hook",
        "http://2130706433/hook",
        "http://127.1/hook",
        "http://0.0.0.0/hook",
        "http://localhost/hook",
        "http://[fe80::1%25eth0]/hook",
        "http://127.0.0.2:80@127.0.0.1/hook",
        "http://127.0.0.1#@127.0.0.2/hook",
        "http://127.0.0.1\\@127.0.0.2/hook",
        "https://[::]:443/hook",
        "file:///etc/passwd",
        "not a url",
        "",
    ],
)
def test_a_url_that_can_never_be_delivered_to_is_refused(hook_settings, url):
    with pytest.raises(ValidationError) as caught:
        webhooks.webhook_create(actor=EditorFactory(), url=url, events=["*"])
    assert caught.value.field == "url"
    assert Webhook.objects.count() == 0


@pytest.mark.parametrize("events", [[], "*", ["verdict.exploded"], ["comment.mention"], None])
def test_unknown_event_types_are_refused(hook_settings, receiver, events):
    with pytest.raises(ValidationError) as caught:
        webhooks.webhook_create(actor=EditorFactory(), url=receiver.url(), events=events)
    assert caught.value.field == "events"


# --- dispatch and delivery ------------------------------------------------------------------


def test_an_event_is_dispatched_once_to_the_webhooks_that_want_it(hook_settings, receiver, sent):
    editor = EditorFactory()
    wants = webhooks.webhook_create(actor=editor, url=receiver.url("/a"), events=["*"])
    webhooks.webhook_create(actor=editor, url=receiver.url("/b"), events=["verdict.published"])
    event = assigned_event(editor)
    sent.clear()
    assert webhooks.event_dispatch(event_id=event.pk) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.webhook == wants and delivery.status == "pending"
    assert sent == [(queue.WEBHOOK_DELIVER, ([delivery.pk],))]
    assert webhooks.event_dispatch(event_id=event.pk) == 0  # a duplicate message does nothing
    assert WebhookDelivery.objects.count() == 1


def test_a_receiver_gets_a_signed_post_that_verifies(hook_settings, receiver, sent):
    editor = EditorFactory()
    hook = webhooks.webhook_create(actor=editor, url=receiver.url(), events=["claim.assigned"])
    event = assigned_event(editor)
    webhooks.event_dispatch(event_id=event.pk)
    delivery = WebhookDelivery.objects.get()
    assert webhooks.webhook_deliver(delivery_id=delivery.pk).state == "delivered"
    [(headers, body)] = receiver.received
    assert headers["webhook-id"] == f"msg_{delivery.pk}"
    assert headers["content-type"] == "application/json"
    payload = Verifier(hook.secret).verify(body, headers)
    assert payload["type"] == "claim.assigned"
    assert payload["data"]["id"] == event.claim_id
    assert payload["data"]["status"] == "in_progress"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 204)


def test_a_bad_signature_is_detectable(hook_settings, receiver, sent):
    editor = EditorFactory()
    hook = webhooks.webhook_create(actor=editor, url=receiver.url(), events=["*"])
    webhooks.event_dispatch(event_id=assigned_event(editor).pk)
    webhooks.webhook_deliver(delivery_id=WebhookDelivery.objects.get().pk)
    [(headers, body)] = receiver.received
    verifier = Verifier(hook.secret)
    tampered = json.loads(body)
    tampered["data"]["status"] = "published"
    with pytest.raises(WebhookVerificationError):
        verifier.verify(json.dumps(tampered).encode(), headers)
    with pytest.raises(WebhookVerificationError):
        Verifier("whsec_" + "QUJD" * 8).verify(body, headers)  # another secret
    with pytest.raises(WebhookVerificationError):
        verifier.verify(body, {**headers, "webhook-id": "msg_other"})


def test_a_receiver_that_answers_500_three_times_gets_the_fourth_try(hook_settings, receiver, sent):
    receiver.statuses = [500, 500, 500]
    editor = EditorFactory()
    webhooks.webhook_create(actor=editor, url=receiver.url(), events=["*"])
    webhooks.event_dispatch(event_id=assigned_event(editor).pk)
    delivery = WebhookDelivery.objects.get()
    waits = []
    for _ in range(3):
        outcome = webhooks.webhook_deliver(delivery_id=delivery.pk)
        assert outcome.state == "retrying"
        waits.append(outcome.retry_in)
        delivery.refresh_from_db()
        assert delivery.status == "pending" and delivery.response_code == 500
        # Not due yet: an early (duplicate) message sends nothing.
        assert webhooks.webhook_deliver(delivery_id=delivery.pk).state == "skipped"
        due_now(delivery.pk)
    assert webhooks.webhook_deliver(delivery_id=delivery.pk).state == "delivered"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 4, 204)
    assert len(receiver.received) == 4
    assert len(set(receiver.ids())) == 1  # one delivery id: receivers can drop duplicates
    # Exponential backoff with jitter: each wait lies in [base * 2^(n-1) / 2, base * 2^(n-1)].
    for n, wait in enumerate(waits, start=1):
        assert 10 * 2 ** (n - 1) / 2 <= wait <= 10 * 2 ** (n - 1)


def test_a_delivery_gives_up_after_the_retry_window(hook_settings, receiver, sent):
    receiver.default_status = 503
    editor = EditorFactory()
    webhooks.webhook_create(actor=editor, url=receiver.url(), events=["*"])
    webhooks.event_dispatch(event_id=assigned_event(editor).pk)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(hours=24)
    )
    assert webhooks.webhook_deliver(delivery_id=delivery.pk).state == "failed"
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.error == "HTTP 503"


def test_a_redirect_is_not_followed(hook_settings, receiver, sent):
    receiver.statuses = [302]
    receiver.headers = {"Location": receiver.url("/elsewhere")}
    editor = EditorFactory()
    webhooks.webhook_create(actor=editor, url=receiver.url(), events=["*"])
    webhooks.event_dispatch(event_id=assigned_event(editor).pk)
    delivery = WebhookDelivery.objects.get()
    assert webhooks.webhook_deliver(delivery_id=delivery.pk).state == "retrying"
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert delivery.response_code == 302 and delivery.status == "pending"


def test_a_url_refused_at_delivery_fails_at_once(hook_settings, receiver, sent):
    editor = EditorFactory()
    hook = webhooks.webhook_create(actor=editor, url=receiver.url(), events=["*"])
    webhooks.event_dispatch(event_id=assigned_event(editor).pk)
    hook_settings.SOURCE_FETCH_ALLOWED_NETWORKS = []  # the intranet is closed since
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert webhooks.webhook_deliver(delivery_id=delivery.pk).state == "failed"
    delivery.refresh_from_db()
    assert delivery.error.startswith("blocked_address")
    assert receiver.received == []


def test_a_slow_receiver_times_out_and_is_retried(hook_settings, receiver, sent):
    hook_settings.WEBHOOK_TIMEOUT_SECONDS = 1
    receiver.delay = 1.5
    editor = EditorFactory()
    webhooks.webhook_create(actor=editor, url=receiver.url(), events=["*"])
    webhooks.event_dispatch(event_id=assigned_event(editor).pk)
    delivery = WebhookDelivery.objects.get()
    assert webhooks.webhook_deliver(delivery_id=delivery.pk).state == "retrying"
    delivery.refresh_from_db()
    assert delivery.error.startswith("timeout")


def test_send_again_resends_a_delivered_one_with_the_same_id(hook_settings, receiver, sent):
    editor = EditorFactory()
    webhooks.webhook_create(actor=editor, url=receiver.url(), events=["*"])
    webhooks.event_dispatch(event_id=assigned_event(editor).pk)
    delivery = WebhookDelivery.objects.get()
    webhooks.webhook_deliver(delivery_id=delivery.pk)
    sent.clear()
    webhooks.webhook_redeliver(actor=editor, delivery=delivery)
    assert sent == [(queue.WEBHOOK_DELIVER, ([delivery.pk],))]
    assert webhooks.webhook_deliver(delivery_id=delivery.pk).state == "delivered"
    assert receiver.ids() == [f"msg_{delivery.pk}"] * 2
    with pytest.raises(PermissionDenied):
        webhooks.webhook_redeliver(actor=ReviewerFactory(), delivery=delivery)


def test_send_again_refuses_a_delivery_being_sent(hook_settings, receiver, sent):
    editor = EditorFactory()
    webhooks.webhook_create(actor=editor, url=receiver.url(), events=["*"])
    webhooks.event_dispatch(event_id=assigned_event(editor).pk)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="sending")
    with pytest.raises(InvalidTransition):
        webhooks.webhook_redeliver(actor=editor, delivery=delivery)


# --- the sweep ------------------------------------------------------------------------------


def test_the_sweep_dispatches_lost_events_and_resends_abandoned_deliveries(
    hook_settings, receiver, sent
):
    editor = EditorFactory()
    webhooks.webhook_create(actor=editor, url=receiver.url(), events=["*"])
    lost = assigned_event(editor)
    fresh = assigned_event(editor)
    old = timezone.now() - timedelta(minutes=5)
    Event.objects.filter(pk=lost.pk).update(created_at=old)
    sent.clear()
    assert webhooks.outbox_sweep() == (1, 0)
    assert sent == [(queue.EVENT_DISPATCH, (lost.pk,))]
    webhooks.event_dispatch(event_id=lost.pk)
    webhooks.event_dispatch(event_id=fresh.pk)
    abandoned, overdue = WebhookDelivery.objects.order_by("id")
    # A worker died mid-send (its lease ran out); a message was lost (pending, long overdue).
    WebhookDelivery.objects.filter(pk=abandoned.pk).update(
        status="sending", attempts=1, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    WebhookDelivery.objects.filter(pk=overdue.pk).update(next_attempt_at=old)
    sent.clear()
    assert webhooks.outbox_sweep() == (0, 2)
    # One message for both: they are the same webhook's.
    assert sent == [(queue.WEBHOOK_DELIVER, ([abandoned.pk, overdue.pk],))]
    abandoned.refresh_from_db()
    assert abandoned.status == "pending"
    assert webhooks.webhook_deliver(delivery_id=abandoned.pk).state == "delivered"
    assert webhooks.webhook_deliver(delivery_id=overdue.pk).state == "delivered"
    assert webhooks.outbox_sweep() == (0, 0)


# --- several deliveries a message -------------------------------------------------------------


def test_one_message_delivers_a_webhooks_deliveries_in_two_queries_on_one_connection(
    hook_settings, receiver, sent, connections, django_assert_num_queries
):
    editor = EditorFactory()
    hook = webhooks.webhook_create(actor=editor, url=receiver.url(), events=["*"])
    events = [assigned_event(editor) for _ in range(5)]
    sent.clear()
    assert webhooks.event_dispatch(event_id=events[0].pk) == 5
    ids = sorted(WebhookDelivery.objects.values_list("pk", flat=True))
    assert sent == [(queue.WEBHOOK_DELIVER, (ids,))]  # one message for the five
    with django_assert_num_queries(2):  # the claim (with what to send) and the results
        outcomes = webhooks.webhook_deliver_batch(delivery_ids=ids)
    assert {o.state for o in outcomes.values()} == {"delivered"}
    assert sorted(receiver.ids()) == sorted(f"msg_{pk}" for pk in ids)
    for headers, body in receiver.received:
        Verifier(hook.secret).verify(body, headers)
    assert len(connections.to("127.0.0.2", receiver.port)) == 1
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {("delivered", 1)}
    # The same message again (a duplicate, a redelivery): nothing is due, nothing is sent.
    assert {o.state for o in webhooks.webhook_deliver_batch(delivery_ids=ids).values()} == {
        "skipped"
    }
    assert len(receiver.received) == 5


def test_a_receiver_that_does_not_answer_leaves_the_rest_untried_for_later(
    hook_settings, receiver, sent
):
    editor = EditorFactory()
    webhooks.webhook_create(actor=editor, url=receiver.url(), events=["*"])
    events = [assigned_event(editor) for _ in range(3)]
    webhooks.event_dispatch(event_id=events[0].pk)
    ids = sorted(WebhookDelivery.objects.values_list("pk", flat=True))
    receiver.close()  # nobody listens: the connection is refused
    sent.clear()
    outcomes = webhooks.webhook_deliver_batch(delivery_ids=ids)
    assert [outcomes[pk].state for pk in ids] == ["retrying", "skipped", "skipped"]
    first, *rest = WebhookDelivery.objects.order_by("id")
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.error.startswith("connect_failed")
    assert [(d.status, d.attempts, d.error) for d in rest] == [("pending", 0, "")] * 2
    assert all(d.next_attempt_at > timezone.now() for d in rest)  # due with the retry, not now
    assert sorted(args[0] for _, args in sent) == [[ids[0]], ids[1:]]


def test_the_backoff_stays_bounded_however_many_attempts(hook_settings):
    """ "Send again" counts attempts too: thousands of them must not overflow the backoff."""
    for attempt in (1, 30, 1100, 10**6):
        assert 0 < webhooks.retry_delay(attempt=attempt) <= 7200


def test_a_webhook_whose_creator_is_no_longer_an_editor_gets_nothing(hook_settings, receiver, sent):
    editor, other = EditorFactory(), EditorFactory()
    mine = webhooks.webhook_create(actor=editor, url=receiver.url("/mine"), events=["*"])
    theirs = webhooks.webhook_create(actor=other, url=receiver.url("/theirs"), events=["*"])
    editor.groups.remove(*editor.groups.filter(name="editors"))
    event = assigned_event(other)
    webhooks.event_dispatch(event_id=event.pk)
    assert list(WebhookDelivery.objects.values_list("webhook_id", flat=True)) == [theirs.pk]
    other.is_active = False
    other.save()
    webhooks.event_dispatch(event_id=assigned_event(EditorFactory()).pk)
    assert WebhookDelivery.objects.count() == 1 and mine.deliveries.count() == 0


def test_registrations_stop_at_the_configured_number(hook_settings, receiver):
    hook_settings.WEBHOOK_MAX_COUNT = 2
    editor = EditorFactory()
    for n in range(2):
        webhooks.webhook_create(actor=editor, url=receiver.url(f"/{n}"), events=["*"])
    with pytest.raises(ValidationError) as caught:
        webhooks.webhook_create(actor=editor, url=receiver.url("/2"), events=["*"])
    assert caught.value.field == "url" and "2 webhooks" in caught.value.message
    assert Webhook.objects.count() == 2
