"""Blindness through every surface: the second reviewer, before both submitted, walks every page,
fragment and endpoint of the site and the API, and finds nothing of the first verdict."""

from __future__ import annotations

import re

import pytest
from django.core import mail as django_mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from claims import selectors
from claims.models import Claim, Event, Notification
from claims.services import mail
from claims.services.double_review import claim_double_review_start
from claims.services.verdicts import verdict_create, verdict_submit
from tests.claims.api.conftest import token_client
from tests.factories import EditorFactory, ReviewerFactory, SourcedClaimFactory

pytestmark = pytest.mark.django_db

SECRET_SUMMARY = "Summary-only-A-wrote-4417"
SECRET_RATIONALE = "Rationale-only-A-wrote-9923"


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _paths(ids: dict) -> list[str]:
    """Every route with its parameters filled in with this scenario's objects."""
    paths = []
    for route in _routes(get_resolver().url_patterns):
        if route.startswith("admin/") or "^.*$" in route:
            continue
        route = route.replace("^", "").replace("$", "")
        kind = "verdict" if "verdicts/" in route else "article" if "articles/" in route else "claim"
        filled = re.sub(r"\(\?P<pk>[^)]*\)", str(ids[kind]), route)
        filled = re.sub(r"<int:(\w+?)_?(?:id|pk)>", lambda m: str(ids[m.group(1)]), filled)
        filled = filled.replace("<int:source_id>", str(ids["source"]))
        filled = filled.replace("<str:step>", "approve").replace("<str:slug>", "slug")
        filled = filled.replace("<section>", "fact-checks")
        paths.append("/" + filled)
    return paths


def test_the_second_reviewer_sees_nothing_of_the_first_verdict_anywhere():
    first, second, editor = ReviewerFactory(), ReviewerFactory(), EditorFactory()
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    claim_double_review_start(
        actor=editor, claim=claim, reviewers=[first.username, second.username]
    )
    theirs = verdict_create(
        actor=first,
        claim=claim,
        rating="mostly-false",
        summary=SECRET_SUMMARY,
        rationale=SECRET_RATIONALE,
    )
    verdict_submit(actor=first, verdict=theirs)
    mine = verdict_create(actor=second, claim=claim, rating="true", summary="Mine.")
    ids = {
        "claim": claim.pk,
        "article": claim.article_id,
        "verdict": theirs.pk,
        "source": 0,
        "token": 0,
        "link": 0,
    }
    paths = _paths(ids)
    assert f"/claims/{claim.pk}/" in paths and f"/api/v1/verdicts/{theirs.pk}/" in paths
    assert f"/api/v1/claims/{claim.pk}/history/" in paths
    # The default double review's routes (desk and article, pages and API) are walked too.
    assert {
        "/double-review/",
        f"/articles/{claim.article_id}/double-review/",
        "/api/v1/double-review/default/",
        f"/api/v1/articles/{claim.article_id}/double-review/",
    } <= set(paths)

    browser = Client()
    browser.force_login(second)
    api = token_client(second)
    leaks = []
    seen = 0
    for path in paths:
        for client, headers in ((browser, {}), (browser, {"HX-Request": "true"}), (api, {})):
            response = client.get(path, headers=headers)
            body = response.content.decode("utf-8", "replace")
            seen += response.status_code == 200
            if SECRET_SUMMARY in body or SECRET_RATIONALE in body:
                leaks.append((path, headers, response.status_code))
    assert leaks == []
    assert seen > 20  # the walk really read pages, not only refusals
    assert api.get(f"/api/v1/verdicts/{theirs.pk}/").status_code == 404
    listed = api.get(f"/api/v1/claims/{claim.pk}/verdicts/").json()
    items = listed["results"] if isinstance(listed, dict) else listed
    assert [v["id"] for v in items] == [mine.pk]

    # Once both submitted, both see both.
    verdict_submit(actor=second, verdict=mine)
    page = browser.get(f"/claims/{claim.pk}/").content.decode()
    assert SECRET_SUMMARY in page
    assert api.get(f"/api/v1/verdicts/{theirs.pk}/").status_code == 200


