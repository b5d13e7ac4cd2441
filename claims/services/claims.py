"""The claim workflow: suggested → open → in_progress → in_review → approved → published,
dismissed from any state before published. Verdict services move the later states."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction

from claims.models import Article, Claim
from claims.permissions import (
    CLAIM_FINAL_STATES,
    ClaimAction,
    is_member,
    require_claim_action,
    require_editor,
    require_member,
)
from claims.services import notify
from claims.services.concurrency import check_version, lock, save_bumped
from claims.services.double_review import double_review_defaults_apply
from claims.services.errors import InvalidTransition, ValidationError
from claims.services.matching import claim_matches_enqueue
from claims.services.text import clean_text

CONTEXT_CHARS = 32
EDITABLE_TEXT_FIELDS = ("statement", "claimant", "claimant_kind", "claim_type")
VERSION_FIELDS = (
    "status",
    "start",
    "end",
    "quote",
    *Claim.DESCRIPTION_FIELDS,
    *Claim.CONTEXT_FIELDS,
    "assignee",
    "version",
)
# A verdict in these states rates the claim as it stands: the claim and its evidence are frozen.
REVIEW_STATES = ("submitted", "approved")


def claim_frozen_reason(*, claim: Claim) -> str | None:
    """Why the claim's wording, span, type and evidence cannot change now, or None.

    A submitted (or approved, not yet published) verdict rates exactly this claim with exactly
    this evidence: a change would make the approval vouch for something nobody approved. The
    verdict must be rejected first (it goes back to its author), then the claim changed and the
    verdict submitted again. (Chosen over silently returning the verdict to draft: the writer of
    the change is told at once, and nothing moves under the reviewer's feet.)
    """
    under_review = claim.verdicts.filter(status__in=REVIEW_STATES).first()
    if under_review is None:
        return None
    return (
        f"verdict {under_review.pk} is {under_review.status} for this claim as it stands: "
        "reject it first, then change the claim or its evidence and submit again"
    )


def _require_not_frozen(claim: Claim) -> None:
    reason = claim_frozen_reason(claim=claim)
    if reason is not None:
        raise InvalidTransition(reason, current_state=claim.status)


def span_check(*, body: str, start, end, quote: str | None = None) -> str:
    """Validate [start, end) against the body and return the quote there (ValidationError if not)."""
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(name, "A valid integer is required.")
        if value < 0:
            raise ValidationError(name, "Must be 0 or more.")
    if start >= end:
        raise ValidationError("end", f"The end ({end}) must be greater than the start ({start}).")
    if end > len(body):
        raise ValidationError(
            "end", f"The span ends at {end}, past the end of the body ({len(body)} characters)."
        )
    actual = body[start:end]
    if quote is not None and quote != actual:
        raise ValidationError(
            "quote", f"The quote does not match the article body at [{start}, {end}): {actual!r}."
        )
    return actual


def _check_choice(field: str, value: str, choices) -> str:
    if value not in ("", *choices.values):
        raise ValidationError(
            field, f"{value!r} is not a valid choice: one of {', '.join(choices.values)}."
        )
    return value


def _claim_date(value) -> dt.date | None:
    """A date, an ISO date string, or "" (none); the claim cannot be made in the future."""
    if value in ("", None):
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError("claim_date", f"{value!r} is not a date (YYYY-MM-DD).") from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError("claim_date", "A date (YYYY-MM-DD) is required.")
    if value > dt.date.today() + dt.timedelta(days=1):
        raise ValidationError("claim_date", "A claim date cannot be in the future.")
    return value


def _appearance_url(value: str) -> str:
    value = clean_text(Claim, "appearance_url", value)
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except DjangoValidationError:
        raise ValidationError("appearance_url", "Enter a valid http(s) URL.") from None
    return value


def settled_quote_before(claim: Claim) -> str:
    """What ``quote_before`` keeps once a claim's place is settled again (a person confirms or
    places it, a revision carries it unchanged): for a published claim the text as checked, which
    its public page and ClaimReview show and are named by (a published fact-check is frozen);
    otherwise nothing."""
    return claim.checked_quote if claim.status == Claim.Status.PUBLISHED else ""


def set_span(claim: Claim, article: Article, start: int, end: int, quote: str | None) -> None:
    """Place the claim on [start, end) of the article's current body: a person's placement, so
    its anchor is exact, in the current revision, and no longer waiting for review."""
    body = article.body
    claim.quote_before = settled_quote_before(claim)
    claim.quote = span_check(body=body, start=start, end=end, quote=quote)
    claim.start, claim.end = start, end
    claim.prefix = body[max(0, start - CONTEXT_CHARS) : start]
    claim.suffix = body[end : end + CONTEXT_CHARS]
    claim.anchor_status = Claim.AnchorStatus.EXACT
    claim.anchor_confidence = 1.0
    claim.revision = article.revision
    claim.anchor_review = False


# A claim's place in its article's text: what set_span writes, and what re-anchoring writes for
# each claim after a revision (services.revisions; an update that changed only these was no
# reviewer's). Ordered, for the SQL written from it.
SPAN_COLUMNS = (
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "anchor_status",
    "anchor_confidence",
    "revision",
    "anchor_review",
    "quote_before",
)


def article_for_span(article_id: int) -> Article:
    """The article, read under a row lock (FOR NO KEY UPDATE): a revision of its body (FOR UPDATE)
    waits until this transaction has placed its claim, or this one waits for the revision."""
    return Article.objects.select_for_update(no_key=True).get(pk=article_id)


@transaction.atomic
def claim_create(
    *,
    actor,
    article: Article,
    start: int,
    end: int,
    quote: str | None = None,
    statement: str = "",
    claimant: str = "",
    claimant_kind: str = "",
    claim_type: str = "",
    claim_date: dt.date | str | None = None,
    appearance_url: str = "",
) -> Claim:
    """A reviewer marks a span of the article as a claim (open, manual)."""
    require_member(actor, "create claims")
    claim = Claim(
        article=article,
        statement=clean_text(Claim, "statement", statement),
        claimant=clean_text(Claim, "claimant", claimant),
        claimant_kind=_check_choice("claimant_kind", claimant_kind, Claim.ClaimantKind),
        claim_type=_check_choice("claim_type", claim_type, Claim.Type),
        claim_date=_claim_date(claim_date),
        appearance_url=_appearance_url(appearance_url),
        origin=Claim.Origin.MANUAL,
        status=Claim.Status.OPEN,
        created_by=actor,
    )
    set_span(claim, article_for_span(article.pk), start, end, quote)
    claim.save()
    if double_review_defaults_apply(claim_ids=[claim.pk]):
        claim.refresh_from_db(fields=["status", "version", "updated_at"])
    claim_matches_enqueue(claim_id=claim.pk)
    return claim


@transaction.atomic
def claim_update(
    *,
    actor,
    claim: Claim,
    expected_version: int | None = None,
    statement: str | None = None,
    claimant: str | None = None,
    claimant_kind: str | None = None,
    claim_type: str | None = None,
    claim_date: dt.date | str | None = None,
    appearance_url: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Claim:
    """Edit a claim's statement, claimant, type, date, appearance or span (None: unchanged; ""
    clears the date); a span is re-checked."""
    require_member(actor, "edit claims")
    locked = lock(Claim, claim.pk)
    check_version(locked, expected_version, VERSION_FIELDS)
    if locked.status in CLAIM_FINAL_STATES:
        raise InvalidTransition(
            f"a {locked.get_status_display().lower()} claim cannot be edited",
            current_state=locked.status,
        )
    _require_not_frozen(locked)
    changed: set[str] = set()
    if statement is not None:
        locked.statement = clean_text(Claim, "statement", statement)
        changed.add("statement")
    if claimant is not None:
        locked.claimant = clean_text(Claim, "claimant", claimant)
        changed.add("claimant")
    if claimant_kind is not None:
        locked.claimant_kind = _check_choice("claimant_kind", claimant_kind, Claim.ClaimantKind)
        changed.add("claimant_kind")
    if claim_type is not None:
        locked.claim_type = _check_choice("claim_type", claim_type, Claim.Type)
        changed.add("claim_type")
    if claim_date is not None:
        locked.claim_date = _claim_date(claim_date)
        changed.add("claim_date")
    if appearance_url is not None:
        locked.appearance_url = _appearance_url(appearance_url)
        changed.add("appearance_url")
    if start is not None or end is not None:
        new_start = locked.start if start is None else start
        new_end = locked.end if end is None else end
        if new_start is None or new_end is None:
            raise ValidationError(
                "start" if new_start is None else "end",
                "This claim is lost in the current text: give both its start and its end.",
            )
        set_span(locked, article_for_span(locked.article_id), new_start, new_end, None)
        changed.update(SPAN_COLUMNS)
    if changed:
        save_bumped(locked, changed)
    return locked


@transaction.atomic
def claim_accept(*, actor, claim: Claim, expected_version: int | None = None) -> Claim:
    """Accept an extractor's suggestion: suggested → open."""
    require_member(actor, "accept claims")
    locked = lock(Claim, claim.pk)
    check_version(locked, expected_version, VERSION_FIELDS)
    if locked.status != Claim.Status.SUGGESTED:
        raise InvalidTransition(
            f"only a suggested claim can be accepted; this one is {locked.status}",
            current_state=locked.status,
        )
    locked.status = Claim.Status.OPEN
    save_bumped(locked, {"status"})
    if double_review_defaults_apply(claim_ids=[locked.pk]):
        locked.refresh_from_db(fields=["status", "version", "updated_at"])
    claim_matches_enqueue(claim_id=locked.pk)
    return locked


