"""Events (the outbox), written in the caller's transaction, and their inbox notifications,
written by the worker.

Each service that changes something people hear about calls one function here. It writes one
Event (what webhooks receive: the object as the API shows it at that moment) in the same
transaction as the change and asks the worker to dispatch it once that transaction commits: one
INSERT and one broker message in the request. The worker's dispatch (`fan_out`, called by
services.webhooks.event_dispatch) decides who hears of it, with the same permission functions as
the rest of the app, at that time, and writes their Notifications, never to the actor, once per
event and recipient. If the broker is down at commit, the outbox sweep
(services.webhooks.outbox_sweep) dispatches it later: nothing committed is lost.
"""

from __future__ import annotations

import logging
import re

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import (
    Article,
    Claim,
    Comment,
    Event,
    EventType,
    Evidence,
    Notification,
    NotificationEmail,
    Source,
    SourceLinkStatus,
    Verdict,
    Webhook,
)
from claims.permissions import (
    admins_filter,
    members_filter,
    require_member,
    verdict_is_blind,
    verdict_reviewers_filter,
)
from claims.services import mail, queue
from claims.services.errors import ValidationError

logger = logging.getLogger(__name__)

MAX_MENTIONS = 20
# Django's username characters; a trailing full stop ends the sentence, not the name.
_MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]{1,150})")
_TEXT_MAX = Notification._meta.get_field("text").max_length
_QUOTE_MAX = 80


# --- in the request: the event --------------------------------------------------------------


def claim_assigned(*, actor, claim: Claim) -> Event | None:
    """The assignee hears that a claim is theirs (unassigning tells nobody, nor webhooks)."""
    if claim.assignee_id is None:
        return None
    return _emit(EventType.CLAIM_ASSIGNED, actor=actor, claim=claim, payload=claim_data(claim))


_VERDICT_EVENTS = {
    Verdict.Status.SUBMITTED: EventType.VERDICT_SUBMITTED,
    Verdict.Status.APPROVED: EventType.VERDICT_APPROVED,
    Verdict.Status.REJECTED: EventType.VERDICT_REJECTED,
    Verdict.Status.PUBLISHED: EventType.VERDICT_PUBLISHED,
}


_VERDICT_NAMES = ("rating", "author", "reviewed_by")


def verdict_changed(*, actor, verdict: Verdict) -> Event:
    """A verdict moved: submitted (the editors who may review it hear), approved, rejected or
    published (its author)."""
    # What the payload names: the services' locked row carries it; otherwise one query.
    if not all(Verdict._meta.get_field(name).is_cached(verdict) for name in _VERDICT_NAMES):
        verdict = Verdict.objects.select_related(*_VERDICT_NAMES).get(pk=verdict.pk)
    return _emit(
        _VERDICT_EVENTS[verdict.status],
        actor=actor,
        claim_id=verdict.claim_id,
        verdict=verdict,
        payload=verdict_payload(verdict),
    )


def comment_added(*, actor, comment: Comment) -> Event:
    """Those working on the claim hear of a comment; those it names as @username, of the mention."""
    return _emit(
        EventType.COMMENT_CREATED,
        actor=actor,
        claim_id=comment.claim_id,
        comment=comment,
        payload=comment_data(comment),
    )


def article_revised(*, actor, article, revision, flagged: list[int]) -> Event:
    """An article got a new body (issue 20): those working on the claims it flagged for review
    (their assignees and verdict authors) hear; webhooks get the revision."""
    payload = {
        "article": article.pk,
        "revision": revision.number,
        "reason": revision.reason,
        "note": revision.note,
        "body_sha256": revision.body_sha256,
        "anchoring": revision.anchoring,
        "flagged_claims": list(flagged),
        "created_at": _time(revision.created_at),
    }
    return _emit(EventType.ARTICLE_REVISED, actor=actor, payload=payload)


_LINK_NEWS = {
    SourceLinkStatus.CHANGED: "changed since it was cited",
    SourceLinkStatus.MOVED: "moved",
    SourceLinkStatus.GONE: "is gone",
}


def source_link_changed(*, source: Source, previous: str) -> list[Event]:
    """A cited page changed, moved or went away (the link check saw it, no actor): each claim
    citing it gets one event; its workers and whoever cited the source there hear of it. Only a
    change of state is news: a page still changed at the next check tells nobody again."""
    status = source.link_status
    if status not in _LINK_NEWS or status == previous:
        return []
    claim_ids = sorted(
        set(Evidence.objects.filter(source=source).values_list("claim_id", flat=True))
    )
    data = source_data(source)
    events = [
        Event(
            type=EventType.SOURCE_LINK_CHANGED,
            claim_id=claim_id,
            payload={**data, "claim": claim_id, "previous_link_status": previous},
        )
        for claim_id in claim_ids
    ]
    if events:
        Event.objects.bulk_create(events)
        for event in events:
            queue.enqueue(queue.EVENT_DISPATCH, event.pk)
    return events


