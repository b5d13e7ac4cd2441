"""The verdict workflow: draft → submitted → approved (or rejected, back to its author) → published.

A published verdict is corrected only by a new verdict that supersedes it, with a correction note;
both stay readable. Nobody approves (or rejects) their own verdict. Each step moves the claim too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.models import Claim, Evidence, Rating, Verdict
from claims.permissions import (
    CLAIM_STATES_FOR_VERDICTS,
    VERDICT_ACTION_STATES,
    VerdictAction,
    can_see_verdict,
    may_approve_verdict,
    require_editor,
    require_member,
    require_verdict_action,
)
from claims.selectors import claim_ids_with_archived_sources
from claims.services import notify
from claims.services.claims import claim_status_follow
from claims.services.concurrency import check_version, lock, save_bumped
from claims.services.double_review import (
    double_review_approve_blocker,
    double_review_check_adjudication,
    double_review_record_submission,
)
from claims.services.errors import InvalidTransition, NotFound, ValidationError
from claims.services.text import clean_text

VERSION_FIELDS = (
    "status",
    "rating",
    "summary",
    "claim_summary",
    "rationale",
    "correction_note",
    "version",
)


def rating_resolve(*, slug: str) -> Rating:
    """The default scale's rating with this slug (ValidationError on the rating field if none)."""
    try:
        return Rating.objects.select_related("scale").get(scale__is_default=True, slug=slug)
    except (Rating.DoesNotExist, TypeError, ValueError):
        known = Rating.objects.filter(scale__is_default=True).values_list("slug", flat=True)
        raise ValidationError(
            "rating", f"Unknown rating {slug!r}: one of {', '.join(known)}."
        ) from None


def _claim_summary(value: str) -> str:
    """One line: newlines and runs of spaces collapse (it is a title, not prose). Longer than the
    75 characters search engines show is allowed (the form warns): cutting can drop a negation."""
    return " ".join(clean_text(Verdict, "claim_summary", value).split())


def _claim_open_for_verdicts(claim: Claim) -> None:
    if claim.status not in CLAIM_STATES_FOR_VERDICTS:
        raise InvalidTransition(
            f"a {claim.status} claim takes no verdicts", current_state=claim.status
        )


def _locked_for(actor, verdict: Verdict, expected_version: int | None) -> Verdict:
    # The row alone is locked; what its event's payload names comes with it (no second query).
    locked = (
        Verdict.objects.select_for_update(of=("self",))
        .select_related("rating", "author", "reviewed_by")
        .get(pk=verdict.pk)
    )
    if not can_see_verdict(actor, locked):
        raise NotFound("no such verdict")
    check_version(locked, expected_version, VERSION_FIELDS)
    return locked


def _require_state(verdict: Verdict, action: VerdictAction, done: str) -> None:
    if verdict.status not in VERDICT_ACTION_STATES[action]:
        raise InvalidTransition(
            f"a {verdict.status} verdict cannot be {done}", current_state=verdict.status
        )


@transaction.atomic
def verdict_create(
    *,
    actor,
    claim: Claim,
    rating: str,
    summary: str = "",
    rationale: str = "",
    correction_note: str = "",
    claim_summary: str = "",
) -> Verdict:
    """Draft a verdict on a claim; on a published claim it is a correction and needs a note."""
    require_member(actor, "draft verdicts")
    rating_obj = rating_resolve(slug=rating)
    claim = lock(Claim, claim.pk)
    _claim_open_for_verdicts(claim)
    published = Verdict.objects.filter(claim=claim, status=Verdict.Status.PUBLISHED).first()
    note = clean_text(Verdict, "correction_note", correction_note, required=published is not None)
    if published is None and note:
        raise ValidationError(
            "correction_note", "Only a correction of a published verdict takes a correction note."
        )
    if published is not None and Verdict.objects.filter(supersedes=published).exists():
        raise InvalidTransition(
            "a correction of the published verdict is already under way",
            current_state=claim.status,
        )
    verdict = Verdict.objects.create(
        claim=claim,
        rating=rating_obj,
        summary=clean_text(Verdict, "summary", summary),
        claim_summary=_claim_summary(claim_summary),
        rationale=clean_text(Verdict, "rationale", rationale),
        author=actor,
        content_changed_by=actor,
        content_editors=[actor.pk],
        supersedes=published,
        correction_note=note,
    )
    if claim.status == Claim.Status.OPEN and claim.assignee_id is None:
        claim.assignee = actor
        claim.status = Claim.Status.IN_PROGRESS
        save_bumped(claim, {"assignee", "status"})
    return verdict


