"""E-mail about notifications: each person chooses, per event type, immediately, a daily digest, or
off; every e-mail carries a one-click unsubscribe link (RFC 8058) that needs no sign-in.

A Notification is born `pending`, `digest` or `skipped` (the dispatch reads its recipient's choice).
For `pending`, the worker (`notification_email_send`, enqueued by the dispatch after
the change commits, and again by the outbox sweep while it is still pending) decides: `sent`
(immediate), `digest` (waits for `email_digest_send`, daily), or `skipped` (off, no address, read
already, or its recipient may no longer see what it is about). What an e-mail may say is what
`selectors.notification_list` shows its recipient at sending time, the inbox's own rule, which asks
claims.permissions (private drafts, blind double review, hidden comments, roles taken away).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from claims import selectors
from claims.models import (
    EmailMode,
    EventType,
    Notification,
    NotificationEmail,
    NotificationPreference,
)
from claims.permissions import require_member
from claims.services.errors import ValidationError

logger = logging.getLogger(__name__)

# The e-mail choice of a type nobody chose for: the things one must act on now, the rest daily.
DEFAULT_MODES: dict[str, str] = {
    EventType.CLAIM_ASSIGNED: EmailMode.IMMEDIATE,
    EventType.VERDICT_SUBMITTED: EmailMode.IMMEDIATE,
    EventType.VERDICT_APPROVED: EmailMode.IMMEDIATE,
    EventType.VERDICT_REJECTED: EmailMode.IMMEDIATE,
    EventType.VERDICT_PUBLISHED: EmailMode.IMMEDIATE,
    EventType.COMMENT_CREATED: EmailMode.DIGEST,
    EventType.COMMENT_MENTION: EmailMode.IMMEDIATE,
    EventType.WEBHOOK_PAUSED: EmailMode.IMMEDIATE,
}
# What each type's e-mails are about, as a settings page and an unsubscribe page name them.
TYPE_LABELS: dict[str, str] = {
    EventType.CLAIM_ASSIGNED: "claims assigned to you",
    EventType.VERDICT_SUBMITTED: "verdicts submitted for your approval",
    EventType.VERDICT_APPROVED: "your verdicts approved",
    EventType.VERDICT_REJECTED: "your verdicts rejected",
    EventType.VERDICT_PUBLISHED: "your verdicts published",
    EventType.COMMENT_CREATED: "comments on claims you work on",
    EventType.COMMENT_MENTION: "comments that mention you",
    EventType.SOURCE_LINK_CHANGED: "sources that changed or went away",
    EventType.ARTICLE_REVISED: "articles you work on revised",
    EventType.WEBHOOK_PAUSED: "webhooks paused because their creator lost editor rights (admins)",
}
# Unsubscribe scopes beside a single type: every type, or every type now sent as a digest.
ALL_TYPES = "*"
DIGEST_TYPES = "digest"
_SALT = "claims.mail.unsubscribe"
DIGEST_MAX_LINES = 200
_SUBJECT_MAX = 120


def default_mode(kind: str) -> str:
    return DEFAULT_MODES.get(kind, EmailMode.DIGEST)


def label(kind: str) -> str:
    return TYPE_LABELS.get(kind, kind)


def email_types() -> list[str]:
    """Every type a person can choose for (all of the inbox's)."""
    return list(EventType.values)


def email_modes(user) -> dict[str, str]:
    """A person's choice for every type (their own, else the default)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("type", "email"))
    return {kind: chosen.get(kind, default_mode(kind)) for kind in email_types()}


def _modes_for(user_ids) -> dict[tuple[int, str], str]:
    rows = NotificationPreference.objects.filter(user_id__in=set(user_ids))
    return {(uid, kind): mode for uid, kind, mode in rows.values_list("user_id", "type", "email")}


def initial_states(lines: list[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """The e-mail state new notifications start in, for (recipient id, type) pairs: `pending` for
    those who want it now (the worker sends it), `digest`, or `skipped` (off, no address,
    inactive). One query for any number of lines (the recipients with an address, joined to their
    choices), in the worker's dispatch."""
    if not lines:
        return {}
    rows = (
        get_user_model()
        .objects.filter(pk__in={user_id for user_id, _ in lines}, is_active=True)
        .exclude(email="")
        .values_list("pk", "notification_preferences__type", "notification_preferences__email")
    )
    with_address: set[int] = set()
    chosen: dict[tuple[int, str], str] = {}
    for user_id, kind, mode in rows:
        with_address.add(user_id)
        if kind is not None:
            chosen[user_id, kind] = mode
    state = {
        EmailMode.IMMEDIATE: NotificationEmail.PENDING,
        EmailMode.DIGEST: NotificationEmail.DIGEST,
        EmailMode.OFF: NotificationEmail.SKIPPED,
    }
    return {
        (user_id, kind): state[chosen.get((user_id, kind), default_mode(kind))]
        if user_id in with_address
        else NotificationEmail.SKIPPED
        for user_id, kind in lines
    }


# --- choices -------------------------------------------------------------------------------------


@transaction.atomic
def email_preferences_set(*, actor, modes) -> dict[str, str]:
    """Set some of the actor's e-mail choices (`{type: "immediate" | "digest" | "off"}`)."""
    require_member(actor, "choose e-mail notifications")
    if not isinstance(modes, dict) or not modes:
        raise ValidationError(
            "email", 'An object of event types and "immediate", "digest" or "off".'
        )
    unknown = sorted(str(k) for k in modes if k not in email_types())
    if unknown:
        raise ValidationError(
            "email", f"Unknown event types {unknown}: use {', '.join(email_types())}."
        )
    bad = sorted(k for k, v in modes.items() if v not in EmailMode.values)
    if bad:
        raise ValidationError("email", f'{", ".join(bad)}: choose "immediate", "digest" or "off".')
    _store(actor.pk, modes)
    return email_modes(actor)


def _store(user_id: int, modes: dict[str, str]) -> None:
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user_id=user_id, type=k, email=v) for k, v in modes.items()],
        update_conflicts=True,
        unique_fields=["user", "type"],
        update_fields=["email", "updated_at"],
    )


