"""Webhooks: editors register endpoints; the worker sends them signed events (Standard Webhooks).

Delivery is at least once. An event is dispatched (one WebhookDelivery per matching webhook)
after the change commits; each delivery is claimed under a lease, POSTed through the same safe
client as source fetching (claims.fetching: checked addresses, no redirects, a short deadline)
and retried with exponential backoff for WEBHOOK_RETRY_WINDOW_SECONDS. The outbox sweep
re-sends what a dead worker or a down broker left behind. Receivers drop duplicates by the
`webhook-id` header, which is the same for every attempt of a delivery.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims.fetching import FetchConfig, FetchError, check_url, post, resolve_checked
from claims.models import Event, EventType, Webhook, WebhookDelivery
from claims.permissions import require_editor
from claims.services import queue
from claims.services.errors import InvalidTransition, ValidationError
from claims.services.fetch import fetch_config
from claims.services.text import clean_text

# Webhook event types: every event type but the inbox-only mention.
WEBHOOK_EVENT_TYPES = tuple(t for t in EventType.values if t != EventType.COMMENT_MENTION)
ALL_EVENTS = "*"
SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
# Errors that no retry can fix: the address is refused, or the URL is not one.
_PERMANENT = frozenset({"blocked_address", "blocked_port", "blocked_scheme", "invalid_url"})


def delivery_config() -> FetchConfig:
    """The source fetcher's policy (networks, ports) with the webhooks' short deadline."""
    base = fetch_config()
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    return FetchConfig(
        policy=base.policy,
        connect_timeout=min(base.connect_timeout, timeout),
        read_timeout=timeout,
        total_timeout=timeout,
        max_redirects=0,
        user_agent="FactcheckWorkbench/1.0 (webhooks)",
    )


def sign(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


# --- management (editors) -------------------------------------------------------------------


@transaction.atomic
def webhook_create(*, actor, url: str, events) -> Webhook:
    """An editor registers an endpoint; the answer carries its secret, shown this once."""
    require_editor(actor, "manage webhooks")
    url = clean_text(Webhook, "url", url, required=True)
    _check_deliverable(url)
    return Webhook.objects.create(
        url=url,
        events=_clean_events(events),
        secret=SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode(),
        created_by=actor,
    )


@transaction.atomic
def webhook_delete(*, actor, webhook: Webhook) -> None:
    """An editor removes an endpoint, with its delivery log."""
    require_editor(actor, "manage webhooks")
    webhook.delete()


@transaction.atomic
def webhook_redeliver(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now ("send again"), whatever became of it; same webhook-id."""
    require_editor(actor, "manage webhooks")
    locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status == WebhookDelivery.Status.SENDING:
        raise InvalidTransition("this delivery is being sent now", current_state=locked.status)
    locked.status = WebhookDelivery.Status.PENDING
    locked.next_attempt_at = timezone.now()
    locked.save(update_fields=["status", "next_attempt_at", "updated_at"])
    queue.enqueue(queue.WEBHOOK_DELIVER, locked.pk)
    return locked


def _check_deliverable(url: str) -> None:
    """Refuse a URL the delivery policy would always refuse (scheme, port, private address)."""
    config = delivery_config()
    try:
        target = check_url(url, config.policy)
        port = target.port or (443 if target.scheme == "https" else 80)
        resolve_checked(target.host, port, config)
    except FetchError as exc:
        if exc.code == "dns_failure":
            return  # a name that does not resolve today may tomorrow; delivery will retry
        raise ValidationError("url", f"Webhooks cannot be delivered there: {exc.message}") from None


def _clean_events(events) -> list[str]:
    if not isinstance(events, list) or not events:
        raise ValidationError(
            "events",
            f"A non-empty list of event types: {ALL_EVENTS!r} or of {WEBHOOK_EVENT_TYPES}.",
        )
    unknown = [e for e in events if e != ALL_EVENTS and e not in WEBHOOK_EVENT_TYPES]
    if unknown:
        raise ValidationError(
            "events",
            f"Unknown event types {unknown!r}: use {ALL_EVENTS!r} or {', '.join(WEBHOOK_EVENT_TYPES)}.",
        )
    return [ALL_EVENTS] if ALL_EVENTS in events else sorted(set(events))


# --- the worker's side ------------------------------------------------------------------------


def event_dispatch(*, event_id: int) -> int:
    """Create the event's deliveries (once) and enqueue them; return how many were enqueued."""
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id, dispatched_at__isnull=True)
            .first()
        )
        if event is None:
            return 0  # dispatched already, or another worker holds it
        now = timezone.now()
        hooks = Webhook.objects.filter(
            Q(events__contains=[ALL_EVENTS]) | Q(events__contains=[event.type])
        ).values_list("pk", flat=True)
        WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(webhook_id=pk, event=event, next_attempt_at=now) for pk in hooks],
            ignore_conflicts=True,
        )
        event.dispatched_at = now
        event.save(update_fields=["dispatched_at"])
        ids = list(
            WebhookDelivery.objects.filter(
                event=event, status=WebhookDelivery.Status.PENDING
            ).values_list("pk", flat=True)
        )
        for pk in ids:
            queue.enqueue(queue.WEBHOOK_DELIVER, pk)
    return len(ids)


