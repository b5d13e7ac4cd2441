"""The verdict workflow, four eyes, corrections, and concurrent approvals."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from claims.models import Claim, Verdict
from claims.services.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from claims.services.verdicts import (
    verdict_approve,
    verdict_create,
    verdict_publish,
    verdict_reject,
    verdict_submit,
    verdict_update,
)
from tests.factories import ClaimFactory, EditorFactory, EvidenceFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def sourced_claim(**kwargs):
    """A claim with one source attached (a verdict is not submitted without one)."""
    claim = ClaimFactory(**kwargs)
    EvidenceFactory(claim=claim)
    return claim


def _submitted(author=None, claim=None):
    author = author or ReviewerFactory()
    verdict = verdict_create(
        actor=author, claim=claim or sourced_claim(), rating="false", summary="Wrong figure."
    )
    return verdict_submit(actor=author, verdict=verdict)


def _published(claim=None):
    verdict = _submitted(claim=claim)
    editor = EditorFactory()
    verdict_approve(actor=editor, verdict=verdict)
    return verdict_publish(actor=editor, verdict=verdict)


def test_the_whole_flow_moves_the_verdict_and_the_claim():
    reviewer, editor = ReviewerFactory(), EditorFactory()
    claim = sourced_claim()
    verdict = verdict_create(actor=reviewer, claim=claim, rating="mostly-true", summary="Close.")
    claim.refresh_from_db()
    assert (verdict.status, claim.status, claim.assignee) == ("draft", "in_progress", reviewer)
    verdict = verdict_submit(actor=reviewer, verdict=verdict, expected_version=1)
    claim.refresh_from_db()
    assert (verdict.status, claim.status) == ("submitted", "in_review")
    verdict = verdict_approve(actor=editor, verdict=verdict, expected_version=2)
    claim.refresh_from_db()
    assert (verdict.status, verdict.reviewed_by, claim.status) == ("approved", editor, "approved")
    verdict = verdict_publish(actor=editor, verdict=verdict)
    claim.refresh_from_db()
    assert (verdict.status, claim.status) == ("published", "published")
    assert verdict.published_at is not None and verdict.version == 4


def test_an_unknown_rating_is_refused_by_name():
    with pytest.raises(ValidationError) as exc:
        verdict_create(actor=ReviewerFactory(), claim=ClaimFactory(), rating="pants-on-fire")
    assert exc.value.field == "rating"


def test_an_editor_cannot_approve_their_own_verdict():
    editor = EditorFactory()
    verdict = _submitted(author=editor)
    with pytest.raises(PermissionDenied):
        verdict_approve(actor=editor, verdict=verdict)


def test_a_reviewer_cannot_approve():
    with pytest.raises(PermissionDenied):
        verdict_approve(actor=ReviewerFactory(), verdict=_submitted())


def test_a_draft_is_seen_and_changed_only_by_its_author_and_editors():
    author = ReviewerFactory()
    draft = verdict_create(actor=author, claim=ClaimFactory(), rating="true", summary="Yes.")
    with pytest.raises(NotFound):
        verdict_update(actor=ReviewerFactory(), verdict=draft, summary="Mine now")
    assert (
        verdict_update(actor=EditorFactory(), verdict=draft, summary="Edited").summary == "Edited"
    )


def test_a_submitted_verdict_cannot_be_changed():
    verdict = _submitted()
    with pytest.raises(InvalidTransition):
        verdict_update(actor=verdict.author, verdict=verdict, summary="Later")


def test_a_rejected_verdict_goes_back_to_its_author_and_can_be_resubmitted():
    verdict = _submitted()
    with pytest.raises(ValidationError) as exc:
        verdict_reject(actor=EditorFactory(), verdict=verdict, reason=" ")
    assert exc.value.field == "reason"
    verdict = verdict_reject(actor=EditorFactory(), verdict=verdict, reason="Source?")
    verdict.claim.refresh_from_db()
    assert (verdict.status, verdict.claim.status) == ("rejected", "in_progress")
    verdict = verdict_update(actor=verdict.author, verdict=verdict, rationale="Added source.")
    assert verdict_submit(actor=verdict.author, verdict=verdict).status == "submitted"


def test_publishing_needs_approval_first():
    with pytest.raises(InvalidTransition):
        verdict_publish(actor=EditorFactory(), verdict=_submitted())


def test_a_correction_supersedes_the_published_verdict_and_both_stay():
    first = _published()
    with pytest.raises(ValidationError) as exc:
        verdict_create(actor=ReviewerFactory(), claim=first.claim, rating="half-true")
    assert exc.value.field == "correction_note"
    correction = verdict_create(
        actor=ReviewerFactory(),
        claim=first.claim,
        rating="half-true",
        summary="Partly.",
        correction_note="The office revised its figure.",
    )
    assert correction.supersedes == first
    verdict_submit(actor=correction.author, verdict=correction)
    editor = EditorFactory()
    verdict_approve(actor=editor, verdict=correction)
    verdict_publish(actor=editor, verdict=correction)
    first.refresh_from_db()
    assert first.status == Verdict.Status.SUPERSEDED
    assert Verdict.objects.get(claim=first.claim, status="published") == correction


def test_no_verdicts_on_a_dismissed_claim():
    with pytest.raises(InvalidTransition):
        verdict_create(
            actor=ReviewerFactory(),
            claim=ClaimFactory(status="dismissed", dismissal_reason="duplicate"),
            rating="true",
        )


def test_a_stale_approval_is_refused():
    verdict = _submitted()
    with pytest.raises(StaleVersion) as exc:
        verdict_approve(actor=EditorFactory(), verdict=verdict, expected_version=1)
    assert exc.value.current_version == 2


@pytest.mark.django_db(transaction=True)
def test_two_editors_approving_at_once_exactly_one_succeeds():
    for _ in range(5):
        verdict = _submitted()
        editors = [EditorFactory(), EditorFactory()]
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def approve(editor, verdict=verdict, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                verdict_approve(actor=editor, verdict=verdict, expected_version=verdict.version)
                outcomes.append("ok")
            except StaleVersion:
                outcomes.append("stale")
            finally:
                connection.close()

        threads = [threading.Thread(target=approve, args=(e,)) for e in editors]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["ok", "stale"]
        verdict.refresh_from_db()
        assert (verdict.status, verdict.version) == ("approved", 3)
        assert Claim.objects.get(pk=verdict.claim_id).status == "approved"
