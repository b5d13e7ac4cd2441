"""Blind double review: starting it, blindness until both submitted, adjudication."""

from __future__ import annotations

import pytest

from claims.models import Claim, Notification, ReviewAssignment, Verdict
from claims.permissions import can_see_verdict, visible_verdicts
from claims.selectors_audit import claim_history_for
from claims.services.double_review import claim_double_review_start
from claims.services.errors import InvalidTransition, PermissionDenied, ValidationError
from claims.services.verdicts import (
    verdict_approve,
    verdict_create,
    verdict_publish,
    verdict_reject,
    verdict_submit,
    verdict_update,
)
from tests.factories import (
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    SourcedClaimFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    a, b, editor, other_editor = (
        ReviewerFactory(),
        ReviewerFactory(),
        EditorFactory(),
        EditorFactory(),
    )
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    claim_double_review_start(actor=editor, claim=claim, reviewers=[a.username, b.username])
    return a, b, editor, other_editor, claim


def _visible_ids(user, claim):
    return set(visible_verdicts(user, claim.verdicts.all()).values_list("pk", flat=True))


def test_an_editor_starts_a_double_review_of_two_distinct_reviewers(desk):
    a, b, _, _, claim = desk
    rows = list(ReviewAssignment.objects.filter(claim=claim).values_list("slot", "reviewer"))
    assert rows == [(1, a.pk), (2, b.pk)]
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_PROGRESS


@pytest.mark.parametrize(
    "names, message",
    [
        (["x"], "exactly two"),
        (["same", "same"], "two different"),
        (["ghost", "also-ghost"], "No active reviewer"),
        ("ab", "exactly two"),
        ([1, 2], "username"),
    ],
)
def test_bad_reviewer_lists_are_refused_on_the_reviewers_field(names, message):
    ReviewerFactory(username="same")
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    with pytest.raises(ValidationError) as caught:
        claim_double_review_start(actor=EditorFactory(), claim=claim, reviewers=names)
    assert caught.value.field == "reviewers" and message in caught.value.message
    assert not ReviewAssignment.objects.exists()


def test_an_account_without_a_role_cannot_be_a_reviewer():
    r, norole = ReviewerFactory(), UserFactory()
    with pytest.raises(ValidationError):
        claim_double_review_start(
            actor=EditorFactory(),
            claim=SourcedClaimFactory(status=Claim.Status.OPEN),
            reviewers=[r.username, norole.username],
        )


def test_only_editors_start_one_and_only_once_before_any_submission(desk):
    a, b, editor, _, claim = desk
    with pytest.raises(PermissionDenied):
        claim_double_review_start(
            actor=a, claim=SourcedClaimFactory(status="open"), reviewers=[a.username, b.username]
        )
    with pytest.raises(InvalidTransition):
        claim_double_review_start(actor=editor, claim=claim, reviewers=[a.username, b.username])
    suggested = ClaimFactory(status=Claim.Status.SUGGESTED)
    with pytest.raises(InvalidTransition):
        claim_double_review_start(actor=editor, claim=suggested, reviewers=[a.username, b.username])


def test_each_reviewer_is_blind_to_the_other_until_both_submitted(desk):
    a, b, editor, _, claim = desk
    other_reviewer = ReviewerFactory()
    va = verdict_create(actor=a, claim=claim, rating="false", summary="A says false.")
    verdict_submit(actor=a, verdict=va)
    va.refresh_from_db()
    assert not can_see_verdict(b, va) and va.pk not in _visible_ids(b, claim)
    assert not can_see_verdict(other_reviewer, va)
    assert can_see_verdict(a, va) and can_see_verdict(editor, va)
    assert all(
        e.object_id != va.pk for e in claim_history_for(user=b, claim=claim) if e.model == "verdict"
    )
    vb = verdict_create(actor=b, claim=claim, rating="true", summary="B says true.")
    assert not can_see_verdict(a, vb)
    verdict_submit(actor=b, verdict=vb)
    vb.refresh_from_db()
    assert _visible_ids(a, claim) == _visible_ids(b, claim) == {va.pk, vb.pk}
    assert can_see_verdict(a, vb) and can_see_verdict(b, va)
    ratings = dict(ReviewAssignment.objects.values_list("reviewer", "rating__slug"))
    assert ratings == {a.pk: "false", b.pk: "true"}


def test_an_editor_assigned_as_reviewer_is_as_blind_and_cannot_adjudicate():
    a, editor_b, adjudicator = ReviewerFactory(), EditorFactory(), EditorFactory()
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    claim_double_review_start(
        actor=adjudicator, claim=claim, reviewers=[a.username, editor_b.username]
    )
    va = verdict_create(actor=a, claim=claim, rating="false", summary="A.")
    assert not can_see_verdict(editor_b, va) and _visible_ids(editor_b, claim) == set()
    verdict_submit(actor=a, verdict=va)
    vb = verdict_create(actor=editor_b, claim=claim, rating="false", summary="B.")
    verdict_submit(actor=editor_b, verdict=vb)
    with pytest.raises(PermissionDenied):
        verdict_approve(actor=editor_b, verdict=va)
    verdict_approve(actor=adjudicator, verdict=va)


def test_an_editor_assigned_as_reviewer_is_not_notified_of_the_other_submission():
    """The submission notice carries the verdict's rating: a blind reviewer who is an editor must
    not receive it (and could not adjudicate anyway)."""
    a, editor_b, adjudicator = ReviewerFactory(), EditorFactory(), EditorFactory()
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    claim_double_review_start(
        actor=adjudicator, claim=claim, reviewers=[a.username, editor_b.username]
    )
    verdict_submit(
        actor=a, verdict=verdict_create(actor=a, claim=claim, rating="false", summary="A.")
    )
    told = set(
        Notification.objects.filter(event__type="verdict.submitted").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {adjudicator.username}


def test_adjudication_waits_for_both_then_approves_one_with_four_eyes(desk):
    a, b, editor, _other_editor, claim = desk
    va = verdict_create(actor=a, claim=claim, rating="false", summary="A.")
    verdict_submit(actor=a, verdict=va)
    with pytest.raises(InvalidTransition):
        verdict_approve(actor=editor, verdict=va)
    vb = verdict_create(actor=b, claim=claim, rating="mostly-false", summary="B.")
    verdict_submit(actor=b, verdict=vb)
    verdict_approve(actor=editor, verdict=vb)
    verdict_publish(actor=editor, verdict=vb)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PUBLISHED
    assert Verdict.objects.get(pk=vb.pk).reviewed_by == editor


def test_an_editor_may_write_the_final_verdict_which_another_editor_approves(desk):
    a, b, editor, other_editor, claim = desk
    for reviewer, rating in ((a, "false"), (b, "true")):
        verdict_submit(
            actor=reviewer,
            verdict=verdict_create(actor=reviewer, claim=claim, rating=rating, summary="x"),
        )
    final = verdict_create(
        actor=editor, claim=claim, rating="mostly-false", summary="Both considered."
    )
    verdict_submit(actor=editor, verdict=final)
    with pytest.raises(PermissionDenied):
        verdict_approve(actor=editor, verdict=final)
    verdict_approve(actor=other_editor, verdict=final)


def test_the_blind_rating_is_the_first_submission_not_later_rework(desk):
    a, b, editor, _, claim = desk
    va = verdict_create(actor=a, claim=claim, rating="false", summary="A.")
    verdict_submit(actor=a, verdict=va)
    vb = verdict_create(actor=b, claim=claim, rating="true", summary="B.")
    verdict_submit(actor=b, verdict=vb)
    verdict_reject(actor=editor, verdict=vb, reason="Look again.")
    verdict_update(actor=b, verdict=vb, rating="false")
    verdict_submit(actor=b, verdict=vb)
    assert ReviewAssignment.objects.get(reviewer=b).rating.slug == "true"
