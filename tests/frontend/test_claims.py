"""The claim page: edit with conflicts, assign, evidence with live fetch state, verdicts, comments."""

from __future__ import annotations

import pytest

from claims.models import Claim, Comment, Evidence, Source, Verdict
from tests.factories import (
    CommentFactory,
    EvidenceFactory,
    SourceFactory,
    VerdictFactory,
)
from tests.frontend.conftest import HTMX


def test_the_claim_page_shows_quote_type_and_assignee(reviewer_client, claim, reviewer):
    Claim.objects.filter(pk=claim.pk).update(assignee=reviewer, claimant="The council")
    html = reviewer_client.get(f"/claims/{claim.pk}/").content.decode()
    assert claim.quote in html and "Quantity" in html and reviewer.username in html
    assert 'value="The council"' in html
    # Assigning is an editor's job.
    assert f'action="/claims/{claim.pk}/assign/"' not in html


def test_an_editor_assigns_a_claim(editor_client, claim, reviewer):
    html = editor_client.get(f"/claims/{claim.pk}/").content.decode()
    assert f'action="/claims/{claim.pk}/assign/"' in html
    editor_client.post(
        f"/claims/{claim.pk}/assign/", {"assignee": reviewer.pk, "version": claim.version}
    )
    claim.refresh_from_db()
    assert claim.assignee == reviewer and claim.status == "in_progress"


def test_saving_the_claim(reviewer_client, claim):
    response = reviewer_client.post(
        f"/claims/{claim.pk}/edit/",
        {
            "statement": "Budget is 4.2m",
            "claimant": "Council",
            "claim_type": "quantity",
            "claimant_kind": "organization",
            "version": claim.version,
        },
        **HTMX,
    )
    assert response.status_code == 200 and b"Saved." in response.content
    assert b"<html" not in response.content
    claim.refresh_from_db()
    assert claim.statement == "Budget is 4.2m" and claim.version == 2