@transaction.atomic
def verdict_update(
    *,
    actor,
    verdict: Verdict,
    expected_version: int | None = None,
    rating: str | None = None,
    summary: str | None = None,
    rationale: str | None = None,
    correction_note: str | None = None,
    claim_summary: str | None = None,
) -> Verdict:
    """Change a draft (or rejected) verdict; only its author or an editor may (None: unchanged)."""
    require_member(actor, "edit verdicts")
    locked = _locked_for(actor, verdict, expected_version)
    require_verdict_action(actor, locked, VerdictAction.EDIT)
    _require_state(locked, VerdictAction.EDIT, "changed")
    changed: set[str] = set()
    if rating is not None:
        locked.rating = rating_resolve(slug=rating)
        changed.add("rating")
    if summary is not None:
        locked.summary = clean_text(Verdict, "summary", summary)
        changed.add("summary")
    if claim_summary is not None:
        locked.claim_summary = _claim_summary(claim_summary)
        changed.add("claim_summary")
    if rationale is not None:
        locked.rationale = clean_text(Verdict, "rationale", rationale)
        changed.add("rationale")
    if correction_note is not None:
        locked.correction_note = clean_text(
            Verdict, "correction_note", correction_note, required=locked.supersedes_id is not None
        )
        if locked.supersedes_id is None and locked.correction_note:
            raise ValidationError(
                "correction_note", "Only a correction of a published verdict takes a note."
            )
        changed.add("correction_note")
    if changed:
        # Whoever changes the content is one of its writers: they cannot approve it later.
        locked.content_changed_by = actor
        if actor.pk not in locked.content_editors:
            locked.content_editors = [*locked.content_editors, actor.pk]
        save_bumped(locked, changed | {"content_changed_by", "content_editors"})
    return locked


@transaction.atomic
def verdict_submit(*, actor, verdict: Verdict, expected_version: int | None = None) -> Verdict:
    """Submit a draft (or reworked rejected) verdict for approval: the claim goes in_review."""
    require_member(actor, "submit verdicts")
    locked = _locked_for(actor, verdict, expected_version)
    require_verdict_action(actor, locked, VerdictAction.SUBMIT)
    _require_state(locked, VerdictAction.SUBMIT, "submitted")
    claim = lock(Claim, locked.claim_id)
    _claim_open_for_verdicts(claim)
    if not locked.summary:
        raise ValidationError("summary", "A verdict needs a summary before it is submitted.")
    missing = verdict_submit_blocker(claim=claim)
    if missing is not None:
        raise InvalidTransition(missing, current_state=locked.status)
    locked.status = Verdict.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = actor
    locked.rejection_reason = ""
    locked.reviewed_by = None
    locked.reviewed_at = None
    save_bumped(
        locked,
        {
            "status",
            "submitted_at",
            "submitted_by",
            "rejection_reason",
            "reviewed_by",
            "reviewed_at",
        },
    )
    double_review_record_submission(verdict=locked)
    claim_status_follow(claim=claim, status=Claim.Status.IN_REVIEW)
    notify.verdict_changed(actor=actor, verdict=locked)
    return locked


def verdict_submit_blocker(*, claim: Claim) -> str | None:
    """Why a verdict on this claim cannot be submitted yet (sources come first), or None."""
    if (
        settings.VERDICT_SUBMIT_REQUIRES_EVIDENCE
        and not Evidence.objects.filter(claim=claim).exists()
    ):
        return "add at least one source as evidence before submitting a verdict"
    return None


def verdict_sources_warning(*, claim: Claim) -> str | None:
    """A warning for the approver when none of the claim's sources is fetched and archived."""
    if claim.pk in claim_ids_with_archived_sources(claim_ids=[claim.pk]):
        return None
    return SOURCES_WARNING


SOURCES_WARNING = "none of this claim's sources has been fetched and archived yet"


