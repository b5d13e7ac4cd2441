"""Blind double review: an editor names two reviewers for a claim; each submits a verdict without
seeing the other's (claims.permissions hides it) until both have; then an editor who is neither
adjudicates by approving one of them, or by drafting the final verdict that another editor
approves (four eyes as always). The first rating each reviewer submits is kept on the assignment
for the agreement figures (claims.selectors_stats)."""

from __future__ import annotations

import heapq
import logging
from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from claims.models import Article, Claim, DoubleReviewDefault, ReviewAssignment, Verdict
from claims.permissions import (
    auto_reviewers,
    double_review_state,
    is_member,
    require_double_review_defaults,
    require_editor,
)
from claims.selectors_stats import open_assignments
from claims.services.concurrency import check_version, lock, save_bumped
from claims.services.errors import InvalidTransition, ValidationError

# A double review starts before any verdict is in review: afterwards the first rating is known.
DOUBLE_REVIEW_STATES = frozenset({Claim.Status.OPEN, Claim.Status.IN_PROGRESS})
CLAIM_VERSION_FIELDS = ("status", "assignee", "version")

log = logging.getLogger(__name__)


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


# --- default double review: for an article, or for the whole desk ----------------------------------


def double_review_default_for(*, article: Article | None) -> DoubleReviewDefault | None:
    """The row that governs an article's claims (its own, else the desk's), or, with article
    None, the desk's row; None when there is none (double review is then off)."""
    rows = DoubleReviewDefault.objects.select_related("first_reviewer", "second_reviewer")
    if article is not None:
        own = rows.filter(article=article).first()
        if own is not None:
            return own
    return rows.filter(scope=DoubleReviewDefault.Scope.DESK).first()


def double_review_default_check(*, enabled, choice: str, reviewers: Sequence[str] | None) -> tuple:
    """Validate a default's settings (ValidationError naming the field): the two named users, or
    (None, None) when they are chosen automatically."""
    if not isinstance(enabled, bool):
        raise ValidationError("enabled", "Say true or false.")
    if choice not in DoubleReviewDefault.Choice.values:
        raise ValidationError(
            "choice",
            f"{choice!r} is not a choice: one of {', '.join(DoubleReviewDefault.Choice.values)}.",
        )
    if choice == DoubleReviewDefault.Choice.NAMED:
        first, second = _reviewers(reviewers or [])
        return first, second
    if reviewers:
        only_named = "Name reviewers only with the choice 'named'; 'least_loaded' picks them."
        raise ValidationError("reviewers", only_named)
    if enabled and auto_reviewers(get_user_model().objects.all()).distinct().count() < 2:
        raise ValidationError(
            "choice", "Choosing automatically needs at least two active reviewers (not editors)."
        )
    return None, None


@transaction.atomic
def double_review_default_set(
    *,
    actor,
    article: Article | None,
    enabled: bool,
    choice: str = DoubleReviewDefault.Choice.LEAST_LOADED,
    reviewers: Sequence[str] | None = None,
) -> tuple[DoubleReviewDefault, int]:
    """An editor sets the default double review of an article (article given) or of the whole
    desk (article None). With ``enabled``, the open claims it governs that have no double review
    and no submitted verdict get one at once; later claims get one when they are accepted or
    added. Returns the row and how many claims were put under double review now."""
    require_double_review_defaults(actor)
    first, second = double_review_default_check(enabled=enabled, choice=choice, reviewers=reviewers)
    scope = DoubleReviewDefault.Scope.DESK if article is None else DoubleReviewDefault.Scope.ARTICLE
    # The desk's row is the lock every application of the defaults takes (see below).
    desk = _desk_row_locked(actor)
    if article is None:
        row = desk
    else:
        row, _ = DoubleReviewDefault.objects.select_for_update().get_or_create(
            article=article, defaults={"scope": scope, "updated_by": actor}
        )
    row.enabled, row.choice = enabled, choice
    row.first_reviewer, row.second_reviewer = first, second
    row.updated_by = actor
    row.save()
    applied = _apply(_eligible_claims(article=article)) if enabled else 0
    return row, applied


@transaction.atomic
def double_review_default_clear(*, actor, article: Article) -> None:
    """An editor removes an article's own setting: the desk's applies to it again (from now on;
    claims already put under double review keep their reviewers)."""
    require_double_review_defaults(actor)
    _desk_row_locked(actor)
    DoubleReviewDefault.objects.filter(article=article).delete()
    _apply(_eligible_claims(article=article))


