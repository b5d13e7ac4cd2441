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
import logging
import random
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from claims import webhook_secrets
from claims.fetching import FetchConfig, FetchError, check_url, post, resolve_checked
from claims.models import (
    Comment,
    Event,
    EventType,
    Verdict,
    Webhook,
    WebhookDelivery,
    WebhookPauseReason,
)
from claims.permissions import (
    require_editor,
    require_webhook_owner,
    visible_comments,
    visible_verdicts,
    webhook_owner_refusal,
)
from claims.services import notify, queue
from claims.services.errors import InvalidTransition, NotFound, ValidationError
from claims.services.fetch import fetch_config
from claims.services.text import clean_text

# Webhook event types: every event type but the inbox-only ones (a mention; a webhook paused,
# which is for the desk's admins, not for other webhooks).
INBOX_ONLY_TYPES = frozenset({EventType.COMMENT_MENTION, EventType.WEBHOOK_PAUSED})
WEBHOOK_EVENT_TYPES = tuple(t for t in EventType.values if t not in INBOX_ONLY_TYPES)
ALL_EVENTS = "*"
SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
# Errors that no retry can fix: the address is refused, or the URL is not one.
_PERMANENT = frozenset({"blocked_address", "blocked_port", "blocked_scheme", "invalid_url"})
# The error of a delivery whose webhook's secret no key in force decrypts (claims.webhook_secrets).
SECRET_UNREADABLE = "secret_unreadable"  # noqa: S105 (an error code)

logger = logging.getLogger(__name__)


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
    """An editor registers an endpoint; the answer carries its secret, shown this once. It acts
    with the editor's rights (permissions.webhook_owner_refusal)."""
    require_webhook_owner(actor, "register webhooks")
    url = clean_text(Webhook, "url", url, required=True)
    limit = settings.WEBHOOK_MAX_COUNT
    if Webhook.objects.count() >= limit:  # each event costs one delivery per webhook
        raise ValidationError(
            "url", f"At most {limit} webhooks may be registered; delete one first."
        )
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
def webhook_resume(*, actor, webhook: Webhook) -> Webhook:
    """An active editor takes a paused webhook over: it becomes theirs (it acts with their rights
    from now on) and active again; its URL, events and secret stay. Events dispatched while it
    was paused were not kept for it and are not sent now. An active webhook is refused (409):
    there is nothing to resume (another editor may have taken it over a moment ago)."""
    require_webhook_owner(actor, "take a webhook over")
    locked = Webhook.objects.select_for_update().filter(pk=webhook.pk).first()
    if locked is None:
        raise NotFound("no such webhook")  # deleted meanwhile
    if locked.paused_at is None:
        raise InvalidTransition(
            "this webhook is active: there is nothing to resume", current_state="active"
        )
    locked.created_by = actor
    locked.paused_at = None
    locked.paused_reason = ""
    locked.paused_detail = ""
    locked.save(
        update_fields=["created_by", "paused_at", "paused_reason", "paused_detail", "updated_at"]
    )
    return locked


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
    queue.enqueue(queue.WEBHOOK_DELIVER, [locked.pk])
    return locked


@dataclass(frozen=True)
class RotationResult:
    rotated: int  # re-encrypted with the first key
    current: int  # encrypted with the first key already
    unreadable: list[int]  # webhooks whose secret no key in force decrypts (left as they are)


@transaction.atomic
def webhook_secrets_rotate() -> RotationResult:
    """Re-encrypt every webhook secret with the first key of WEBHOOK_SECRET_KEYS (the operator's
    `manage.py webhook_secrets_rotate`), so the keys after it can be dropped. Secrets no key
    decrypts are left as they are and named. The rows are locked FOR NO KEY UPDATE, so
    deliveries still being written for them are not blocked."""
    rows = Webhook.objects.select_for_update(no_key=True).order_by("pk")
    rotated, current, unreadable = 0, 0, []
    for pk, stored in rows.values_list("pk", "secret_encrypted"):
        if webhook_secrets.is_current(stored):
            current += 1
            continue
        try:
            resealed = webhook_secrets.reseal(stored)
        except webhook_secrets.SecretUnreadable:
            unreadable.append(pk)
            continue
        Webhook.objects.filter(pk=pk).update(secret_encrypted=resealed, updated_at=timezone.now())
        rotated += 1
    return RotationResult(rotated=rotated, current=current, unreadable=unreadable)


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