def unsubscribe_token(user_id: int, scope: str) -> str:
    """A signed, permanent token that turns one person's e-mails of a scope off."""
    return signing.dumps([user_id, scope], salt=_SALT, compress=False)


def unsubscribe_url(user_id: int, scope: str) -> str:
    path = reverse(
        "frontend:email-unsubscribe", kwargs={"token": unsubscribe_token(user_id, scope)}
    )
    return urljoin(settings.WORKBENCH_URL, path)


def read_unsubscribe_token(token: str):
    """(the user, the scope) a token names; ValidationError when it was not made here."""
    try:
        user_id, scope = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError("token", "This unsubscribe link is not valid.") from None
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or (scope not in email_types() and scope not in (ALL_TYPES, DIGEST_TYPES)):
        raise ValidationError("token", "This unsubscribe link is not valid any more.")
    return user, scope


@transaction.atomic
def email_unsubscribe(*, token: str) -> tuple[object, list[str]]:
    """Turn off the e-mails a token names (no sign-in: the token is the proof). Returns the user
    and the types now off."""
    user, scope = read_unsubscribe_token(token)
    if scope == ALL_TYPES:
        kinds = email_types()
    elif scope == DIGEST_TYPES:
        kinds = [k for k, m in email_modes(user).items() if m == EmailMode.DIGEST]
    else:
        kinds = [scope]
    if kinds:
        _store(user.pk, dict.fromkeys(kinds, EmailMode.OFF))
    return user, kinds


# --- sending -------------------------------------------------------------------------------------