def verdict_approve_blocker(*, actor, verdict: Verdict) -> str | None:
    """Why this actor cannot approve this verdict now (four eyes and who adjudicates, a double
    review not yet revealed, then sources), or None."""
    reason = may_approve_verdict(actor, verdict) or double_review_approve_blocker(verdict=verdict)
    if reason is None and settings.VERDICT_APPROVE_REQUIRES_ARCHIVED_SOURCE:
        reason = verdict_sources_warning(claim=verdict.claim)
    return reason


def _review(
    actor, verdict: Verdict, expected_version: int | None, action: VerdictAction
) -> Verdict:
    require_editor(actor, f"{action} verdicts")
    locked = _locked_for(actor, verdict, expected_version)
    require_verdict_action(actor, locked, action)  # four eyes hold for approving and rejecting
    _require_state(locked, action, f"{action}ed".replace("eed", "ed"))
    if action is VerdictAction.APPROVE and settings.VERDICT_APPROVE_REQUIRES_ARCHIVED_SOURCE:
        warning = verdict_sources_warning(claim=locked.claim)
        if warning is not None:
            raise InvalidTransition(
                f"{warning} (VERDICT_APPROVE_REQUIRES_ARCHIVED_SOURCE is on)",
                current_state=locked.status,
            )
    return locked


@transaction.atomic
def verdict_approve(*, actor, verdict: Verdict, expected_version: int | None = None) -> Verdict:
    """An editor other than its author approves a submitted verdict: the claim is approved."""
    locked = _review(actor, verdict, expected_version, VerdictAction.APPROVE)
    claim = lock(Claim, locked.claim_id)
    _claim_open_for_verdicts(claim)
    double_review_check_adjudication(verdict=locked)
    locked.status = Verdict.Status.APPROVED
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    save_bumped(locked, {"status", "reviewed_by", "reviewed_at"})
    claim_status_follow(claim=claim, status=Claim.Status.APPROVED)
    notify.verdict_changed(actor=actor, verdict=locked)
    return locked


@transaction.atomic
def verdict_reject(
    *, actor, verdict: Verdict, reason: str, expected_version: int | None = None
) -> Verdict:
    """An editor sends a submitted verdict back to its author with a reason."""
    reason = clean_text(Verdict, "rejection_reason", reason, required=True, name="reason")
    locked = _review(actor, verdict, expected_version, VerdictAction.REJECT)
    claim = lock(Claim, locked.claim_id)
    locked.status = Verdict.Status.REJECTED
    locked.rejection_reason = reason
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    save_bumped(locked, {"status", "rejection_reason", "reviewed_by", "reviewed_at"})
    if claim.status in (Claim.Status.IN_REVIEW, Claim.Status.APPROVED):
        claim_status_follow(claim=claim, status=Claim.Status.IN_PROGRESS)
    notify.verdict_changed(actor=actor, verdict=locked)
    return locked


@transaction.atomic
def verdict_publish(*, actor, verdict: Verdict, expected_version: int | None = None) -> Verdict:
    """An editor publishes an approved verdict; a correction supersedes the published one."""
    require_editor(actor, "publish verdicts")
    locked = _locked_for(actor, verdict, expected_version)
    require_verdict_action(actor, locked, VerdictAction.PUBLISH)
    _require_state(locked, VerdictAction.PUBLISH, "published")
    claim = lock(Claim, locked.claim_id)
    _claim_open_for_verdicts(claim)
    current = (
        Verdict.objects.select_for_update()
        .filter(claim=claim, status=Verdict.Status.PUBLISHED)
        .first()
    )
    if current is not None and current.pk != locked.supersedes_id:
        raise InvalidTransition(
            "this claim already has a published verdict: draft a correction instead",
            current_state=claim.status,
        )
    if current is None and locked.supersedes_id is not None:
        raise InvalidTransition(
            "the verdict this one corrects is no longer the published one",
            current_state=claim.status,
        )
    now = timezone.now()
    if current is not None:
        current.status = Verdict.Status.SUPERSEDED
        save_bumped(current, {"status"})
    locked.status = Verdict.Status.PUBLISHED
    locked.published_at = now
    save_bumped(locked, {"status", "published_at"})
    claim_status_follow(claim=claim, status=Claim.Status.PUBLISHED)
    notify.verdict_changed(actor=actor, verdict=locked)
    return locked