def test_an_editor_starts_a_double_review_from_the_claim_page(editor_client):
    a, b = ReviewerFactory(), ReviewerFactory()
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    page = editor_client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Blind double review" in page
    response = editor_client.post(
        f"/claims/{claim.pk}/double-review/", {"first": a.username, "second": b.username}
    )
    assert response.status_code == 302
    page = editor_client.get(f"/claims/{claim.pk}/").content.decode()
    assert f"{a.username} (not yet submitted)" in page
    refused = editor_client.post(
        f"/claims/{claim.pk}/double-review/",
        {"first": a.username, "second": a.username},
        follow=True,
    )
    assert "two different people" in refused.content.decode()


def test_a_reviewer_cannot_start_a_double_review_by_api_or_form(reviewer_client):
    a, b = ReviewerFactory(), ReviewerFactory()
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    body = {"reviewers": [a.username, b.username]}
    assert (
        token_client(a)
        .post(f"/api/v1/claims/{claim.pk}/double-review/", body, format="json")
        .status_code
        == 403
    )
    reviewer_client.post(
        f"/claims/{claim.pk}/double-review/", {"first": a.username, "second": b.username}
    )
    assert not claim.review_assignments.exists()
    answer = token_client(EditorFactory()).post(
        f"/api/v1/claims/{claim.pk}/double-review/", {"reviewers": [a.username]}, format="json"
    )
    assert answer.status_code == 400 and "reviewers" in answer.json()["errors"]
    answer = token_client(EditorFactory()).post(
        f"/api/v1/claims/{claim.pk}/double-review/", body, format="json"
    )
    assert answer.status_code == 201
    assert [r["reviewer"] for r in answer.json()] == [a.username, b.username]


def test_an_editor_who_is_one_of_the_two_finds_nothing_in_the_admin_either():
    first, editor_b, adjudicator = ReviewerFactory(), EditorFactory(), EditorFactory()
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    claim_double_review_start(
        actor=adjudicator, claim=claim, reviewers=[first.username, editor_b.username]
    )
    theirs = verdict_create(
        actor=first, claim=claim, rating="false", summary=SECRET_SUMMARY, rationale="r"
    )
    verdict_submit(actor=first, verdict=theirs)
    admin = Client()
    admin.force_login(editor_b)
    pages = [
        admin.get("/admin/claims/verdict/?status=all"),
        admin.get(f"/admin/claims/verdict/{theirs.pk}/change/", follow=True),
        admin.get(f"/admin/claims/verdict/{theirs.pk}/history/", follow=True),
        admin.get(f"/admin/claims/claim/{claim.pk}/history/"),
        admin.get("/admin/claims/verdictevent/"),
        admin.get("/admin/claims/claim/"),
        admin.get("/admin/claims/doublereviewdefault/"),
        admin.post(
            "/admin/claims/claim/", {"action": "export_csv", "_selected_action": [claim.pk]}
        ),
    ]
    assert pages[0].status_code == 200 and pages[-1]["Content-Type"].startswith("text/csv")
    assert [SECRET_SUMMARY in p.content.decode() for p in pages] == [False] * len(pages)
    link = f"/admin/claims/verdict/{theirs.pk}/change/"
    assert link not in pages[0].content.decode()
    assert pages[4].status_code == 200
    assert [e for e in pages[4].context["cl"].result_list if e.pgh_obj_id == theirs.pk] == []
    (row,) = [c for c in pages[5].context["cl"].result_list if c.pk == claim.pk]
    assert row.verdict_rating is None and row.verdict_status is None
    # The adjudicator, who is not one of the two, reads it.
    admin.force_login(adjudicator)
    assert link in admin.get("/admin/claims/verdict/?status=all").content.decode()
    events = admin.get("/admin/claims/verdictevent/").context["cl"].result_list
    assert len([e for e in events if e.pgh_obj_id == theirs.pk]) >= 2
    assert SECRET_SUMMARY in admin.get(link).content.decode()


