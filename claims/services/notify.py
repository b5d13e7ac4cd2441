"""Events and inbox notifications, written in the caller's transaction (the outbox).

Each service that changes something people hear about calls one function here. It writes one
Event (what webhooks receive) and the Notifications of its recipients, never the actor, in the
same transaction as the change, and asks the worker to dispatch the event once that transaction
commits. If the broker is down then, the outbox sweep (services.webhooks.outbox_sweep) sends it
later: nothing committed is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import (
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
    members_filter,
    require_member,
    verdict_is_blind,
    verdict_reviewers_filter,
)
from claims.services import mail, queue
from claims.services.errors import ValidationError

MAX_MENTIONS = 20
# Django's username characters; a trailing full stop ends the sentence, not the name.
_MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]{1,150})")
_TEXT_MAX = Notification._meta.get_field("text").max_length
_QUOTE_MAX = 80


def claim_assigned(*, actor, claim: Claim) -> Event | None:
    """The assignee hears that a claim is theirs (unassigning tells nobody)."""
    if claim.assignee_id is None:
        return None
    return _emit(
        EventType.CLAIM_ASSIGNED,
        actor=actor,
        claim=claim,
        payload=claim_data(claim),
        recipients={claim.assignee_id: f"{_name(actor)} assigned you “{_short(claim)}”"},
    )


def verdict_changed(*, actor, verdict: Verdict) -> Event:
    """A verdict moved: submitted (the editors who may review it hear), approved, rejected or
    published (its author)."""
    # One query for everything the text and the payload name (the service's row has none loaded).
    verdict = Verdict.objects.select_related("claim", "rating", "author", "reviewed_by").get(
        pk=verdict.pk
    )
    claim = verdict.claim
    status = verdict.status
    if status == Verdict.Status.SUBMITTED:
        text = f"{_name(actor)} submitted a verdict on “{_short(claim)}” for approval"
        ids = _users(verdict_reviewers_filter(verdict))
        return _emit(
            EventType.VERDICT_SUBMITTED,
            actor=actor,
            claim=claim,
            verdict=verdict,
            payload=verdict_payload(verdict),
            recipients=dict.fromkeys(ids, text),
        )
    kind = {
        Verdict.Status.APPROVED: EventType.VERDICT_APPROVED,
        Verdict.Status.REJECTED: EventType.VERDICT_REJECTED,
        Verdict.Status.PUBLISHED: EventType.VERDICT_PUBLISHED,
    }[status]
    text = f"{_name(actor)} {status} your verdict on “{_short(claim)}”"
    if status == Verdict.Status.REJECTED:
        text += f": {verdict.rejection_reason}"
    return _emit(
        kind,
        actor=actor,
        claim=claim,
        verdict=verdict,
        payload=verdict_payload(verdict),
        recipients={verdict.author_id: text},
    )


def comment_added(*, actor, comment: Comment) -> Event:
    """Those working on the claim hear of a comment; those it names as @username, of the mention."""
    claim = comment.claim
    excerpt = _clip(comment.body, _QUOTE_MAX)
    workers = _claim_workers(claim, before=comment)
    mentioned = _mentioned(comment.body)
    recipients = dict.fromkeys(
        workers - mentioned,
        f"{_name(actor)} commented on “{_short(claim)}”: {excerpt}",
    )
    mention_text = f"{_name(actor)} mentioned you on “{_short(claim)}”: {excerpt}"
    recipients.update(dict.fromkeys(mentioned, mention_text))
    return _emit(
        EventType.COMMENT_CREATED,
        actor=actor,
        claim=claim,
        comment=comment,
        payload=comment_data(comment),
        recipients=recipients,
        mentioned=mentioned,
    )


def article_revised(*, actor, article, revision, flagged: list[int]) -> Event:
    """An article got a new body (issue 20): those working on the claims it flagged for review
    (their assignees and verdict authors) hear; webhooks get the revision."""
    ids: set[int] = set()
    if flagged:
        ids.update(
            Claim.objects.filter(pk__in=flagged, assignee__isnull=False).values_list(
                "assignee_id", flat=True
            )
        )
        ids.update(Verdict.objects.filter(claim__in=flagged).values_list("author_id", flat=True))
    ids.discard(None)
    who = _name(actor) if actor is not None else "A re-fetch"
    text = f"{who} revised “{_clip(article.title, _QUOTE_MAX)}”: {len(flagged)} checked claim(s) to review"
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
    recipients = dict.fromkeys(_users(Q(pk__in=ids)), text) if ids else {}
    return _emit(EventType.ARTICLE_REVISED, actor=actor, payload=payload, recipients=recipients)


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
    cited = list(
        Evidence.objects.filter(source=source)
        .select_related("claim__assignee")
        .order_by("claim_id")
    )
    if not cited:
        return []
    claim_ids = [e.claim_id for e in cited]
    extra: dict[int, set[int]] = {pk: set() for pk in claim_ids}
    for claim_id, user_id in (
        Verdict.objects.filter(claim_id__in=claim_ids)
        .values_list("claim_id", "author_id")
        .union(Comment.objects.filter(claim_id__in=claim_ids).values_list("claim_id", "author_id"))
    ):
        extra[claim_id].add(user_id)
    for evidence in cited:
        claim = evidence.claim
        extra[claim.pk].update({claim.assignee_id, claim.created_by_id, evidence.added_by_id})
        extra[claim.pk].discard(None)
    members = _users(Q(pk__in=set().union(*extra.values())))
    where = f": now {source.link_moved_to}" if status == SourceLinkStatus.MOVED else ""
    events = []
    for evidence in cited:
        claim = evidence.claim
        text = f"A source of “{_short(claim)}” {_LINK_NEWS[status]}{where} ({source.url})"
        events.append(
            _emit(
                EventType.SOURCE_LINK_CHANGED,
                actor=None,
                claim=claim,
                payload={
                    **source_data(source),
                    "claim": claim.pk,
                    "previous_link_status": previous,
                },
                recipients=dict.fromkeys(extra[claim.pk] & members, text),
            )
        )
    return events


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


# --- writing ------------------------------------------------------------------------------------


def _emit(
    kind: str,
    *,
    actor,
    payload: dict,
    recipients: dict[int, str],
    claim: Claim | None = None,
    verdict: Verdict | None = None,
    comment: Comment | None = None,
    mentioned: Iterable[int] = (),
) -> Event:
    # No webhook wants this type: nothing for the worker to do, so no broker message in the
    # request (a webhook registered before this commits misses the event, as one registered after).
    wanted = Webhook.objects.filter(Q(events__contains=["*"]) | Q(events__contains=[kind])).exists()
    event = Event.objects.create(
        type=kind,
        actor=actor,
        claim=claim,
        verdict=verdict,
        comment=comment,
        payload=payload,
        dispatched_at=None if wanted else timezone.now(),
    )
    mentioned = set(mentioned)
    kinds = {
        user_id: EventType.COMMENT_MENTION if user_id in mentioned else kind
        for user_id in recipients
        if user_id is not None and (actor is None or user_id != actor.pk)
    }
    email = mail.initial_states(kinds)
    Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id,
            event=event,
            type=kinds[user_id],
            text=_clip(recipients[user_id], _TEXT_MAX),
            email=email[user_id],
        )
        for user_id in kinds
    )
    if wanted:
        queue.enqueue(queue.EVENT_DISPATCH, event.pk)
    if NotificationEmail.PENDING in email.values():  # someone wants an e-mail now
        queue.enqueue(queue.NOTIFICATION_EMAIL, event.pk)
    return event


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
    # From the row, not the caller's instance, which may predate an assignment.
    ids = set(
        Claim.objects.filter(pk=claim.pk).values_list("assignee_id", "created_by_id").first() or ()
    )
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