def _emit(
    kind: str, *, actor, payload: dict, claim=None, claim_id=None, verdict=None, comment=None
):
    event = Event.objects.create(
        type=kind,
        actor=actor,
        claim_id=claim.pk if claim is not None else claim_id,
        verdict=verdict,
        comment=comment,
        payload=payload,
    )
    queue.enqueue(queue.EVENT_DISPATCH, event.pk)
    return event


# --- the object as the API shows it -----------------------------------------------------------


def _time(value) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _user(user) -> dict | None:
    return None if user is None else {"id": user.pk, "username": user.get_username()}


def claim_data(claim: Claim) -> dict:
    """A claim's fields as the API's claim detail names them (the workflow part)."""
    return {
        "id": claim.pk,
        "article": claim.article_id,
        "quote": claim.quote,
        "statement": claim.statement,
        "status": claim.status,
        "assignee": _user(claim.assignee),
        "version": claim.version,
        "updated_at": _time(claim.updated_at),
    }


# What a blind verdict's event leaves out (permissions.verdict_is_blind): everything it says.
BLIND_FIELDS = (
    "rating",
    "rating_label",
    "summary",
    "claim_summary",
    "rationale",
    "rejection_reason",
)


def verdict_payload(verdict: Verdict) -> dict:
    """A verdict event's data: the verdict as the API writes it, except while its blind double
    review is unrevealed: then what it says (and why it was rejected) is null, with
    ``"blind": true``."""
    data = verdict_data(verdict)
    if verdict_is_blind(verdict):
        data |= dict.fromkeys(BLIND_FIELDS) | {"blind": True}
    return data


def verdict_data(verdict: Verdict) -> dict:
    """A verdict's fields as the API's verdict serializer writes them."""
    return {
        "id": verdict.pk,
        "claim": verdict.claim_id,
        "rating": verdict.rating.slug,
        "rating_label": verdict.rating.label,
        "summary": verdict.summary,
        "claim_summary": verdict.claim_summary,
        "rationale": verdict.rationale,
        "author": _user(verdict.author),
        "status": verdict.status,
        "rejection_reason": verdict.rejection_reason,
        "reviewed_by": _user(verdict.reviewed_by),
        "submitted_at": _time(verdict.submitted_at),
        "reviewed_at": _time(verdict.reviewed_at),
        "published_at": _time(verdict.published_at),
        "supersedes": verdict.supersedes_id,
        "correction_note": verdict.correction_note,
        "version": verdict.version,
        "created_at": _time(verdict.created_at),
        "updated_at": _time(verdict.updated_at),
    }


def source_data(source: Source) -> dict:
    """A source's fields as the API's source serializer writes them (the link-rot part)."""
    return {
        "id": source.pk,
        "url": source.url,
        "final_url": source.final_url,
        "title": source.title,
        "publisher": source.publisher,
        "fetch_status": source.fetch_status,
        "last_checked_at": _time(source.last_checked_at),
        "link_status": source.link_status,
        "link_moved_to": source.link_moved_to,
    }


def comment_data(comment: Comment) -> dict:
    """A comment's fields as the API's comment serializer writes them."""
    return {
        "id": comment.pk,
        "claim": comment.claim_id,
        "author": comment.author_id,
        "body": comment.body,
        "is_hidden": comment.is_hidden,
        "created_at": _time(comment.created_at),
    }


def webhook_data(hook: Webhook) -> dict:
    """A webhook's fields as the API's webhook serializer writes them (never its secret)."""
    return {
        "id": hook.pk,
        "url": hook.url,
        "events": hook.events,
        "created_by": _user(hook.created_by),
        "active": hook.active,
        "paused_at": _time(hook.paused_at),
        "paused_reason": hook.paused_reason or None,
        "paused_detail": hook.paused_detail or None,
    }


# --- in the worker: who hears of it ------------------------------------------------------


