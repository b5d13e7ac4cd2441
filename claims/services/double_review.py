"""Blind double review: an editor names two reviewers for a claim; each submits a verdict without
seeing the other's (claims.permissions hides it) until both have; then an editor who is neither
adjudicates by approving one of them, or by drafting the final verdict that another editor
approves (four eyes as always). The first rating each reviewer submits is kept on the assignment
for the agreement figures (claims.selectors_stats)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from claims.models import Claim, ReviewAssignment, Verdict
from claims.permissions import double_review_state, is_member, require_editor
from claims.services.concurrency import check_version, lock, save_bumped
from claims.services.errors import InvalidTransition, ValidationError

# A double review starts before any verdict is in review: afterwards the first rating is known.
DOUBLE_REVIEW_STATES = frozenset({Claim.Status.OPEN, Claim.Status.IN_PROGRESS})
CLAIM_VERSION_FIELDS = ("status", "assignee", "version")


def _reviewers(usernames: Sequence[str]) -> list:
    if not isinstance(usernames, list | tuple) or len(usernames) != 2:
        raise ValidationError("reviewers", "Name exactly two reviewers, by username.")
    if not all(isinstance(name, str) and name for name in usernames):
        raise ValidationError("reviewers", "Each reviewer is a username (a non-empty string).")
    if usernames[0] == usernames[1]:
        raise ValidationError("reviewers", "The two reviewers must be two different people.")
    found = {
        user.username: user
        for user in get_user_model().objects.filter(username__in=usernames, is_active=True)
    }
    users = []
    for name in usernames:
        user = found.get(name)
        if user is None or not is_member(user):
            raise ValidationError("reviewers", f"No active reviewer or editor named {name!r}.")
        users.append(user)
    return users


@transaction.atomic
def claim_double_review_start(
    *, actor, claim: Claim, reviewers: Sequence[str], expected_version: int | None = None
) -> list[ReviewAssignment]:
    """An editor puts a claim under blind double review by two distinct reviewers."""
    require_editor(actor, "start a double review")
    users = _reviewers(reviewers)
    locked = lock(Claim, claim.pk)
    check_version(locked, expected_version, CLAIM_VERSION_FIELDS)
    if locked.status not in DOUBLE_REVIEW_STATES:
        raise InvalidTransition(
            f"a {locked.status} claim cannot start a double review: accept it first, and start "
            "before any verdict is submitted",
            current_state=locked.status,
        )
    if ReviewAssignment.objects.filter(claim=locked).exists():
        raise InvalidTransition(
            "this claim is already under double review", current_state=locked.status
        )
    if Verdict.objects.filter(claim=locked).exclude(status=Verdict.Status.DRAFT).exists():
        raise InvalidTransition(
            "a verdict on this claim was already submitted", current_state=locked.status
        )
    assignments = [
        ReviewAssignment.objects.create(claim=locked, slot=slot, reviewer=user, assigned_by=actor)
        for slot, user in enumerate(users, start=1)
    ]
    if locked.status == Claim.Status.OPEN:
        locked.status = Claim.Status.IN_PROGRESS
        save_bumped(locked, {"status"})
    return assignments


def double_review_record_submission(*, verdict: Verdict) -> None:
    """Keep the blind rating of an assigned reviewer's first submission (inside verdict_submit)."""
    assignment = (
        ReviewAssignment.objects.select_for_update()
        .filter(claim_id=verdict.claim_id, reviewer_id=verdict.author_id, submitted_at=None)
        .first()
    )
    if assignment is not None:
        assignment.verdict = verdict
        assignment.rating_id = verdict.rating_id
        assignment.submitted_at = verdict.submitted_at or timezone.now()
        assignment.save(update_fields=["verdict", "rating", "submitted_at"])


def double_review_approve_blocker(*, verdict: Verdict) -> str | None:
    """Why no verdict of this claim may be approved yet (its double review is not revealed)."""
    assigned, revealed = double_review_state(verdict.claim_id)
    if assigned and not revealed:
        return (
            "this claim is under double review: both reviewers must submit before an editor "
            "adjudicates"
        )
    return None


def double_review_check_adjudication(*, verdict: Verdict) -> None:
    """Refuse (409) to approve a verdict of a double review before both submitted; who may
    adjudicate (an editor who is neither of the two) is claims.permissions.verdict_refusal's."""
    # Lock the assignments so that the reveal and the approval cannot cross.
    list(ReviewAssignment.objects.select_for_update().filter(claim_id=verdict.claim_id))
    blocker = double_review_approve_blocker(verdict=verdict)
    if blocker is not None:
        raise InvalidTransition(blocker, current_state=verdict.status)


def double_review_assignments(*, claim: Claim) -> list[ReviewAssignment]:
    """The claim's two assignments (empty when it is not under double review)."""
    return list(ReviewAssignment.objects.filter(claim=claim).select_related("reviewer"))
