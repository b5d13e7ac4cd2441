"""Four eyes beyond the author: nobody approves (or rejects) a verdict whose content they wrote or
changed, or that they submitted, and the database refuses such rows whatever code writes them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from claims.models import Verdict
from claims.services.claims import claim_update
from claims.services.errors import InvalidTransition, PermissionDenied
from claims.services.evidence import evidence_add
from claims.services.verdicts import (
    verdict_approve,
    verdict_create,
    verdict_publish,
    verdict_reject,
    verdict_submit,
    verdict_update,
)
from tests.factories import ClaimFactory, EditorFactory, ReviewerFactory, SourcedClaimFactory

pytestmark = pytest.mark.django_db


def _draft(author=None, claim=None, **kwargs):
    return verdict_create(
        actor=author or ReviewerFactory(),
        claim=claim or SourcedClaimFactory(),
        rating="false",
        summary="Wrong.",
        **kwargs,
    )


def test_an_editor_who_changed_a_draft_cannot_approve_it():
    reviewer, editor = ReviewerFactory(), EditorFactory()
    draft = verdict_update(actor=editor, verdict=_draft(reviewer), summary="Wrong, I say.")
    assert (draft.content_changed_by, draft.content_editors) == (editor, [reviewer.pk, editor.pk])
    submitted = verdict_submit(actor=reviewer, verdict=draft)
    with pytest.raises(PermissionDenied, match="changed this verdict"):
        verdict_approve(actor=editor, verdict=submitted)
    with pytest.raises(PermissionDenied):
        verdict_reject(actor=editor, verdict=submitted, reason="No.")
    assert verdict_approve(actor=EditorFactory(), verdict=submitted).status == "approved"


def test_a_later_change_by_the_author_does_not_clear_the_editors_part():
    reviewer, editor = ReviewerFactory(), EditorFactory()
    draft = verdict_update(actor=editor, verdict=_draft(reviewer), rating="half-true")
    draft = verdict_update(actor=reviewer, verdict=draft, summary="Half of it.")
    assert draft.content_changed_by == reviewer
    submitted = verdict_submit(actor=reviewer, verdict=draft)
    with pytest.raises(PermissionDenied):
        verdict_approve(actor=editor, verdict=submitted)


def test_an_editor_who_submitted_a_draft_cannot_approve_it():
    reviewer, editor = ReviewerFactory(), EditorFactory()
    submitted = verdict_submit(actor=editor, verdict=_draft(reviewer))
    assert submitted.submitted_by == editor
    with pytest.raises(PermissionDenied, match="submitted this verdict"):
        verdict_approve(actor=editor, verdict=submitted)


def test_the_one_editor_flow_of_the_issue_is_refused():
    # PATCH a reviewer's draft, submit it, approve it, publish it: approval fails, so publish does.
    reviewer, editor = ReviewerFactory(), EditorFactory()
    draft = verdict_update(actor=editor, verdict=_draft(reviewer), summary="Mine now.")
    submitted = verdict_submit(actor=editor, verdict=draft)
    with pytest.raises(PermissionDenied):
        verdict_approve(actor=editor, verdict=submitted)
    with pytest.raises(InvalidTransition):
        verdict_publish(actor=editor, verdict=submitted)
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.reviewed_by is None


def test_a_correction_follows_the_same_rule():
    reviewer, first_editor, second_editor = ReviewerFactory(), EditorFactory(), EditorFactory()
    claim = SourcedClaimFactory()
    published = verdict_submit(actor=reviewer, verdict=_draft(reviewer, claim))
    verdict_approve(actor=first_editor, verdict=published)
    verdict_publish(actor=first_editor, verdict=published)
    correction = _draft(reviewer, claim, correction_note="New figures.")
    correction = verdict_update(actor=second_editor, verdict=correction, summary="Corrected.")
    correction = verdict_submit(actor=reviewer, verdict=correction)
    with pytest.raises(PermissionDenied):
        verdict_approve(actor=second_editor, verdict=correction)
    assert verdict_approve(actor=first_editor, verdict=correction).status == "approved"


@pytest.mark.parametrize("who", ["submitted_by", "content_changed_by", "listed_editor", "author"])
def test_the_database_refuses_a_reviewer_who_wrote_changed_or_submitted_it(who):
    reviewer, editor = ReviewerFactory(), EditorFactory()
    draft = verdict_update(actor=editor, verdict=_draft(reviewer), summary="Edited.")
    draft = verdict_update(actor=reviewer, verdict=draft, summary="Edited back.")
    submitted = verdict_submit(actor=EditorFactory(), verdict=draft)
    reviewer_id = {
        "submitted_by": submitted.submitted_by_id,
        "content_changed_by": submitted.content_changed_by_id,
        "listed_editor": editor.pk,  # changed it once, no longer the last changer
        "author": reviewer.pk,
    }[who]
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.filter(pk=submitted.pk).update(status="approved", reviewed_by=reviewer_id)
    ok = EditorFactory()
    Verdict.objects.filter(pk=submitted.pk).update(status="approved", reviewed_by=ok)


def test_the_database_keeps_every_content_editor():
    reviewer, editor = ReviewerFactory(), EditorFactory()
    draft = verdict_update(actor=editor, verdict=_draft(reviewer), summary="Edited.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.filter(pk=draft.pk).update(content_editors=[editor.pk])
    # A raw change of the last changer lands in the list too.
    third = EditorFactory()
    Verdict.objects.filter(pk=draft.pk).update(content_changed_by=third)
    assert third.pk in Verdict.objects.get(pk=draft.pk).content_editors


# --- Approval freezes ------------------------------------------------------------------------


def test_a_claim_under_review_cannot_change_and_takes_no_evidence_until_rejected():
    reviewer, editor = ReviewerFactory(), EditorFactory()
    claim = SourcedClaimFactory()
    submitted = verdict_submit(actor=reviewer, verdict=_draft(reviewer, claim))
    for change in (
        {"statement": "Another claim"},
        {"claimant": "Someone else"},
        {"claim_type": "event"},
        {"start": 1},
    ):
        with pytest.raises(InvalidTransition, match="reject it first"):
            claim_update(actor=editor, claim=claim, **change)
    with pytest.raises(InvalidTransition, match="reject it first"):
        evidence_add(actor=reviewer, claim=claim, url="https://news.test/late", stance="refutes")
    approved = verdict_approve(actor=editor, verdict=submitted)
    with pytest.raises(InvalidTransition):
        claim_update(actor=editor, claim=claim, statement="Still frozen")
    assert approved.status == "approved"


def test_after_a_rejection_the_claim_can_change_again():
    reviewer, editor = ReviewerFactory(), EditorFactory()
    claim = SourcedClaimFactory()
    submitted = verdict_submit(actor=reviewer, verdict=_draft(reviewer, claim))
    verdict_reject(actor=editor, verdict=submitted, reason="Reword the claim.")
    assert claim_update(actor=reviewer, claim=claim, statement="Reworded").statement == "Reworded"


# --- Sources before verdicts ------------------------------------------------------------------


def test_a_verdict_is_not_submitted_while_its_claim_has_no_evidence(settings):
    reviewer = ReviewerFactory()
    draft = _draft(reviewer, ClaimFactory())
    with pytest.raises(InvalidTransition, match="at least one source"):
        verdict_submit(actor=reviewer, verdict=draft)
    settings.VERDICT_SUBMIT_REQUIRES_EVIDENCE = False
    assert verdict_submit(actor=reviewer, verdict=draft).status == "submitted"


def test_the_archived_source_rule_is_a_warning_unless_turned_on(settings):
    from claims.services.verdicts import verdict_approve_blocker, verdict_sources_warning

    reviewer, editor = ReviewerFactory(), EditorFactory()
    claim = SourcedClaimFactory()  # its source is still pending: nothing archived
    submitted = verdict_submit(actor=reviewer, verdict=_draft(reviewer, claim))
    assert "fetched and archived" in verdict_sources_warning(claim=claim)
    assert verdict_approve_blocker(actor=editor, verdict=submitted) is None
    settings.VERDICT_APPROVE_REQUIRES_ARCHIVED_SOURCE = True
    assert "archived" in verdict_approve_blocker(actor=editor, verdict=submitted)
    with pytest.raises(InvalidTransition, match="archived"):
        verdict_approve(actor=editor, verdict=submitted)
