"""The claim workflow: creating, editing, accepting, assigning and dismissing claims."""

from __future__ import annotations

import pytest

from claims.models import Claim
from claims.services.claims import (
    claim_accept,
    claim_assign,
    claim_create,
    claim_dismiss,
    claim_update,
)
from claims.services.errors import (
    InvalidTransition,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_reviewer_creates_an_open_manual_claim_from_a_span():
    article = ArticleFactory()
    claim = claim_create(actor=ReviewerFactory(), article=article, start=4, end=16)
    assert claim.status == Claim.Status.OPEN
    assert claim.origin == Claim.Origin.MANUAL
    assert claim.quote == article.body[4:16]
    assert claim.suffix == article.body[16:48]
    assert claim.version == 1


def test_a_given_quote_must_match_the_body():
    article = ArticleFactory()
    with pytest.raises(ValidationError) as exc:
        claim_create(actor=ReviewerFactory(), article=article, start=4, end=16, quote="nope")
    assert exc.value.field == "quote"
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(5, 5, "end"), (9, 3, "end"), (-1, 3, "start"), (0, 10_000, "end"), ("a", 3, "start")],
)
def test_a_span_outside_the_body_or_reversed_is_refused(start, end, field):
    with pytest.raises(ValidationError) as exc:
        claim_create(actor=ReviewerFactory(), article=ArticleFactory(), start=start, end=end)
    assert exc.value.field == field


def test_someone_without_a_role_cannot_create_claims():
    with pytest.raises(PermissionDenied):
        claim_create(actor=UserFactory(), article=ArticleFactory(), start=0, end=3)


def test_a_span_edit_is_rechecked_against_the_body_and_bumps_the_version():
    claim = ClaimFactory()
    edited = claim_update(actor=ReviewerFactory(), claim=claim, expected_version=1, start=4, end=8)
    assert edited.quote == claim.article.body[4:8]
    assert edited.version == 2
    with pytest.raises(ValidationError):
        claim_update(actor=ReviewerFactory(), claim=claim, end=100_000)


def test_an_edit_from_a_stale_version_is_refused_with_the_current_values():
    claim = ClaimFactory()
    claim_update(actor=ReviewerFactory(), claim=claim, statement="first")
    with pytest.raises(StaleVersion) as exc:
        claim_update(actor=ReviewerFactory(), claim=claim, expected_version=1, statement="second")
    assert exc.value.current_version == 2
    assert exc.value.current["statement"] == "first"
    claim.refresh_from_db()
    assert claim.statement == "first"


def test_a_suggested_claim_is_accepted_once():
    claim = ClaimFactory(status=Claim.Status.SUGGESTED, origin=Claim.Origin.SUGGESTED)
    assert claim_accept(actor=ReviewerFactory(), claim=claim).status == Claim.Status.OPEN
    with pytest.raises(InvalidTransition):
        claim_accept(actor=ReviewerFactory(), claim=claim)


def test_only_editors_assign_and_assigning_moves_the_claim_in_progress():
    claim, reviewer = ClaimFactory(), ReviewerFactory()
    with pytest.raises(PermissionDenied):
        claim_assign(actor=reviewer, claim=claim, assignee=reviewer)
    assigned = claim_assign(actor=EditorFactory(), claim=claim, assignee=reviewer)
    assert (assigned.status, assigned.assignee) == (Claim.Status.IN_PROGRESS, reviewer)
    unassigned = claim_assign(actor=EditorFactory(), claim=claim, assignee=None)
    assert (unassigned.status, unassigned.assignee) == (Claim.Status.OPEN, None)


def test_a_reviewer_turns_down_a_suggestion_but_not_an_accepted_claim():
    suggestion = ClaimFactory(origin="suggested", status="suggested")
    dismissed = claim_dismiss(actor=ReviewerFactory(), claim=suggestion, reason="not_checkable")
    assert (dismissed.status, dismissed.dismissal_reason) == ("dismissed", "not_checkable")
    accepted = ClaimFactory(status="open")
    with pytest.raises(PermissionDenied):
        claim_dismiss(actor=ReviewerFactory(), claim=accepted, reason="duplicate")
    accepted.refresh_from_db()
    assert accepted.status == "open"
    with pytest.raises(PermissionDenied):
        claim_dismiss(
            actor=UserFactory(), claim=ClaimFactory(status="suggested"), reason="duplicate"
        )


def test_a_claim_is_assigned_only_to_a_newsroom_member():
    with pytest.raises(ValidationError) as exc:
        claim_assign(actor=EditorFactory(), claim=ClaimFactory(), assignee=UserFactory())
    assert exc.value.field == "assignee"


def test_an_editor_dismisses_with_a_reason_but_never_a_published_claim():
    claim = ClaimFactory()
    with pytest.raises(PermissionDenied):
        claim_dismiss(actor=ReviewerFactory(), claim=claim, reason="duplicate")
    with pytest.raises(ValidationError) as exc:
        claim_dismiss(actor=EditorFactory(), claim=claim, reason="boring")
    assert exc.value.field == "reason"
    dismissed = claim_dismiss(actor=EditorFactory(), claim=claim, reason="duplicate", note="#3")
    assert (dismissed.status, dismissed.dismissal_reason) == ("dismissed", "duplicate")
    with pytest.raises(InvalidTransition):
        claim_dismiss(
            actor=EditorFactory(), claim=ClaimFactory(status="published"), reason="duplicate"
        )


def test_a_dismissed_claim_cannot_be_edited():
    claim = claim_dismiss(actor=EditorFactory(), claim=ClaimFactory(), reason="out_of_scope")
    with pytest.raises(InvalidTransition):
        claim_update(actor=ReviewerFactory(), claim=claim, statement="x")