DISPATCH_BATCH = 200  # events one dispatch's transaction takes at most
DISPATCH_FIRST_BATCH = 20  # events a message's first transaction takes at most
DISPATCH_MAX_BATCHES = 10  # batches one message takes at most while there is a backlog
DELIVER_BATCH = 10  # deliveries of one webhook one message carries at most


def event_dispatch(
    *,
    event_id: int | None = None,
    limit: int = DISPATCH_BATCH,
    first: int = DISPATCH_FIRST_BATCH,
    batches: int = DISPATCH_MAX_BATCHES,
) -> int:
    """Dispatch undispatched events: this one (when given) and the oldest others, each batch in
    its own transaction, locked with SKIP LOCKED so concurrent dispatches share the work. The
    first batch takes at most `first` events, so this event's deliveries are enqueued at once;
    while a batch comes back full there is a backlog, and the next, of `limit`, is taken at
    once, up to `batches` in all: the deliveries of a burst's later events are enqueued now
    rather than when their own messages come up, behind the earlier deliveries. Returns the
    events dispatched.

    Most messages of a burst find their event dispatched already, or in a batch being
    dispatched (an earlier message's): they cost one statement and no transaction."""
    if event_id is not None and not _undispatched(event_id):
        return 0
    size = min(first, limit)
    taken = total = _dispatch_batch(event_id, size)
    for _ in range(batches - 1):
        if taken < size:
            break
        size = limit
        taken = _dispatch_batch(None, size)
        total += taken
    return total


def _dispatch_batch(event_id: int | None, limit: int) -> int:
    """One batch: this event (when given) and the oldest others, up to `limit`. Writes their
    inbox notifications (notify.fan_out) and one delivery per matching webhook, marks them
    dispatched, and enqueues, once committed, the deliveries (one message per webhook and
    DELIVER_BATCH deliveries) and the e-mail that is wanted now (one message). A constant number
    of queries for the deliveries and the rows written; deciding recipients costs a few per
    event. Returns the events dispatched."""
    with transaction.atomic():
        undispatched = Event.objects.filter(dispatched_at__isnull=True).select_for_update(
            skip_locked=True
        )
        ids = (
            list(undispatched.filter(pk=event_id).values_list("pk", flat=True)) if event_id else []
        )
        if event_id and not ids:
            # Dispatched since the look above, or another worker holds it: the events still
            # waiting have messages of their own.
            return 0
        # The oldest others, read in the order of the partial index (no sort of a backlog).
        ids += (
            undispatched.exclude(pk__in=ids)
            .order_by("created_at")
            .values_list("pk", flat=True)[: limit - len(ids)]
        )
        if not ids:
            return 0  # dispatched already, or other workers hold them
        events = list(
            Event.objects.filter(pk__in=ids)
            .select_related("actor", "claim", "verdict", "comment")
            .order_by("created_at", "id")
        )
        wanted_email = notify.fan_out(events)
        now = timezone.now()
        pairs, paused = _matching(events, now=now)
        wanted_email |= notify.webhooks_paused(paused, now=now)
        deliveries = [
            WebhookDelivery(webhook_id=hook_id, event_id=event.pk, next_attempt_at=now)
            for event, hook_id in pairs
        ]
        WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        Event.objects.filter(pk__in=ids).update(dispatched_at=now)
        pending = WebhookDelivery.objects.filter(
            event_id__in=ids, status=WebhookDelivery.Status.PENDING
        ).values_list("pk", "webhook_id")
        enqueue_deliveries(pending)
        if wanted_email:  # one message for the batch's e-mail
            queue.enqueue(queue.NOTIFICATION_EMAIL, sorted(wanted_email))
    return len(ids)


