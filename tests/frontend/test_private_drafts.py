"""Private drafts: a second reviewer walks every page and fragment of the UI and every GET of the
API and finds no text of another reviewer's draft (the UI and the API show the same things)."""

from __future__ import annotations

import re

import pytest
from django.core import mail as django_mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from claims.models import Event
from claims.services import mail
from claims.services.claims import claim_assign
from claims.services.comments import comment_add
from claims.services.verdicts import verdict_create
from tests.claims.api.conftest import token_client
from tests.factories import EditorFactory, EvidenceFactory, ReviewerFactory, SourcedClaimFactory

pytestmark = pytest.mark.django_db

SECRET_SUMMARY = "zebra-summary-7f3c"
SECRET_RATIONALE = "quokka-rationale-91ab"


def _paths(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _paths(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _fill(route: str, ids: dict) -> str | None:
    route = route.replace("^", "").replace("$", "")
    if route.startswith("admin/") or ".*" in route or "format" in route:
        return None
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)  # a router's regex groups
    api_head = route.split("/")[2] if route.startswith("api/v1/") else ""
    by_prefix = {"articles": "article", "claims": "claim", "verdicts": "verdict"}
    names = {
        "article_id": "article",
        "claim_id": "claim",
        "claim_pk": "claim",
        "verdict_id": "verdict",
        "source_id": "source",
        "token_id": "article",
        "link_pk": "article",
        "link_id": "article",
        "step": "step",
        "section": "section",
        "slug": "slug",
    }

    def value(match):
        name = match.group(2)
        # Any other id (a webhook's, a delivery's, a link's) names nothing of the draft.
        key = by_prefix.get(api_head, "source") if name == "pk" else names.get(name, "article")
        return str(ids[key])

    return "/" + re.sub(r"<(\w+:)?(\w+)>", value, route)


def test_no_page_or_fragment_shows_another_reviewers_draft():
    author, second = ReviewerFactory(), ReviewerFactory()
    claim = SourcedClaimFactory(statement="The council approved a budget.")
    EvidenceFactory(claim=claim)
    draft = verdict_create(
        actor=author,
        claim=claim,
        rating="false",
        summary=SECRET_SUMMARY,
        rationale=SECRET_RATIONALE,
    )
    ids = {
        "article": claim.article_id,
        "claim": claim.pk,
        "verdict": draft.pk,
        "source": claim.evidence.first().source_id,
        "step": "submit",
        "section": "fact-checks",
        "slug": "claim",
    }
    routes = sorted({r for r in (_fill(p, ids) for p in _paths(get_resolver().url_patterns)) if r})
    assert f"/claims/{claim.pk}/" in routes and f"/api/v1/claims/{claim.pk}/history/" in routes
    assert {
        "/double-review/",
        f"/articles/{claim.article_id}/double-review/",
        "/api/v1/double-review/default/",
        f"/api/v1/articles/{claim.article_id}/double-review/",
    } <= set(routes)
    web = Client()
    web.force_login(second)
    api = token_client(second)
    checked = 0
    for route in routes:
        for client, extra in (
            (web, {}),
            (web, {"HTTP_HX_REQUEST": "true"}),
            (api, {}),
            (api, {"HTTP_ACCEPT": "text/html"}),
        ):
            response = client.get(route, **extra)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            assert SECRET_SUMMARY not in text and SECRET_RATIONALE not in text, (route, extra)
            checked += 1
    # The author sees it (the markers are findable), so the walk above could have failed.
    mine = Client()
    mine.force_login(author)
    assert SECRET_SUMMARY in mine.get(f"/claims/{claim.pk}/").content.decode()
    assert checked >= 4 * 30


def test_no_email_shows_another_reviewers_draft():
    """E-mail is a surface too: every e-mail the second reviewer could get, at once or in the
    digest, while a draft exists on a claim they work on."""
    author = ReviewerFactory(email="author@example.org")
    second = ReviewerFactory(email="second@example.org")
    editor = EditorFactory(email="editor@example.org")
    claim = SourcedClaimFactory(statement="The council approved a budget.")
    EvidenceFactory(claim=claim)
    verdict_create(
        actor=author,
        claim=claim,
        rating="false",
        summary=SECRET_SUMMARY,
        rationale=SECRET_RATIONALE,
    )

    def send_all():
        for event in Event.objects.all():
            mail.notification_email_send(event_id=event.pk)

    mail.email_preferences_set(actor=second, modes=dict.fromkeys(mail.email_types(), "immediate"))
    comment_add(actor=author, claim=claim, body=f"@{second.username} my draft is in, have a look")
    claim_assign(actor=editor, claim=claim, assignee=second)
    comment_add(actor=editor, claim=claim, body="Checking the figures.")
    send_all()
    mail.email_preferences_set(actor=second, modes=dict.fromkeys(mail.email_types(), "digest"))
    comment_add(actor=author, claim=claim, body="Updated my draft.")
    send_all()
    mail.email_digest_send()
    theirs = [m for m in django_mail.outbox if m.to == ["second@example.org"]]
    assert len(theirs) == 4  # the mention, the assignment, the comment, then the digest
    for message in theirs:
        text = message.subject + message.body
        assert SECRET_SUMMARY not in text and SECRET_RATIONALE not in text
