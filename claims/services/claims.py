"""The claim workflow: suggested → open → in_progress → in_review → approved → published,
dismissed from any state before published. Verdict services move the later states."""

from __future__ import annotations

from django.db import transaction

from claims.models import Article, Claim
from claims.permissions import is_member, require_editor, require_member
from claims.services.concurrency import check_version, lock, save_bumped
from claims.services.errors import InvalidTransition, ValidationError
from claims.services.matching import claim_matches_enqueue

CONTEXT_CHARS = 32
EDITABLE_TEXT_FIELDS = ("statement", "claimant", "claimant_kind", "claim_type")
VERSION_FIELDS = (
    "status",
    "start",
    "end",
    "quote",
    "statement",
    "claimant",
    "claimant_kind",
    "claim_type",
    "assignee",
    "version",
)
FINAL_STATES = frozenset({Claim.Status.PUBLISHED, Claim.Status.DISMISSED})


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


def _set_span(claim: Claim, body: str, start: int, end: int, quote: str | None) -> None:
    claim.quote = span_check(body=body, start=start, end=end, quote=quote)
    claim.start, claim.end = start, end
    claim.prefix = body[max(0, start - CONTEXT_CHARS) : start]
    claim.suffix = body[end : end + CONTEXT_CHARS]


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
) -> Claim:
    """A reviewer marks a span of the article as a claim (open, manual)."""
    require_member(actor, "create claims")
    claim = Claim(
        article=article,
        statement=(statement or "").strip(),
        claimant=(claimant or "").strip(),
        claimant_kind=_check_choice("claimant_kind", claimant_kind, Claim.ClaimantKind),
        claim_type=_check_choice("claim_type", claim_type, Claim.Type),
        origin=Claim.Origin.MANUAL,
        status=Claim.Status.OPEN,
        created_by=actor,
    )
    if len(claim.claimant) > 300:
        raise ValidationError("claimant", "Ensure this field has no more than 300 characters.")
    _set_span(claim, article.body, start, end, quote)
    claim.save()
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
    start: int | None = None,
    end: int | None = None,
) -> Claim:
    """Edit a claim's statement, claimant, type or span (None: unchanged); a span is re-checked."""
    require_member(actor, "edit claims")
    locked = lock(Claim, claim.pk)
    check_version(locked, expected_version, VERSION_FIELDS)
    if locked.status in FINAL_STATES:
        raise InvalidTransition(
            f"a {locked.get_status_display().lower()} claim cannot be edited",
            current_state=locked.status,
        )
    changed: set[str] = set()
    if statement is not None:
        locked.statement = statement.strip()
        changed.add("statement")
    if claimant is not None:
        if len(claimant.strip()) > 300:
            raise ValidationError("claimant", "Ensure this field has no more than 300 characters.")
        locked.claimant = claimant.strip()
        changed.add("claimant")
    if claimant_kind is not None:
        locked.claimant_kind = _check_choice("claimant_kind", claimant_kind, Claim.ClaimantKind)
        changed.add("claimant_kind")
    if claim_type is not None:
        locked.claim_type = _check_choice("claim_type", claim_type, Claim.Type)
        changed.add("claim_type")
    if start is not None or end is not None:
        new_start = locked.start if start is None else start
        new_end = locked.end if end is None else end
        _set_span(locked, locked.article.body, new_start, new_end, None)
        changed |= {"start", "end", "quote", "prefix", "suffix"}
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
    if locked.status in FINAL_STATES:
        raise InvalidTransition(
            f"a {locked.status} claim cannot be assigned", current_state=locked.status
        )
    locked.assignee = assignee
    if assignee is not None and locked.status == Claim.Status.OPEN:
        locked.status = Claim.Status.IN_PROGRESS
    elif assignee is None and locked.status == Claim.Status.IN_PROGRESS:
        locked.status = Claim.Status.OPEN
    save_bumped(locked, {"assignee", "status"})
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
    if locked.status != Claim.Status.SUGGESTED:
        require_editor(actor, "dismiss claims that were accepted")
    check_version(locked, expected_version, VERSION_FIELDS)
    if locked.status in FINAL_STATES:
        raise InvalidTransition(
            f"a {locked.status} claim cannot be dismissed", current_state=locked.status
        )
    locked.status = Claim.Status.DISMISSED
    locked.dismissal_reason = reason
    locked.dismissal_note = (note or "").strip()
    save_bumped(locked, {"status", "dismissal_reason", "dismissal_note"})
    return locked


def claim_status_follow(*, claim: Claim, status: str) -> None:
    """Move a (locked) claim to the state its verdict reached; a published claim stays published."""
    if claim.status in FINAL_STATES and status != Claim.Status.PUBLISHED:
        return
    if claim.status != status:
        claim.status = status
        save_bumped(claim, {"status"})