@dataclass(frozen=True)
class DeliveryOutcome:
    """What one run of webhook_deliver did; `retry_in` is set when the task should retry."""

    state: str  # delivered, retrying, failed, skipped
    retry_in: float | None = None


def webhook_deliver(*, delivery_id: int) -> DeliveryOutcome:
    """Claim a due delivery, POST it signed, and record the answer (or schedule the retry)."""
    now = timezone.now()
    lease = timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    # Celery's countdown and the stored time come from two clocks: allow a second's slack.
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at__lte=now + timedelta(seconds=1),
    ).update(
        status=WebhookDelivery.Status.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now + lease,
        updated_at=now,
    )
    if not claimed:
        return DeliveryOutcome("skipped")
    delivery = WebhookDelivery.objects.select_related("webhook", "event").get(pk=delivery_id)
    msg_id = f"msg_{delivery.pk}"
    body = json.dumps(
        {
            "type": delivery.event.type,
            "timestamp": delivery.event.created_at.isoformat().replace("+00:00", "Z"),
            "data": delivery.event.payload,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    stamp = int(timezone.now().timestamp())
    headers = {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(
            secret=delivery.webhook.secret, msg_id=msg_id, timestamp=stamp, body=body
        ),
    }
    code, head, error, permanent = None, "", "", False
    try:
        result = post(delivery.webhook.url, body, headers, delivery_config(), keep_alive=True)
        code, head = result.status_code, result.body_head.decode("utf-8", "replace")
    except FetchError as exc:
        error, permanent = f"{exc.code}: {exc.message}", exc.code in _PERMANENT
    return _record(delivery, code=code, head=head, error=error, permanent=permanent)


def _record(delivery, *, code, head, error, permanent) -> DeliveryOutcome:
    now = timezone.now()
    fields = {
        "response_code": code,
        "response_body": head.replace("\x00", "")[:1000],
        "error": error[:500],
        "updated_at": now,
    }
    if code is not None and 200 <= code < 300:
        fields.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=now)
        outcome = DeliveryOutcome("delivered")
    else:
        if not error:
            fields["error"] = f"HTTP {code}"
        delay = retry_delay(attempt=delivery.attempts)
        window = timedelta(seconds=settings.WEBHOOK_RETRY_WINDOW_SECONDS)
        if permanent or now + timedelta(seconds=delay) > delivery.created_at + window:
            fields.update(status=WebhookDelivery.Status.FAILED)
            outcome = DeliveryOutcome("failed")
        else:
            fields.update(
                status=WebhookDelivery.Status.PENDING,
                next_attempt_at=now + timedelta(seconds=delay),
            )
            outcome = DeliveryOutcome("retrying", retry_in=delay)
    # Only the claimant's lease is ours to end (a sweep may have given the row to another).
    WebhookDelivery.objects.filter(
        pk=delivery.pk, status=WebhookDelivery.Status.SENDING, attempts=delivery.attempts
    ).update(**fields)
    return outcome


def retry_delay(*, attempt: int) -> float:
    """Seconds before the next try after attempt number `attempt`: exponential, jittered."""
    base = float(settings.WEBHOOK_RETRY_BASE_SECONDS)
    ceiling = min(float(settings.WEBHOOK_RETRY_MAX_SECONDS), base * 2 ** max(attempt - 1, 0))
    return round(ceiling / 2 + random.uniform(0, ceiling / 2), 3)  # noqa: S311 (jitter)


def outbox_sweep(*, limit: int = 1000) -> tuple[int, int]:
    """Re-send what was lost: events never dispatched, deliveries overdue or abandoned mid-send.

    Returns (events, deliveries) enqueued. Everything here is idempotent, so a sweep that races
    a slow worker costs a duplicate message, never a lost or doubled row.
    """
    now = timezone.now()
    grace = timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        events = list(
            Event.objects.filter(dispatched_at__isnull=True, created_at__lt=now - grace)
            .order_by("created_at")
            .values_list("pk", flat=True)[:limit]
        )
        # A worker that died mid-send leaves its lease to run out: the row goes back to pending.
        abandoned = WebhookDelivery.objects.select_for_update(skip_locked=True).filter(
            status=WebhookDelivery.Status.SENDING, next_attempt_at__lt=now
        )
        expired = list(abandoned.values_list("pk", flat=True)[:limit])
        WebhookDelivery.objects.filter(pk__in=expired).update(
            status=WebhookDelivery.Status.PENDING, updated_at=now
        )
        due = expired + list(
            WebhookDelivery.objects.filter(
                status=WebhookDelivery.Status.PENDING, next_attempt_at__lt=now - grace
            )
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        for pk in events:
            queue.enqueue(queue.EVENT_DISPATCH, pk)
        for pk in due:
            queue.enqueue(queue.WEBHOOK_DELIVER, pk)
    return len(events), len(due)