@transaction.atomic
def claim_assign(*, actor, claim: Claim, assignee, expected_version: int | None = None) -> Claim:
    """An editor assigns a claim (open → in_progress) or, with assignee None, unassigns it."""
    require_editor(actor, "assign claims")
    if assignee is not None and not is_member(assignee):
        raise ValidationError("assignee", "Claims are assigned to reviewers or editors only.")
    locked = lock(Claim, claim.pk)
    check_version(locked, expected_version, VERSION_FIELDS)
    if locked.status == Claim.Status.SUGGESTED:
        raise InvalidTransition(
            "accept the suggested claim before assigning it", current_state=locked.status
        )
    if locked.status in CLAIM_FINAL_STATES:
        raise InvalidTransition(
            f"a {locked.status} claim cannot be assigned", current_state=locked.status
        )
    locked.assignee = assignee
    if assignee is not None and locked.status == Claim.Status.OPEN:
        locked.status = Claim.Status.IN_PROGRESS
    elif assignee is None and locked.status == Claim.Status.IN_PROGRESS:
        locked.status = Claim.Status.OPEN
    save_bumped(locked, {"assignee", "status"})
    notify.claim_assigned(actor=actor, claim=locked)
    return locked


@transaction.atomic
def claim_dismiss(
    *,
    actor,
    claim: Claim,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
) -> Claim:
    """Dismiss a claim (not checkable, duplicate, out of scope) before publication.

    Any reviewer may turn down one of the extractor's suggestions; dismissing a claim someone
    accepted is an editor's decision.
    """
    require_member(actor, "dismiss claims")
    if reason not in Claim.DismissalReason.values:
        raise ValidationError(
            "reason",
            f"{reason!r} is not a valid reason: one of {', '.join(Claim.DismissalReason.values)}.",
        )
    locked = lock(Claim, claim.pk)
    require_claim_action(actor, locked, ClaimAction.DISMISS)
    check_version(locked, expected_version, VERSION_FIELDS)
    if locked.status in CLAIM_FINAL_STATES:
        raise InvalidTransition(
            f"a {locked.status} claim cannot be dismissed", current_state=locked.status
        )
    locked.status = Claim.Status.DISMISSED
    locked.dismissal_reason = reason
    locked.dismissal_note = clean_text(Claim, "dismissal_note", note, name="note")
    save_bumped(locked, {"status", "dismissal_reason", "dismissal_note"})
    return locked


def claim_status_follow(*, claim: Claim, status: str) -> None:
    """Move a (locked) claim to the state its verdict reached; a published claim stays published."""
    if claim.status in CLAIM_FINAL_STATES and status != Claim.Status.PUBLISHED:
        return
    if claim.status != status:
        claim.status = status
        save_bumped(claim, {"status"})