def fan_out(events: list[Event]) -> set[int]:
    """Write the inbox notifications of these events (locked, undispatched; loaded with their
    actor, claim, verdict and comment). Recipients are decided now, by the permission functions,
    never the actor, once per event and recipient. Returns the ids of the events with e-mail
    `pending` (someone wants it now)."""
    lines: list[tuple[Event, int, str, str]] = []  # event, recipient, type, text
    for event in events:
        try:
            recipients, mentioned = _RECIPIENTS[event.type](event)
        except DatabaseError:
            raise  # the transaction is lost: the batch is retried whole
        except Exception:
            # One malformed event must not hold up the batch (and every batch after it, since
            # each takes the oldest first): it goes to webhooks, to nobody's inbox, and is logged.
            logger.exception(
                "event %s: no inbox lines, its recipients could not be found", event.pk
            )
            continue
        for user_id, text in recipients.items():
            if user_id is None or user_id == event.actor_id:
                continue
            kind = EventType.COMMENT_MENTION if user_id in mentioned else event.type
            lines.append((event, user_id, kind, text))
    return _write(lines)


def webhooks_paused(hooks: list[Webhook], *, now) -> set[int]:
    """The dispatch has just paused these webhooks (their paused_* fields set): one
    `webhook.paused` event each (inbox only, never sent to webhooks), written dispatched, with
    its inbox lines for the desk's active admins, in the dispatch's transaction, so the pause and
    the news of it commit together. A constant number of queries whatever the number of
    webhooks. Returns the ids of the events with e-mail `pending`."""
    if not hooks:
        return set()
    events = Event.objects.bulk_create(
        [
            Event(type=EventType.WEBHOOK_PAUSED, payload=webhook_data(hook), dispatched_at=now)
            for hook in hooks
        ]
    )
    admins = _users(admins_filter())
    return _write(
        [
            (event, user_id, event.type, _paused_text(event))
            for event in events
            for user_id in sorted(admins)
        ]
    )


def _write(lines: list[tuple[Event, int, str, str]]) -> set[int]:
    """Write inbox lines (event, recipient, type, text) with their e-mail states, each once;
    return the ids of the events with e-mail `pending`."""
    email = mail.initial_states([(user_id, kind) for _, user_id, kind, _ in lines])
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                event=event,
                type=kind,
                text=_clip(text, _TEXT_MAX),
                email=email[user_id, kind],
            )
            for event, user_id, kind, text in lines
        ],
        ignore_conflicts=True,  # a row written by an earlier, interrupted dispatch stays as it is
    )
    return {
        event.pk
        for event, user_id, kind, _ in lines
        if email[user_id, kind] == NotificationEmail.PENDING
    }


def _assigned(event: Event):
    assignee = (event.payload.get("assignee") or {}).get("id")
    text = f"{_name(event.actor)} assigned you “{_short(event.claim)}”"
    return ({assignee: text} if assignee else {}), set()


def _verdict(event: Event):
    verdict = event.verdict
    if verdict is None:
        raise ValueError(f"{event.type} event without its verdict")
    claim = event.claim or verdict.claim
    if event.type == EventType.VERDICT_SUBMITTED:
        text = f"{_name(event.actor)} submitted a verdict on “{_short(claim)}” for approval"
        return dict.fromkeys(_users(verdict_reviewers_filter(verdict)), text), set()
    status = event.type.split(".", 1)[1]
    text = f"{_name(event.actor)} {status} your verdict on “{_short(claim)}”"
    if event.type == EventType.VERDICT_REJECTED:
        # A blind verdict's payload holds no reason (webhooks reach others); its author may read
        # it, from the row.
        reason = event.payload.get("rejection_reason") or verdict.rejection_reason
        text += f": {reason}"
    return {event.payload["author"]["id"]: text}, set()


def _comment(event: Event):
    comment, claim = event.comment, event.claim
    excerpt = _clip(event.payload["body"], _QUOTE_MAX)
    workers = _claim_workers(claim, before=comment)
    mentioned = _mentioned(event.payload["body"])
    recipients = dict.fromkeys(
        workers - mentioned,
        f"{_name(event.actor)} commented on “{_short(claim)}”: {excerpt}",
    )
    mention_text = f"{_name(event.actor)} mentioned you on “{_short(claim)}”: {excerpt}"
    recipients.update(dict.fromkeys(mentioned, mention_text))
    return recipients, mentioned