def double_review_defaults_apply(*, claim_ids: Iterable[int]) -> int:
    """Put the given claims under double review where their article's or the desk's default says
    so (called by claim_accept and claim_create, inside their transaction). Returns how many."""
    claim_ids = list(claim_ids)
    if not claim_ids or not DoubleReviewDefault.objects.filter(enabled=True).exists():
        return 0
    with transaction.atomic():
        _desk_row_locked(None)
        return _apply(_eligible_claims(article=None).filter(pk__in=claim_ids))


def _desk_row_locked(actor) -> DoubleReviewDefault | None:
    """Lock the desk's row, so two applications of the defaults (or one and a change of them) run
    one after the other; with an actor, create the row (off) when there is none."""
    rows = DoubleReviewDefault.objects.select_for_update()
    if actor is None:
        return rows.filter(scope=DoubleReviewDefault.Scope.DESK).first()
    row, _ = rows.get_or_create(
        scope=DoubleReviewDefault.Scope.DESK, defaults={"updated_by": actor}
    )
    return row


def _eligible_claims(*, article: Article | None):
    """Open or in-progress claims with no double review and no submitted verdict."""
    claims = Claim.objects.filter(status__in=DOUBLE_REVIEW_STATES).filter(
        ~Exists(ReviewAssignment.objects.filter(claim_id=OuterRef("pk"))),
        ~Exists(
            Verdict.objects.filter(claim_id=OuterRef("pk")).exclude(status=Verdict.Status.DRAFT)
        ),
    )
    return claims if article is None else claims.filter(article=article)


def _apply(claims) -> int:
    """Assign two reviewers to each of ``claims`` that its governing default (enabled) covers:
    a fixed number of queries whatever the number of claims. The caller holds the desk row's
    lock; the claims are locked here, then checked again, so a double review started by hand at
    the same moment is not doubled."""
    desk = DoubleReviewDefault.objects.filter(scope=DoubleReviewDefault.Scope.DESK).first()
    locked = list(
        claims.select_for_update(of=("self",)).order_by("pk").values_list("pk", "article_id")
    )
    if not locked:
        return 0
    ids = [pk for pk, _ in locked]
    still = set(_eligible_claims(article=None).filter(pk__in=ids).values_list("pk", flat=True))
    own = {
        row.article_id: row
        for row in DoubleReviewDefault.objects.filter(
            article_id__in={article_id for _, article_id in locked}
        )
    }
    plan: list[tuple[int, DoubleReviewDefault]] = []
    for pk, article_id in locked:
        row = own.get(article_id, desk)
        if pk in still and row is not None and row.enabled:
            plan.append((pk, row))
    if not plan:
        return 0
    users = get_user_model().objects.all()
    named_ids = {r.first_reviewer_id for _, r in plan} | {r.second_reviewer_id for _, r in plan}
    # A named reviewer who left (inactive, or no longer a member) is not assigned.
    usable = {u.pk for u in users.filter(pk__in=named_ids - {None}, is_active=True) if is_member(u)}
    heap: list[tuple[int, str, int]] = []
    if any(r.choice == DoubleReviewDefault.Choice.LEAST_LOADED for _, r in plan):
        heap = [
            (load, name, pk)
            for pk, name, load in auto_reviewers(users)
            .distinct()
            .annotate(load=open_assignments())
            .values_list("pk", "username", "load")
        ]
        heapq.heapify(heap)
    assignments, skipped = [], 0
    for claim_id, row in plan:
        if row.choice == DoubleReviewDefault.Choice.NAMED:
            pair = [row.first_reviewer_id, row.second_reviewer_id]
            if not set(pair) <= usable:
                skipped += 1
                continue
        else:
            if len(heap) < 2:
                skipped += 1
                continue
            picked = [heapq.heappop(heap), heapq.heappop(heap)]
            pair = [pk for _, _, pk in picked]
            for load, name, pk in picked:
                heapq.heappush(heap, (load + 1, name, pk))
        assignments += [
            ReviewAssignment(
                claim_id=claim_id, slot=slot, reviewer_id=reviewer, assigned_by_id=row.updated_by_id
            )
            for slot, reviewer in enumerate(pair, start=1)
        ]
    if skipped:
        log.warning(
            "default double review: %d claim(s) left without one (a named reviewer is no longer "
            "an active member, or fewer than two reviewers are active)",
            skipped,
        )
    ReviewAssignment.objects.bulk_create(assignments)
    started = {a.claim_id for a in assignments}
    Claim.objects.filter(pk__in=started, status=Claim.Status.OPEN).update(
        status=Claim.Status.IN_PROGRESS, version=F("version") + 1, updated_at=timezone.now()
    )
    return len(started)