def test_a_stale_save_is_refused_showing_what_changed_and_keeping_the_text(reviewer_client, claim):
    loaded = claim.version
    Claim.objects.filter(pk=claim.pk).update(statement="Someone else's words", version=loaded + 1)
    response = reviewer_client.post(
        f"/claims/{claim.pk}/edit/",
        {
            "statement": "My careful <wording>",
            "claimant": "",
            "claim_type": "quantity",
            "claimant_kind": "",
            "version": loaded,
            # what the form showed when it was loaded
            "orig_statement": claim.statement,
            "orig_claim_type": "quantity",
            "orig_status": claim.status,
        },
        **HTMX,
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "someone else changed this claim" in html
    assert "<li>Statement is now: “Someone else&#x27;s words”</li>" in html  # what changed
    assert "Type is now" not in html and "Status is now" not in html  # and only that
    assert "My careful &lt;wording&gt;</textarea>" in html  # what the user typed, kept
    assert f'name="version" value="{loaded + 1}"' in html  # saving again overwrites knowingly
    claim.refresh_from_db()
    assert claim.statement == "Someone else's words"


def test_adding_evidence_and_watching_its_fetch_state(reviewer_client, claim):
    response = reviewer_client.post(
        f"/claims/{claim.pk}/evidence/add/",
        {"url": "https://news.test/budget", "stance": "supports", "quoted_passage": "4.2 million"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="evidence-box"' in html and "<html" not in html
    assert 'hx-trigger="every 1s"' in html and "Pending" in html
    source = Source.objects.get(evidence__claim=claim)
    Source.objects.filter(pk=source.pk).update(
        fetch_status="fetched", title="Council <b>minutes</b>", publisher="News Test"
    )
    Evidence.objects.filter(source=source).update(quote_found=True)
    html = reviewer_client.get(f"/claims/{claim.pk}/evidence/", **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="evidence-list"')  # the list alone: forms untouched
    assert 'hx-trigger="every 1s"' not in html  # settled: polling stops
    assert "Council &lt;b&gt;minutes&lt;/b&gt;" in html
    assert "Quote found in the source" in html
    assert f"/sources/{source.pk}/snapshot/" in html


def test_bad_evidence_is_explained_and_the_form_kept(reviewer_client, claim):
    response = reviewer_client.post(
        f"/claims/{claim.pk}/evidence/add/",
        {"url": "not a url", "stance": "supports", "quoted_passage": "kept text"},
        **HTMX,
    )
    assert response.status_code == 400
    assert b"kept text</textarea>" in response.content


def test_a_failed_fetch_shows_its_error(reviewer_client, claim):
    source = SourceFactory(fetch_status="failed", error_code="dns", error_message="No such host")
    EvidenceFactory(claim=claim, source=source)
    html = reviewer_client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Fetch failed: No such host" in html


def test_the_verdict_workflow_through_the_claim_page(reviewer_client, editor_client, claim):
    EvidenceFactory(claim=claim)
    reviewer_client.post(
        f"/claims/{claim.pk}/verdict/",
        {"rating": "mostly-true", "summary": "Roughly right.", "rationale": "Minutes say 4.1m."},
    )
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.status == "draft"
    html = reviewer_client.get(f"/claims/{claim.pk}/").content.decode()
    assert f"/verdicts/{verdict.pk}/submit/" in html
    assert f"/verdicts/{verdict.pk}/approve/" not in html
    reviewer_client.post(f"/verdicts/{verdict.pk}/submit/", {"version": verdict.version})
    verdict.refresh_from_db()
    assert verdict.status == "submitted"
    # The author sees no approve button; an editor does, and no submit button.
    html = reviewer_client.get(f"/claims/{claim.pk}/").content.decode()
    assert "/approve/" not in html and "/submit/" not in html
    html = editor_client.get(f"/claims/{claim.pk}/").content.decode()
    assert f"/verdicts/{verdict.pk}/approve/" in html and "/submit/" not in html
    editor_client.post(f"/verdicts/{verdict.pk}/approve/", {"version": verdict.version})
    verdict.refresh_from_db()
    html = editor_client.get(f"/claims/{claim.pk}/").content.decode()
    assert f"/verdicts/{verdict.pk}/publish/" in html
    editor_client.post(f"/verdicts/{verdict.pk}/publish/", {"version": verdict.version})
    verdict.refresh_from_db()
    claim.refresh_from_db()
    assert verdict.status == "published" and claim.status == "published"


def test_nobody_approves_their_own_verdict(editor_client, editor, claim):
    verdict = VerdictFactory(claim=claim, author=editor, status="submitted")
    html = editor_client.get(f"/claims/{claim.pk}/").content.decode()
    assert f"/verdicts/{verdict.pk}/approve/" not in html
    response = editor_client.post(
        f"/verdicts/{verdict.pk}/approve/", {"version": verdict.version}, follow=True
    )
    assert "nobody may approve their own verdict" in response.content.decode()
    verdict.refresh_from_db()
    assert verdict.status == "submitted"


def test_a_stale_verdict_save_keeps_the_text(reviewer_client, reviewer, claim):
    verdict = VerdictFactory(claim=claim, author=reviewer, summary="Old")
    Verdict.objects.filter(pk=verdict.pk).update(summary="Changed by an editor", version=2)
    response = reviewer_client.post(
        f"/claims/{claim.pk}/verdict/",
        {
            "verdict": verdict.pk,
            "version": 1,
            "rating": "false",
            "summary": "My new summary",
            "rationale": "Because.",
            "orig_summary": "Old",
            "orig_rating": verdict.rating_id,
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "someone else changed this verdict" in html
    assert "<li>Summary is now: “Changed by an editor”</li>" in html
    assert "Rating is now" not in html
    assert "My new summary</textarea>" in html


def test_a_verdict_without_summary_cannot_be_submitted(reviewer_client, reviewer, claim):
    verdict = VerdictFactory(claim=claim, author=reviewer, summary="")
    response = reviewer_client.post(
        f"/verdicts/{verdict.pk}/submit/", {"version": verdict.version}, follow=True
    )
    assert "needs a summary" in response.content.decode()


def test_comments_are_added_and_escaped(reviewer_client, claim):
    response = reviewer_client.post(
        f"/claims/{claim.pk}/comments/", {"body": "<script>alert(1)</script> check p.4"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; check p.4" in html
    assert Comment.objects.filter(claim=claim).count() == 1


def test_an_empty_comment_is_refused(reviewer_client, claim):
    response = reviewer_client.post(f"/claims/{claim.pk}/comments/", {"body": " "}, **HTMX)
    assert response.status_code == 400 and b"may not be blank" in response.content


def test_hidden_comments_only_for_editors(reviewer_client, editor_client, claim):
    CommentFactory(claim=claim, body="visible one")
    CommentFactory(claim=claim, body="abusive one", is_hidden=True)
    assert "abusive one" not in reviewer_client.get(f"/claims/{claim.pk}/").content.decode()
    assert "abusive one" in editor_client.get(f"/claims/{claim.pk}/").content.decode()


def test_the_editor_queue_is_oldest_first_and_needs_a_reason_to_reject(editor_client, db):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    newer = VerdictFactory(status="submitted", submitted_at=now, summary="Newer one")
    older = VerdictFactory(
        status="submitted", submitted_at=now - dt.timedelta(hours=2), summary="Older one"
    )
    html = editor_client.get("/queue/").content.decode()
    assert html.index("Older one") < html.index("Newer one")
    partial = editor_client.get("/queue/", **HTMX).content.decode()
    assert 'id="queue"' in partial and "<html" not in partial
    response = editor_client.post(
        f"/verdicts/{older.pk}/reject/",
        {"version": older.version, "reason": "", "from": "queue"},
        follow=True,
    )
    assert "may not be blank" in response.content.decode()
    older.refresh_from_db()
    assert older.status == "submitted"
    editor_client.post(
        f"/verdicts/{older.pk}/reject/",
        {"version": older.version, "reason": "Need a primary source", "from": "queue"},
    )
    older.refresh_from_db()
    assert older.status == "rejected" and older.rejection_reason == "Need a primary source"
    editor_client.post(f"/verdicts/{newer.pk}/approve/", {"version": newer.version})
    newer.refresh_from_db()
    assert newer.status == "approved"


def test_reviewers_have_no_queue(reviewer_client):
    assert reviewer_client.get("/queue/").status_code == 403


def test_an_unknown_claim_is_404(reviewer_client, db):
    assert reviewer_client.get("/claims/424242/").status_code == 404


def test_dismissed_claims_take_no_evidence_form(editor_client, claim):
    Claim.objects.filter(pk=claim.pk).update(status="dismissed", dismissal_reason="duplicate")
    html = editor_client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Add a source" not in html and "Dismiss claim" not in html


def test_the_claim_page_shows_its_history_when_the_audit_trail_is_there(reviewer_client, claim):
    pytest.importorskip("claims.selectors_audit")
    reviewer_client.post(
        f"/claims/{claim.pk}/edit/",
        {
            "statement": "Traced change",
            "claimant": "",
            "claim_type": "quantity",
            "claimant_kind": "",
            "version": claim.version,
        },
    )
    html = reviewer_client.get(f"/claims/{claim.pk}/").content.decode()
    assert 'id="history-title"' in html and "Traced change" in html


def test_another_reviewers_draft_and_its_changes_stay_out_of_the_claim_page(reviewer_client, claim):
    from claims.services.verdicts import verdict_create, verdict_update
    from tests.factories import ReviewerFactory

    author = ReviewerFactory()
    draft = verdict_create(actor=author, claim=claim, rating="false", summary="SECRET-FIRST")
    verdict_update(actor=author, verdict=draft, summary="SECRET-SECOND", rationale="SECRET-WHY")
    claim.refresh_from_db()  # the draft moved the claim to in progress
    pages = {
        "page": reviewer_client.get(f"/claims/{claim.pk}/"),
        "evidence fragment": reviewer_client.get(f"/claims/{claim.pk}/evidence/", **HTMX),
        "comment fragment": reviewer_client.post(
            f"/claims/{claim.pk}/comments/", {"body": "Any luck?"}, **HTMX
        ),
        "claim form fragment": reviewer_client.post(
            f"/claims/{claim.pk}/edit/",
            {"statement": "Edited.", "version": claim.version},
            **HTMX,
        ),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert "SECRET" not in html, name
        assert "insert verdict" not in html and "update verdict" not in html, name
    # The page still shows the history this reviewer may read: the draft moved the claim.
    assert "update claim" in pages["page"].content.decode()


def test_the_draft_author_sees_their_drafts_history(claim):
    from django.test import Client

    from claims.services.verdicts import verdict_create, verdict_update
    from tests.factories import ReviewerFactory

    author = ReviewerFactory()
    draft = verdict_create(actor=author, claim=claim, rating="false", summary="FIRST")
    verdict_update(actor=author, verdict=draft, summary="SECOND")
    client = Client()
    client.force_login(author)
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "update verdict" in html and "FIRST" in html and "SECOND" in html