def _link(notification: Notification) -> str:
    """The page a notification is about: its claim, or for an article's revision (no claim) the
    article's revisions, for a paused webhook its page in the admin, else the inbox."""
    event = notification.event
    if event.type == EventType.WEBHOOK_PAUSED:
        path = reverse("admin:claims_webhook_change", args=[event.payload["id"]])
    elif event.claim_id is not None:
        path = reverse("frontend:claim", kwargs={"claim_id": event.claim_id})
    elif isinstance((event.payload or {}).get("article"), int):
        path = reverse(
            "frontend:article-revisions", kwargs={"article_id": event.payload["article"]}
        )
    else:
        path = reverse("frontend:inbox")
    return urljoin(settings.WORKBENCH_URL, path)


def _settings_url() -> str:
    return urljoin(settings.WORKBENCH_URL, reverse("frontend:email-settings"))


def _message(user, subject: str, body: str, unsubscribe: str) -> EmailMessage:
    return EmailMessage(
        subject=subject if len(subject) <= _SUBJECT_MAX else subject[: _SUBJECT_MAX - 1] + "…",
        body=body,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def immediate_message(notification: Notification) -> EmailMessage:
    user, kind = notification.recipient, notification.type
    unsubscribe = unsubscribe_url(user.pk, kind)
    body = (
        f"{notification.text}\n\n"
        f"Open it: {_link(notification)}\n\n"
        f"--\nYou get this because e-mails about {label(kind)} are on for you.\n"
        f"Stop e-mails about {label(kind)}: {unsubscribe}\n"
        f"All your e-mail choices: {_settings_url()}\n"
    )
    return _message(user, notification.text, body, unsubscribe)


def digest_message(user, notifications: list[Notification]) -> EmailMessage:
    shown = notifications[:DIGEST_MAX_LINES]
    lines = [f"- {n.text}\n  {_link(n)}" for n in shown]
    if len(notifications) > len(shown):
        lines.append(f"… and {len(notifications) - len(shown)} more in your inbox.")
    kinds = sorted({n.type for n in shown})
    stops = "\n".join(
        f"Stop e-mails about {label(k)}: {unsubscribe_url(user.pk, k)}" for k in kinds
    )
    unsubscribe = unsubscribe_url(user.pk, DIGEST_TYPES)
    body = (
        f"{len(notifications)} notification{'s' if len(notifications) != 1 else ''} "
        f"since your last digest:\n\n" + "\n".join(lines) + "\n\n"
        f"Inbox: {urljoin(settings.WORKBENCH_URL, reverse('frontend:inbox'))}\n\n"
        f"--\n{stops}\nStop the daily digest: {unsubscribe}\n"
        f"All your e-mail choices: {_settings_url()}\n"
    )
    subject = f"Daily digest: {len(notifications)} notification" + (
        "s" if len(notifications) != 1 else ""
    )
    return _message(user, subject, body, unsubscribe)


def _visible_ids(user, ids) -> set[int]:
    """Which of these notifications the inbox would show its recipient now."""
    return set(
        selectors.notification_list(user=user).filter(pk__in=ids).values_list("pk", flat=True)
    )


def notification_email_send(*, event_id: int | list[int]) -> dict[str, int]:
    """Decide and send the e-mails of some events' pending notifications (one event's, or a
    dispatch batch's); return counts by state.

    The rows are locked (SKIP LOCKED) while this runs, so two workers never send the same one;
    a server that does not answer leaves them pending for the outbox sweep to try again.
    """
    counts: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                event_id__in=[event_id] if isinstance(event_id, int) else event_id,
                email=NotificationEmail.PENDING,
            )
            .select_related("recipient", "event")
        )
        if not rows:
            return dict(counts)
        modes = _modes_for(n.recipient_id for n in rows)
        outcome: dict[str, list[int]] = defaultdict(list)
        to_send = []
        for n in rows:
            mode = modes.get((n.recipient_id, n.type), default_mode(n.type))
            user = n.recipient
            unwanted = mode == EmailMode.OFF or n.read_at is not None
            if unwanted or not (user.email and user.is_active) or not _visible_ids(user, [n.pk]):
                outcome["skipped"].append(n.pk)
            elif mode == EmailMode.DIGEST:
                outcome["digest"].append(n.pk)
            else:
                to_send.append(n)
        if to_send:
            connection = get_connection()
            try:
                connection.open()
                for n in to_send:
                    try:
                        connection.send_messages([immediate_message(n)])
                    except OSError as exc:  # smtplib's errors are OSErrors: try again later
                        logger.warning("e-mail of notification %s not sent: %s", n.pk, exc)
                        counts["pending"] += 1
                        continue
                    outcome["sent"].append(n.pk)
            except OSError as exc:
                logger.warning("e-mail server unavailable, %d left pending: %s", len(to_send), exc)
                counts["pending"] += len(to_send)
            finally:
                connection.close()
        for state, ids in outcome.items():
            Notification.objects.filter(pk__in=ids).update(email=state)
            counts[state] += len(ids)
    return dict(counts)