def _revised(event: Event):
    flagged = event.payload.get("flagged_claims") or []
    ids: set[int] = set()
    if flagged:
        ids.update(
            Claim.objects.filter(pk__in=flagged, assignee__isnull=False).values_list(
                "assignee_id", flat=True
            )
        )
        ids.update(Verdict.objects.filter(claim__in=flagged).values_list("author_id", flat=True))
    ids.discard(None)
    title = (
        Article.objects.filter(pk=event.payload["article"]).values_list("title", flat=True).first()
    )
    who = _name(event.actor) if event.actor is not None else "A re-fetch"
    text = (
        f"{who} revised “{_clip(title or '', _QUOTE_MAX)}”: "
        f"{len(flagged)} checked claim(s) to review"
    )
    return (dict.fromkeys(_users(Q(pk__in=ids)), text) if ids else {}), set()


def _link_changed(event: Event):
    claim, data = event.claim, event.payload
    ids = set(
        Verdict.objects.filter(claim=claim)
        .values_list("author_id", flat=True)
        .union(Comment.objects.filter(claim=claim).values_list("author_id", flat=True))
        .union(
            Evidence.objects.filter(claim=claim, source_id=data["id"]).values_list(
                "added_by_id", flat=True
            )
        )
    )
    ids.update({claim.assignee_id, claim.created_by_id})
    ids.discard(None)
    status = data["link_status"]
    where = f": now {data['link_moved_to']}" if status == SourceLinkStatus.MOVED else ""
    text = f"A source of “{_short(claim)}” {_LINK_NEWS.get(status, status)}{where} ({data['url']})"
    return (dict.fromkeys(_users(Q(pk__in=ids)), text) if ids else {}), set()


def _paused_text(event: Event) -> str:
    data = event.payload
    return (
        f"Webhook {_clip(data['url'], 200)} is paused and gets no events: "
        f"{data['paused_detail']} An editor can take it over to resume it."
    )


def _paused(event: Event):
    """A webhook paused (written with its lines by webhooks_paused; this is for an event that
    somehow waits for a dispatch): the desk's active admins."""
    return dict.fromkeys(_users(admins_filter()), _paused_text(event)), set()


_RECIPIENTS = {
    EventType.CLAIM_ASSIGNED: _assigned,
    EventType.VERDICT_SUBMITTED: _verdict,
    EventType.VERDICT_APPROVED: _verdict,
    EventType.VERDICT_REJECTED: _verdict,
    EventType.VERDICT_PUBLISHED: _verdict,
    EventType.COMMENT_CREATED: _comment,
    EventType.ARTICLE_REVISED: _revised,
    EventType.SOURCE_LINK_CHANGED: _link_changed,
    EventType.WEBHOOK_PAUSED: _paused,
}


def _users(condition: Q) -> set[int]:
    """Active newsroom members matching the condition."""
    return set(
        get_user_model()
        .objects.filter(condition, is_active=True)
        .filter(members_filter())
        .values_list("pk", flat=True)
        .distinct()
    )


def _claim_workers(claim: Claim, *, before: Comment) -> set[int]:
    """Who works on a claim: its assignee and creator, its verdicts' authors, earlier commenters."""
    ids = {claim.assignee_id, claim.created_by_id}
    ids.update(Verdict.objects.filter(claim=claim).values_list("author_id", flat=True))
    ids.update(
        Comment.objects.filter(claim=claim, pk__lt=before.pk).values_list("author_id", flat=True)
    )
    ids.discard(None)
    return _users(Q(pk__in=ids)) if ids else set()


def _mentioned(body: str) -> set[int]:
    """Members named as @username in a text (unknown names do nothing)."""
    names = []
    for match in _MENTION.finditer(body):
        name = match.group(1).rstrip(".")
        if name and name not in names:
            names.append(name)
        if len(names) == MAX_MENTIONS:
            break
    return _users(Q(username__in=names)) if names else set()


def _name(user) -> str:
    return user.get_username() if user is not None else "someone"


def _short(claim: Claim) -> str:
    return _clip(claim.statement or claim.quote, _QUOTE_MAX)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the inbox ------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, actor, ids=None, mark_all: bool = False) -> int:
    """Mark some (by id) or all of the actor's notifications read; return how many changed.

    Ids of other people's notifications are ignored, not refused, so they reveal nothing.
    """
    require_member(actor, "read notifications")
    if mark_all:
        mine = Notification.objects.filter(recipient=actor)
    else:
        if not isinstance(ids, list) or not ids:
            raise ValidationError("ids", 'Give "ids", a non-empty list of ids, or "all": true.')
        if len(ids) > MAX_MARK or not all_ints(ids):
            raise ValidationError("ids", f"At most {MAX_MARK} whole-number ids.")
        mine = Notification.objects.filter(recipient=actor, pk__in=ids)
    return mine.filter(read_at__isnull=True).update(read_at=timezone.now())


MAX_MARK = 500


def all_ints(values) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values)
