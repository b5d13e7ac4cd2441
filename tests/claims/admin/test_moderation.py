"""Moderation in the admin, through the test client: every action, the four-eyes refusal,
concurrency, and who may enter."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from claims.models import (
    Article,
    Claim,
    ClaimEvent,
    Comment,
    Evidence,
    Source,
    Verdict,
    VerdictEvent,
)
from tests.claims.admin.forms import admin_form_data
from tests.factories import (
    AdminFactory,
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    EditorFactory,
    EvidenceFactory,
    ReviewerFactory,
    SourceFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def run_action(client, model: str, action: str, objects, query: str = "", **extra):
    """Select ``objects`` on the changelist (filtered by ``query``) and run ``action``."""
    return client.post(
        f"/admin/claims/{model}/{query}",
        {"action": action, "_selected_action": [o.pk for o in objects], **extra},
        follow=True,
    )


def submitted_verdict(**kwargs) -> Verdict:
    claim = kwargs.pop("claim", None) or ClaimFactory(status=Claim.Status.IN_REVIEW)
    return VerdictFactory(
        claim=claim, status=Verdict.Status.SUBMITTED, submitted_at=timezone.now(), **kwargs
    )


@pytest.fixture
def editor(client):
    user = EditorFactory()
    client.force_login(user)
    return user


# --- Who enters -----------------------------------------------------------------------------------


def test_a_reviewer_never_reaches_the_admin_even_if_marked_staff(client):
    reviewer = ReviewerFactory(is_staff=True)
    client.force_login(reviewer)

    for url in ("/admin/", "/admin/claims/claim/", "/admin/claims/verdict/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_an_editor_reaches_the_moderation_models_but_not_users_and_groups(client, editor):
    for model in ("article", "claim", "verdict", "source", "evidence", "comment", "claimevent"):
        assert client.get(f"/admin/claims/{model}/").status_code == 200, model
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "/admin/claims/claim/" in index and "/admin/auth/user/" not in index


def test_an_editor_cannot_delete_domain_objects(client, editor):
    claim = ClaimFactory()
    assert (
        client.post(f"/admin/claims/claim/{claim.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_only_an_admin_manages_users_and_groups(client):
    client.force_login(AdminFactory())
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get("/admin/auth/group/").status_code == 200
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "newcomer",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302


# --- Articles and claims --------------------------------------------------------------------------


def test_an_article_shows_its_claims_inline_and_its_metadata_can_be_edited(client, editor):
    article = ArticleFactory(title="Old title")
    ClaimFactory(article=article)
    url = f"/admin/claims/article/{article.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert ArticleFactory._meta.model.objects.get(pk=article.pk).claims.count() == 1
    assert "The city council approved" in page.content.decode()

    response = client.post(url, admin_form_data(page, title="New title"))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "New title"


def test_the_claim_list_shows_verdict_and_filters_and_searches(client, editor):
    claim = ClaimFactory(statement="Budget of 4.2 million", checkworthiness=0.8)
    VerdictFactory(claim=claim)
    ClaimFactory(status=Claim.Status.DISMISSED, dismissal_reason="duplicate")

    page = client.get("/admin/claims/claim/")
    assert page.status_code == 200
    assert "False (draft)" in page.content.decode()

    filtered = client.get("/admin/claims/claim/", {"status__exact": "open", "q": "4.2 million"})
    assert list(filtered.context["cl"].result_list) == [claim]
    for params in (
        {"claim_type__exact": "quantity"},
        {"origin__exact": "manual"},
        {"article__id__exact": claim.article_id},
    ):
        assert client.get("/admin/claims/claim/", params).status_code == 200


def test_dismissing_claims_asks_a_reason_then_reports_successes_and_failures(client, editor):
    open_claim = ClaimFactory()
    published = ClaimFactory(status=Claim.Status.PUBLISHED)

    form_page = run_action(client, "claim", "dismiss_selected", [open_claim, published])
    assert form_page.status_code == 200 and "reason" in form_page.context["form"].fields

    response = run_action(
        client,
        "claim",
        "dismiss_selected",
        [open_claim, published],
        apply="Dismiss",
        reason="duplicate",
        note="Same as #1",
    )

    open_claim.refresh_from_db()
    assert open_claim.status == Claim.Status.DISMISSED
    assert open_claim.dismissal_note == "Same as #1"
    assert Claim.objects.get(pk=published.pk).status == Claim.Status.PUBLISHED
    texts = messages_of(response)
    assert "Dismissed 1 claim." in texts
    assert any(f"claim {published.pk}" in t and "cannot be dismissed" in t for t in texts)


def test_exporting_claims_gives_a_csv_with_their_verdicts_and_evidence(client, editor):
    claim = ClaimFactory(statement="=HYPERLINK(1)")
    VerdictFactory(claim=claim, summary="Wrong figure.")
    EvidenceFactory(claim=claim, quoted_passage="4.1 million")
    ClaimFactory()

    response = run_action(client, "claim", "export_csv", [claim])

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["claim_id"] == str(claim.pk)
    assert "Wrong figure." in rows[0]["verdicts"] and "False [draft]" in rows[0]["verdicts"]
    assert (
        "supports https://news.test/" in rows[0]["evidence"]
        and "4.1 million" in rows[0]["evidence"]
    )
    assert rows[0]["statement"] == "'=HYPERLINK(1)"


# --- Concurrency ----------------------------------------------------------------------------------


def test_a_claim_form_saved_after_someone_elses_change_is_refused(client, editor):
    claim = ClaimFactory(statement="original")
    url = f"/admin/claims/claim/{claim.pk}/change/"
    page = client.get(url)
    Claim.objects.filter(pk=claim.pk).update(statement="theirs", version=claim.version + 1)

    response = client.post(url, admin_form_data(page, statement="mine"))

    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    claim.refresh_from_db()
    assert claim.statement == "theirs"


def test_a_claim_form_saved_without_a_concurrent_change_saves_and_bumps_the_version(client, editor):
    claim = ClaimFactory(statement="original")
    url = f"/admin/claims/claim/{claim.pk}/change/"

    response = client.post(url, admin_form_data(client.get(url), statement="mine"))

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.statement, claim.version) == ("mine", 2)
    [event] = ClaimEvent.objects.filter(pgh_obj_id=claim.pk, pgh_label="update")
    assert event.pgh_context["actor"] == editor.username
    assert event.pgh_changes["statement"] == ["original", "mine"]


def test_a_source_form_is_guarded_by_updated_at(client, editor):
    source = SourceFactory(title="Original")
    url = f"/admin/claims/source/{source.pk}/change/"
    page = client.get(url)
    Source.objects.filter(pk=source.pk).update(
        title="Theirs", updated_at=source.updated_at + dt.timedelta(seconds=1)
    )

    response = client.post(url, admin_form_data(page, title="Mine"))

    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert Source.objects.get(pk=source.pk).title == "Theirs"


# --- Verdicts: the moderation queue ---------------------------------------------------------------


def test_the_queue_lists_submitted_verdicts_by_default(client, editor):
    waiting = submitted_verdict()
    VerdictFactory()  # a draft

    page = client.get("/admin/claims/verdict/")

    assert list(page.context["cl"].result_list) == [waiting]
    everything = client.get("/admin/claims/verdict/", {"status": "all"})
    assert len(everything.context["cl"].result_list) == 2


def test_an_editor_approves_other_peoples_verdicts_through_the_service(client, editor):
    verdict = submitted_verdict()

    response = run_action(client, "verdict", "approve_selected", [verdict])

    verdict.refresh_from_db()
    assert verdict.status == Verdict.Status.APPROVED
    assert verdict.reviewed_by == editor
    assert verdict.claim.status == Claim.Status.APPROVED
    assert "Approved 1 verdict." in messages_of(response)
    [event] = VerdictEvent.objects.filter(pgh_obj_id=verdict.pk, pgh_label="update")
    assert event.pgh_context["actor"] == editor.username
    assert event.pgh_changes["status"] == ["submitted", "approved"]


def test_an_editor_cannot_approve_their_own_verdict(client, editor):
    own = submitted_verdict(author=editor)
    other = submitted_verdict()

    response = run_action(client, "verdict", "approve_selected", [own, other])

    assert Verdict.objects.get(pk=own.pk).status == Verdict.Status.SUBMITTED
    assert Verdict.objects.get(pk=other.pk).status == Verdict.Status.APPROVED
    texts = messages_of(response)
    assert "Approved 1 verdict." in texts
    assert any(f"verdict {own.pk}" in t and "their own verdict" in t for t in texts)


def test_rejecting_verdicts_needs_a_reason(client, editor):
    verdict = submitted_verdict()

    missing = run_action(client, "verdict", "reject_selected", [verdict], apply="Reject", reason="")
    assert missing.context["form"].errors
    assert Verdict.objects.get(pk=verdict.pk).status == Verdict.Status.SUBMITTED

    response = run_action(
        client, "verdict", "reject_selected", [verdict], apply="Reject", reason="Cite the budget."
    )

    verdict.refresh_from_db()
    assert (verdict.status, verdict.rejection_reason) == (
        Verdict.Status.REJECTED,
        "Cite the budget.",
    )
    assert "Rejected 1 verdict." in messages_of(response)


def test_publishing_an_approved_verdict(client, editor):
    verdict = submitted_verdict()
    run_action(client, "verdict", "approve_selected", [verdict])

    response = run_action(
        client, "verdict", "publish_selected", [verdict], query="?status=approved"
    )

    verdict.refresh_from_db()
    assert verdict.status == Verdict.Status.PUBLISHED
    assert "Published 1 verdict." in messages_of(response)


# --- Sources, evidence, comments ------------------------------------------------------------------


def test_refetching_sources_queues_the_fetch_task_on_commit(
    client, editor, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        "claims.services.queue.current_app.send_task",
        lambda name, args, **options: sent.append((name, args)),
    )
    failed = SourceFactory(fetch_status="failed", error_code="timeout", attempts=5)
    busy = SourceFactory(
        fetch_status="fetching", lease_expires_at=timezone.now() + dt.timedelta(minutes=5)
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(client, "source", "refetch_selected", [failed, busy])

    failed.refresh_from_db()
    assert (failed.fetch_status, failed.attempts) == ("pending", 0)
    assert sent == [("claims.tasks.source_fetch", [failed.pk])]
    texts = messages_of(response)
    assert "Queued for re-fetch 1 source." in texts
    assert any(f"source {busy.pk}" in t and "under way" in t for t in texts)


def test_the_source_list_shows_fetch_state_error_and_last_check(client, editor):
    SourceFactory(fetch_status="failed", error_code="dns_error", last_checked_at=timezone.now())
    page = client.get("/admin/claims/source/", {"fetch_status__exact": "failed"})
    assert "dns_error" in page.content.decode()


def test_evidence_stance_can_be_corrected(client, editor):
    evidence = EvidenceFactory()
    url = f"/admin/claims/evidence/{evidence.pk}/change/"

    response = client.post(url, admin_form_data(client.get(url), stance="context"))

    assert response.status_code == 302
    assert Evidence.objects.get(pk=evidence.pk).stance == "context"


def test_hiding_a_comment_keeps_its_text_and_unhiding_shows_it_again(client, editor):
    comment = CommentFactory(body="Abusive words")
    visible = CommentFactory()

    response = run_action(
        client, "comment", "hide_selected", [comment], apply="Hide", reason="abuse"
    )

    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == editor and comment.hidden_reason == "abuse"
    assert comment.body == "Abusive words"
    assert "Hidden 1 comment." in messages_of(response)

    response = run_action(client, "comment", "unhide_selected", [comment, visible])

    assert not Comment.objects.get(pk=comment.pk).is_hidden
    texts = messages_of(response)
    assert "Unhidden 1 comment." in texts
    assert any(f"comment {visible.pk}" in t and "not hidden" in t for t in texts)


def test_the_admin_history_page_of_a_verdict_shows_who_approved_it(client, editor):
    verdict = submitted_verdict()
    run_action(client, "verdict", "approve_selected", [verdict])

    page = client.get(f"/admin/claims/verdict/{verdict.pk}/history/")

    assert [e.operation for e in page.context["entries"]] == ["insert", "update"]
    assert page.context["entries"][1].actor == editor.username


def test_articles_are_not_deleted_by_editors_but_admins_may(client):
    article = ArticleFactory()
    client.force_login(AdminFactory())
    response = client.post(f"/admin/claims/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_a_published_claim_cannot_be_edited_in_the_admin(client, editor):
    claim = ClaimFactory(status=Claim.Status.PUBLISHED, statement="final")
    url = f"/admin/claims/claim/{claim.pk}/change/"

    client.post(url, {**admin_form_data(client.get(url)), "statement": "rewritten"})

    assert Claim.objects.get(pk=claim.pk).statement == "final"


def test_article_metadata_is_saved_through_the_article_service(client, editor):
    article = ArticleFactory(title="Old")
    url = f"/admin/claims/article/{article.pk}/change/"

    response = client.post(url, admin_form_data(client.get(url), title="  New  "))

    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title == "New"


def test_every_admin_page_renders_for_an_admin(client):
    client.force_login(AdminFactory())
    claim = ClaimFactory()
    objects = {
        "article": claim.article,
        "claim": claim,
        "verdict": VerdictFactory(claim=claim),
        "evidence": EvidenceFactory(claim=claim),
        "comment": CommentFactory(claim=claim),
        "source": SourceFactory(),
    }
    for name, obj in objects.items():
        for suffix in ("", f"{obj.pk}/change/", f"{obj.pk}/history/"):
            url = f"/admin/claims/{name}/{suffix}"
            assert client.get(url).status_code == 200, url
    for name in ("articleevent", "claimevent", "verdictevent", "ratingscale", "rating"):
        assert client.get(f"/admin/claims/{name}/").status_code == 200, name
    event = objects["verdict"].audit_events.get()
    assert client.get(f"/admin/claims/verdictevent/{event.pk}/change/").status_code == 200


def review(client, verdict, **data):
    return client.post(f"/admin/claims/verdict/{verdict.pk}/review/", data, follow=True)


def test_a_verdict_is_approved_then_published_from_its_page(client, editor):
    verdict = submitted_verdict()
    page = client.get(f"/admin/claims/verdict/{verdict.pk}/change/").content.decode()
    assert 'id="verdict-review"' in page and 'value="approve"' in page

    response = review(client, verdict, decision="approve", version=verdict.version)
    assert "Verdict approved." in messages_of(response)
    verdict.refresh_from_db()
    response = review(client, verdict, decision="publish", version=verdict.version)

    assert "Verdict published." in messages_of(response)
    assert Verdict.objects.get(pk=verdict.pk).status == Verdict.Status.PUBLISHED


def test_a_verdict_page_refuses_the_authors_own_approval_and_a_stale_version(client, editor):
    own = submitted_verdict(author=editor)
    response = review(client, own, decision="approve", version=own.version)
    assert any("their own verdict" in t for t in messages_of(response))

    other = submitted_verdict()
    response = review(client, other, decision="approve", version=other.version - 1 or 99)
    assert any("changed by someone else" in t for t in messages_of(response))
    assert Verdict.objects.get(pk=other.pk).status == Verdict.Status.SUBMITTED


def test_a_verdict_page_rejects_with_a_reason_only(client, editor):
    verdict = submitted_verdict()
    response = review(client, verdict, decision="reject", version=verdict.version, reason="")
    assert any(t.startswith("Not done:") for t in messages_of(response))

    response = review(
        client, verdict, decision="reject", version=verdict.version, reason="Needs a source."
    )

    assert "Verdict rejected." in messages_of(response)
    assert Verdict.objects.get(pk=verdict.pk).rejection_reason == "Needs a source."


def test_the_review_url_only_takes_posts(client, editor):
    verdict = submitted_verdict()
    assert client.get(f"/admin/claims/verdict/{verdict.pk}/review/").status_code == 405