def email_digest_send(*, limit_users: int = 10_000) -> int:
    """Send each person one e-mail of what waited for the digest; return how many were sent."""
    recipients = list(
        Notification.objects.filter(email=NotificationEmail.DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()[:limit_users]
    )
    sent = 0
    connection = get_connection()
    try:
        for user_id in recipients:
            try:
                sent += _digest_one(connection, user_id)
            except Exception:  # one person's failure (a bug) must not stop everyone after them
                logger.exception("digest of user %s failed; their lines wait for the next", user_id)
    finally:
        connection.close()
    return sent


def _digest_one(connection, user_id: int) -> int:
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(recipient_id=user_id, email=NotificationEmail.DIGEST)
            .select_related("recipient", "event")
            .order_by("created_at", "id")
        )
        if not rows:
            return 0
        user = rows[0].recipient
        modes = email_modes(user)
        visible = _visible_ids(user, [n.pk for n in rows])
        wanted = [
            n for n in rows if n.pk in visible and not n.read_at and modes[n.type] != EmailMode.OFF
        ]
        if not (user.email and user.is_active):
            wanted = []
        if wanted:
            try:
                connection.send_messages([digest_message(user, wanted)])
            except OSError as exc:  # the server's refusal: the next digest has them
                logger.warning("digest of user %s not sent: %s", user_id, exc)
                return 0
        ids = {n.pk for n in wanted}
        Notification.objects.filter(pk__in=ids).update(email=NotificationEmail.SENT)
        Notification.objects.filter(pk__in=[n.pk for n in rows if n.pk not in ids]).update(
            email=NotificationEmail.SKIPPED
        )
        return 1 if wanted else 0


def email_sweep(*, limit: int = 1000) -> int:
    """Events with e-mail still pending past the grace (a lost message, a server that was down),
    within EMAIL_RETRY_WINDOW_SECONDS; pending ones older than that are given up (skipped).
    Returns the events enqueued again."""
    from claims.services import queue

    now = timezone.now()
    grace = timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS)
    window = timedelta(seconds=settings.EMAIL_RETRY_WINDOW_SECONDS)
    pending = Notification.objects.filter(email=NotificationEmail.PENDING)
    pending.filter(created_at__lt=now - window).update(email=NotificationEmail.SKIPPED)
    events = list(
        pending.filter(created_at__lt=now - grace)
        .values_list("event_id", flat=True)
        .order_by("event_id")
        .distinct()[:limit]
    )
    for start in range(0, len(events), EMAIL_EVENTS_A_MESSAGE):
        queue.enqueue(queue.NOTIFICATION_EMAIL, events[start : start + EMAIL_EVENTS_A_MESSAGE])
    return len(events)


EMAIL_EVENTS_A_MESSAGE = 200  # as many as one dispatch takes