def _undispatched(event_id: int) -> bool:
    """Whether the event waits for a dispatch that this message could do: it exists, is not
    dispatched (as committed now, or as this connection's transaction sees it) and no other
    dispatch holds it. One statement; outside a transaction its row lock ends with it, and the
    batch's own locked read decides."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM claims_event WHERE id = %s AND dispatched_at IS NULL"
            " FOR UPDATE SKIP LOCKED",
            [event_id],
        )
        return cursor.fetchone() is not None


def _matching(events: list[Event], *, now) -> tuple[list[tuple[Event, int]], list[Webhook]]:
    """(event, webhook id) for each active webhook that wants the event and whose creator may see
    it, and the webhooks this batch paused. A webhook sends what its creator, an active editor
    now, may see now (so one of a blind double review's two reviewers gets no verdict of the
    other's through a webhook either). A webhook whose creator is no longer one
    (permissions.webhook_owner_refusal: deleted, deactivated, not an editor) is paused here,
    once: paused webhooks are not even read by later batches. Queries: the active webhooks with
    their creators, their creators' groups, the pause (when there is one), then a few per active
    creator whatever the number of events."""
    hooks = list(
        Webhook.objects.filter(paused_at__isnull=True)
        .select_related("created_by")
        .prefetch_related("created_by__groups")  # every creator's role in one query
        .only("pk", "url", "events", "created_by", "paused_at")
    )
    if not hooks:
        return [], []
    refusals = {hook.pk: webhook_owner_refusal(hook.created_by) for hook in hooks}
    paused = _pause([hook for hook in hooks if refusals[hook.pk]], refusals, now=now)
    hooks = [hook for hook in hooks if not refusals[hook.pk]]
    verdicts = {e.verdict_id for e in events if e.verdict_id}
    comments = {e.comment_id for e in events if e.comment_id}
    sees: dict[int, tuple[set[int], set[int]]] = {}
    for hook in hooks:
        user = hook.created_by
        if user.pk in sees:
            continue
        sees[user.pk] = (
            set(
                visible_verdicts(user, Verdict.objects.filter(pk__in=verdicts)).values_list(
                    "pk", flat=True
                )
            )
            if verdicts
            else set(),
            set(
                visible_comments(user, Comment.objects.filter(pk__in=comments)).values_list(
                    "pk", flat=True
                )
            )
            if comments
            else set(),
        )
    pairs = []
    for event in events:
        if event.type in INBOX_ONLY_TYPES:
            continue
        for hook in hooks:
            seen = sees[hook.created_by_id]
            if ALL_EVENTS not in hook.events and event.type not in hook.events:
                continue
            if event.verdict_id and event.verdict_id not in seen[0]:
                continue
            if event.comment_id and event.comment_id not in seen[1]:
                continue
            pairs.append((event, hook.pk))
    return pairs, paused


# Pauses webhooks, each only if still active and still its judged creator's (a takeover may
# have committed since they were read); rows another transaction holds (a takeover, a delete,
# a concurrent pause) are skipped, never waited for. FOR NO KEY UPDATE, as the UPDATE takes:
# deliveries being written for a webhook (their foreign key's KEY SHARE lock) do not block it.
_PAUSE = """
WITH judged AS (
    SELECT * FROM unnest(%(ids)s::bigint[], %(creators)s::bigint[], %(reasons)s::text[],
                         %(details)s::text[]) AS r(id, creator, reason, detail)
), locked AS (
    SELECT w.id FROM claims_webhook AS w JOIN judged AS r ON r.id = w.id
    WHERE w.paused_at IS NULL AND w.created_by_id IS NOT DISTINCT FROM r.creator
    ORDER BY w.id
    FOR NO KEY UPDATE OF w SKIP LOCKED
)
UPDATE claims_webhook AS w
SET paused_at = %(now)s, paused_reason = r.reason, paused_detail = r.detail, updated_at = %(now)s
FROM locked, judged AS r
WHERE w.id = locked.id AND r.id = locked.id
RETURNING w.id
"""

_PAUSE_DETAILS = {
    WebhookPauseReason.CREATOR_NOT_EDITOR: "Its creator, {name}, is no longer an editor",
    WebhookPauseReason.CREATOR_INACTIVE: "Its creator, {name}, was deactivated",
    WebhookPauseReason.CREATOR_DELETED: "Its creator's account was deleted",
}


def pause_detail(reason: str, user) -> str:
    """The sentence that says why a webhook was paused."""
    name = user.get_username() if user is not None else ""
    return (
        _PAUSE_DETAILS[reason].format(name=name)
        + ", and a webhook sends only what an active editor may see."
    )


def _pause(hooks: list[Webhook], refusals: dict[int, str], *, now) -> list[Webhook]:
    """Pause these webhooks (one statement); return those this call paused, their fields set."""
    if not hooks:
        return []
    details = {hook.pk: pause_detail(refusals[hook.pk], hook.created_by) for hook in hooks}
    with connection.cursor() as cursor:
        cursor.execute(
            _PAUSE,
            {
                "ids": [hook.pk for hook in hooks],
                "creators": [hook.created_by_id for hook in hooks],
                "reasons": [refusals[hook.pk] for hook in hooks],
                "details": [details[hook.pk] for hook in hooks],
                "now": now,
            },
        )
        done = {row[0] for row in cursor.fetchall()}
    paused = [hook for hook in hooks if hook.pk in done]
    for hook in paused:
        hook.paused_at, hook.paused_reason = now, refusals[hook.pk]
        hook.paused_detail = details[hook.pk]
    return paused


def enqueue_deliveries(rows) -> int:
    """Enqueue (delivery id, webhook id) rows: one message per webhook and DELIVER_BATCH."""
    by_hook: dict[int, list[int]] = {}
    for pk, hook_id in rows:
        by_hook.setdefault(hook_id, []).append(pk)
    sent = 0
    for ids in by_hook.values():
        ids.sort()
        for start in range(0, len(ids), DELIVER_BATCH):
            queue.enqueue(queue.WEBHOOK_DELIVER, ids[start : start + DELIVER_BATCH])
            sent += 1
    return sent


@dataclass(frozen=True)
class DeliveryOutcome:
    """What one delivery attempt did; `retry_in` is set when it is to be tried again, and
    `answered` says whether the receiver answered at all."""

    state: str  # delivered, retrying, failed, skipped
    retry_in: float | None = None
    answered: bool = True


# Claims the due ones of some deliveries and reads what sending them needs, in one statement.
_CLAIM = """
WITH due AS (
    SELECT id FROM claims_webhookdelivery
    WHERE id = ANY(%(ids)s) AND status = 'pending' AND next_attempt_at <= %(due)s
    ORDER BY id
    FOR UPDATE SKIP LOCKED
)
UPDATE claims_webhookdelivery AS d
SET status = 'sending', attempts = d.attempts + 1, next_attempt_at = %(lease)s,
    updated_at = %(now)s
FROM due, claims_webhook AS w, claims_event AS e
WHERE d.id = due.id AND w.id = d.webhook_id AND e.id = d.event_id
RETURNING d.id, d.attempts, d.created_at, w.url, w.secret_encrypted, e.type, e.created_at,
          e.payload::text
"""

# Writes the results of claimed deliveries, each only while its lease is still this attempt's
# (a sweep may have given the row to another).
_RECORD = """
UPDATE claims_webhookdelivery AS d
SET status = r.status, response_code = r.code, response_body = r.body, error = r.error,
    next_attempt_at = coalesce(r.next, d.next_attempt_at), delivered_at = r.delivered,
    updated_at = %(now)s
FROM unnest(%(ids)s::bigint[], %(attempts)s::int[], %(status)s::text[], %(code)s::int[],
            %(body)s::text[], %(error)s::text[], %(next)s::timestamptz[],
            %(delivered)s::timestamptz[])
     AS r(id, attempts, status, code, body, error, next, delivered)
WHERE d.id = r.id AND d.status = 'sending' AND d.attempts = r.attempts
"""


@dataclass(frozen=True)
class _Claimed:
    pk: int
    attempts: int
    created_at: object
    url: str
    secret_encrypted: str
    type: str
    event_created_at: object
    payload: str


def webhook_deliver(*, delivery_id: int) -> DeliveryOutcome:
    """Deliver one delivery (see webhook_deliver_batch)."""
    return webhook_deliver_batch(delivery_ids=[delivery_id])[delivery_id]


def webhook_deliver_batch(*, delivery_ids: list[int]) -> dict[int, DeliveryOutcome]:
    """Deliver some of one webhook's deliveries: claim the due ones and read what sending needs
    in one statement (a lease long enough for all of them), POST each signed on the thread's
    kept-alive connection, and record the results in one statement. Those to try again are
    enqueued with their backoff; when the receiver does not answer at all, the rest are given
    back untried to wait as long, rather than each time out now. Returns each one's outcome
    (`skipped`: not due, or another worker has it)."""
    ids = sorted(set(delivery_ids))
    outcomes = dict.fromkeys(ids, DeliveryOutcome("skipped"))
    now = timezone.now()
    lease = timedelta(
        seconds=settings.WEBHOOK_LEASE_SECONDS + len(ids) * settings.WEBHOOK_TIMEOUT_SECONDS
    )
    with connection.cursor() as cursor:
        # Celery's countdown and the stored time come from two clocks: allow a second's slack.
        cursor.execute(
            _CLAIM,
            {"ids": ids, "due": now + timedelta(seconds=1), "lease": now + lease, "now": now},
        )
        claimed = sorted((_Claimed(*row) for row in cursor.fetchall()), key=lambda c: c.pk)
    if not claimed:
        return outcomes
    config = delivery_config()
    results = []
    for position, delivery in enumerate(claimed):
        code, head, error, permanent = _send(delivery, config)
        outcome, fields = _outcome(delivery, code=code, head=head, error=error, permanent=permanent)
        outcomes[delivery.pk] = outcome
        results.append((delivery, fields))
        if not outcome.answered:
            _give_back(claimed[position + 1 :], retry_in=outcome.retry_in or 0.0)
            break
    _record(results)
    for delivery, _ in results:
        retry_in = outcomes[delivery.pk].retry_in
        if retry_in is not None:
            queue.enqueue(queue.WEBHOOK_DELIVER, [delivery.pk], countdown=retry_in)
    return outcomes


def _send(delivery: _Claimed, config: FetchConfig) -> tuple[int | None, str, str, bool]:
    """POST one claimed delivery, signed; (status code, body head, error, permanent failure)."""
    msg_id = f"msg_{delivery.pk}"
    timestamp = delivery.event_created_at.isoformat().replace("+00:00", "Z")
    # The payload as the database wrote it becomes `data`, with no JSON round trip.
    body = (
        f'{{"type":{json.dumps(delivery.type)},"timestamp":"{timestamp}","data":'.encode()
        + delivery.payload.encode()
        + b"}"
    )
    stamp = int(time.time())
    try:
        secret = webhook_secrets.unseal(delivery.secret_encrypted)
    except webhook_secrets.SecretUnreadable as exc:
        # No retry can help until an operator restores the key: fail it now, as a refused URL.
        logger.error("webhook delivery %s not sent: its secret is unreadable: %s", delivery.pk, exc)
        return None, "", f"{SECRET_UNREADABLE}: {exc}", True
    headers = {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(secret=secret, msg_id=msg_id, timestamp=stamp, body=body),
    }
    try:
        result = post(delivery.url, body, headers, config, keep_alive=True)
    except FetchError as exc:
        return None, "", f"{exc.code}: {exc.message}", exc.code in _PERMANENT
    return result.status_code, result.body_head.decode("utf-8", "replace"), "", False


def _outcome(delivery: _Claimed, *, code, head, error, permanent) -> tuple[DeliveryOutcome, dict]:
    now = timezone.now()
    fields = {
        "code": code,
        "body": head.replace("\x00", "")[:1000],
        "error": error[:500],
        "next": None,
        "delivered": None,
    }
    if code is not None and 200 <= code < 300:
        fields.update(status=WebhookDelivery.Status.DELIVERED, delivered=now)
        return DeliveryOutcome("delivered"), fields
    if not error:
        fields["error"] = f"HTTP {code}"
    delay = retry_delay(attempt=delivery.attempts)
    window = timedelta(seconds=settings.WEBHOOK_RETRY_WINDOW_SECONDS)
    if permanent or now + timedelta(seconds=delay) > delivery.created_at + window:
        fields.update(status=WebhookDelivery.Status.FAILED)
        return DeliveryOutcome("failed", answered=code is not None or permanent), fields
    fields.update(status=WebhookDelivery.Status.PENDING, next=now + timedelta(seconds=delay))
    return DeliveryOutcome("retrying", retry_in=delay, answered=code is not None), fields


def _record(results: list[tuple[_Claimed, dict]]) -> None:
    if not results:
        return
    columns = {
        name: [fields[name] for _, fields in results]
        for name in ("status", "code", "body", "error", "next", "delivered")
    }
    with connection.cursor() as cursor:
        cursor.execute(
            _RECORD,
            {
                "now": timezone.now(),
                "ids": [d.pk for d, _ in results],
                "attempts": [d.attempts for d, _ in results],
                **columns,
            },
        )


def _give_back(untried: list[_Claimed], *, retry_in: float) -> None:
    """Claimed deliveries not tried (their receiver did not answer): pending again, the attempt
    not counted, due when the one that failed is retried."""
    if not untried:
        return
    due = timezone.now() + timedelta(seconds=retry_in)
    for delivery in untried:
        WebhookDelivery.objects.filter(
            pk=delivery.pk, status=WebhookDelivery.Status.SENDING, attempts=delivery.attempts
        ).update(
            status=WebhookDelivery.Status.PENDING,
            attempts=delivery.attempts - 1,
            next_attempt_at=due,
            updated_at=timezone.now(),
        )
    queue.enqueue(queue.WEBHOOK_DELIVER, [d.pk for d in untried], countdown=retry_in)


def retry_delay(*, attempt: int) -> float:
    """Seconds before the next try after attempt number `attempt`: exponential, jittered."""
    base = float(settings.WEBHOOK_RETRY_BASE_SECONDS)
    # The exponent is capped: 2 ** 1024 is no float, and attempts grow with every "send again".
    ceiling = min(
        float(settings.WEBHOOK_RETRY_MAX_SECONDS), base * 2 ** min(max(attempt - 1, 0), 60)
    )
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
        overdue = WebhookDelivery.objects.filter(
            Q(pk__in=expired)
            | Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lt=now - grace)
        ).order_by("next_attempt_at")
        due = list(overdue.values_list("pk", "webhook_id")[: limit + len(expired)])
        # One dispatch takes DISPATCH_BATCH events, so one message per batch is enough.
        for pk in events[::DISPATCH_BATCH]:
            queue.enqueue(queue.EVENT_DISPATCH, pk)
        enqueue_deliveries(due)
    return len(events), len(due)