def test_an_editor_who_is_one_of_the_two_gets_no_inbox_line_or_email_of_the_first_verdict():
    first = ReviewerFactory()
    editor_b, adjudicator = EditorFactory(email="b@example.org"), EditorFactory(email="adj@x.org")
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    claim_double_review_start(
        actor=adjudicator, claim=claim, reviewers=[first.username, editor_b.username]
    )
    theirs = verdict_create(
        actor=first, claim=claim, rating="false", summary=SECRET_SUMMARY, rationale="r"
    )
    verdict_submit(actor=first, verdict=theirs)
    # A notification written for editor_b anyway (a webhook-era row, a rule changed since) must
    # not surface either: the inbox and the e-mail read it through the same visibility rule.
    event = Event.objects.get(type="verdict.submitted", verdict=theirs)
    Notification.objects.get_or_create(
        event=event, recipient=editor_b, defaults={"type": event.type, "text": "leak?"}
    )
    mail.email_preferences_set(actor=editor_b, modes={"verdict.submitted": "immediate"})
    mail.notification_email_send(event_id=event.pk)
    mail.email_digest_send()
    assert [m.to for m in django_mail.outbox] == [["adj@x.org"]]
    assert all(SECRET_SUMMARY not in m.body for m in django_mail.outbox)
    assert selectors.notification_list(user=editor_b).count() == 0
    assert selectors.notification_list(user=adjudicator).count() == 1
    assert not Notification.objects.filter(recipient=editor_b, text__contains="submitted").exists()


def test_the_claim_page_and_the_queue_say_why_approval_waits_or_is_not_theirs():
    a, editor_b, adjudicator = ReviewerFactory(), EditorFactory(), EditorFactory()
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    claim_double_review_start(
        actor=adjudicator, claim=claim, reviewers=[a.username, editor_b.username]
    )
    va = verdict_create(actor=a, claim=claim, rating="false", summary="A's.")
    verdict_submit(actor=a, verdict=va)
    browser = Client()
    browser.force_login(adjudicator)
    waiting = "both reviewers must submit before an editor adjudicates"
    for path in (f"/claims/{claim.pk}/", "/queue/"):
        page = browser.get(path).content.decode().lower()
        assert waiting in page and f"/verdicts/{va.pk}/approve/" not in page

    vb = verdict_create(actor=editor_b, claim=claim, rating="true", summary="B's.")
    verdict_submit(actor=editor_b, verdict=vb)
    page = browser.get(f"/claims/{claim.pk}/").content.decode()
    assert waiting not in page and f"/verdicts/{va.pk}/approve/" in page
    browser.force_login(editor_b)
    not_theirs = "one of the two reviewers may not adjudicate their double review"
    for path in (f"/claims/{claim.pk}/", "/queue/"):
        page = browser.get(path).content.decode().lower()
        assert not_theirs in page and f"/verdicts/{va.pk}/approve/" not in page


def test_an_editor_who_is_one_of_the_two_gets_nothing_of_the_first_verdict_through_a_webhook():
    """A webhook sends what its creator may see: editor_b registering one learns nothing of the
    first verdict before both submitted; the adjudicator's webhook gets it."""
    from claims.models import Webhook, WebhookDelivery
    from claims.services import webhooks

    first = ReviewerFactory()
    editor_b, adjudicator = EditorFactory(), EditorFactory()
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    claim_double_review_start(
        actor=adjudicator, claim=claim, reviewers=[first.username, editor_b.username]
    )
    hooks = {
        user: Webhook.objects.create(
            url=f"http://127.0.0.2/{user.pk}",
            events=["verdict.submitted"],
            secret="whsec_QQ==",
            created_by=user,
        )
        for user in (editor_b, adjudicator)
    }
    theirs = verdict_create(
        actor=first, claim=claim, rating="false", summary=SECRET_SUMMARY, rationale="r"
    )
    verdict_submit(actor=first, verdict=theirs)
    webhooks.event_dispatch()
    sent_to = set(WebhookDelivery.objects.values_list("webhook_id", flat=True))
    assert sent_to == {hooks[adjudicator].pk}
