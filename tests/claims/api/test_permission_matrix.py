"""Every endpoint and method, for every role, against a table of expected statuses."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from claims.api.concurrency import etag_for
from claims.models import Webhook
from tests.claims.api.conftest import token_client
from tests.claims.api.scenario import build_scenario

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "reviewer", "other", "editor", "admin")


def everyone(status):
    return dict.fromkeys(ROLES, status)


def members(status, anonymous=401):
    return {"anonymous": anonymous, **dict.fromkeys(ROLES[1:], status)}


def editors(status, others=403, anonymous=401):
    return {
        "anonymous": anonymous,
        "reviewer": others,
        "other": others,
        "editor": status,
        "admin": status,
    }


def author_and_editors(status, others=404, anonymous=401):
    return {
        "anonymous": anonymous,
        "reviewer": status,
        "other": others,
        "editor": status,
        "admin": status,
    }


# (name, method, path template, body, If-Match object attribute or None, expected by role)
MATRIX = [
    ("list articles", "get", "/api/v1/articles/", None, None, members(200)),
    (
        "create article",
        "post",
        "/api/v1/articles/",
        {"title": "T", "body": "B."},
        None,
        members(201),
    ),
    ("get article", "get", "/api/v1/articles/{article}/", None, None, members(200)),
    (
        "patch article",
        "patch",
        "/api/v1/articles/{article}/",
        {"title": "T2"},
        "article",
        members(200),
    ),
    (
        "patch article without If-Match",
        "patch",
        "/api/v1/articles/{article}/",
        {"title": "T2"},
        None,
        members(428),
    ),
    (
        "patch article with a stale ETag",
        "patch",
        "/api/v1/articles/{article}/",
        {"title": "T2"},
        ("stale", "article"),
        members(412),
    ),
    ("put article", "put", "/api/v1/articles/{article}/", {"title": "T2"}, None, members(405)),
    ("delete article", "delete", "/api/v1/articles/{article}/", None, None, members(405)),
    (
        "extract claims",
        "post",
        "/api/v1/articles/{article}/extract-claims/",
        None,
        None,
        members(200),
    ),
    ("annotations", "get", "/api/v1/articles/{article}/annotations/", None, None, members(200)),
    ("list claims", "get", "/api/v1/claims/", None, None, everyone(200)),
    (
        "create claim",
        "post",
        "/api/v1/claims/",
        {"article": "{article}", "start": 0, "end": 3},
        None,
        members(201),
    ),
    ("get open claim", "get", "/api/v1/claims/{open_claim}/", None, None, members(200, 404)),
    ("get published claim", "get", "/api/v1/claims/{published_claim}/", None, None, everyone(200)),
    (
        "patch claim",
        "patch",
        "/api/v1/claims/{open_claim}/",
        {"statement": "S"},
        "open_claim",
        members(200),
    ),
    ("delete claim", "delete", "/api/v1/claims/{open_claim}/", None, None, members(405)),
    (
        "accept claim",
        "post",
        "/api/v1/claims/{suggested_claim}/accept/",
        None,
        "suggested_claim",
        members(200),
    ),
    (
        "assign claim",
        "post",
        "/api/v1/claims/{open_claim}/assign/",
        {"assignee": "{reviewer}"},
        "open_claim",
        editors(200),
    ),
    (
        "double review, the same reviewer twice",
        "post",
        "/api/v1/claims/{open_claim}/double-review/",
        {"reviewers": ["someone", "someone"]},
        None,
        editors(400),
    ),
    ("agreement figures", "get", "/api/v1/stats/agreement/", None, None, editors(200)),
    ("desk figures", "get", "/api/v1/stats/desk/", None, None, editors(200)),
    (
        "dismiss claim",
        "post",
        "/api/v1/claims/{open_claim}/dismiss/",
        {"reason": "duplicate"},
        "open_claim",
        editors(200),
    ),
    (
        "claimreview published",
        "get",
        "/api/v1/claims/{published_claim}/claimreview/",
        None,
        None,
        everyone(200),
    ),
    (
        "claimreview unpublished",
        "get",
        "/api/v1/claims/{open_claim}/claimreview/",
        None,
        None,
        everyone(404),
    ),
    ("list evidence", "get", "/api/v1/claims/{open_claim}/evidence/", None, None, members(200)),
    (
        "add evidence",
        "post",
        "/api/v1/claims/{open_claim}/evidence/",
        {"url": "https://src.test/a", "stance": "refutes"},
        None,
        members(201),
    ),
    ("list comments", "get", "/api/v1/claims/{open_claim}/comments/", None, None, members(200)),
    (
        "add comment",
        "post",
        "/api/v1/claims/{open_claim}/comments/",
        {"body": "Hm."},
        None,
        members(201),
    ),
    (
        "list verdicts, open claim",
        "get",
        "/api/v1/claims/{open_claim}/verdicts/",
        None,
        None,
        members(200, 404),
    ),
    (
        "list verdicts, published claim",
        "get",
        "/api/v1/claims/{published_claim}/verdicts/",
        None,
        None,
        everyone(200),
    ),
    (
        "draft verdict",
        "post",
        "/api/v1/claims/{open_claim}/verdicts/",
        {"rating": "half-true", "summary": "Partly."},
        None,
        members(201),
    ),
    (
        "get draft",
        "get",
        "/api/v1/verdicts/{draft}/",
        None,
        None,
        author_and_editors(200, anonymous=404),
    ),
    ("get submitted", "get", "/api/v1/verdicts/{submitted}/", None, None, members(200, 404)),
    ("get published verdict", "get", "/api/v1/verdicts/{published}/", None, None, everyone(200)),
    ("list verdicts (no such route)", "get", "/api/v1/verdicts/", None, None, everyone(404)),
    (
        "patch draft",
        "patch",
        "/api/v1/verdicts/{draft}/",
        {"summary": "New."},
        "draft",
        author_and_editors(200),
    ),
    (
        "patch published",
        "patch",
        "/api/v1/verdicts/{published}/",
        {"summary": "New."},
        "published",
        {"anonymous": 401, "reviewer": 409, "other": 403, "editor": 409, "admin": 409},
    ),
    ("delete verdict", "delete", "/api/v1/verdicts/{draft}/", None, None, members(405)),
    ("submit", "post", "/api/v1/verdicts/{draft}/submit/", None, "draft", author_and_editors(200)),
    ("approve", "post", "/api/v1/verdicts/{submitted}/approve/", None, "submitted", editors(200)),
    (
        "reject",
        "post",
        "/api/v1/verdicts/{submitted}/reject/",
        {"reason": "Sources?"},
        "submitted",
        editors(200),
    ),
    ("publish", "post", "/api/v1/verdicts/{approved}/publish/", None, "approved", editors(200)),
    (
        "approve a draft",
        "post",
        "/api/v1/verdicts/{draft}/approve/",
        None,
        "draft",
        {"anonymous": 401, "reviewer": 403, "other": 404, "editor": 409, "admin": 409},
    ),
    # Four eyes: nobody approves a verdict whose content they changed, or that they submitted.
    (
        "approve a verdict whose text the editor changed",
        "post",
        "/api/v1/verdicts/{edited_submitted}/approve/",
        None,
        "edited_submitted",
        editors(200, others=403) | {"editor": 403},
    ),
    (
        "approve a verdict the editor submitted",
        "post",
        "/api/v1/verdicts/{editor_submitted}/approve/",
        None,
        "editor_submitted",
        editors(200, others=403) | {"editor": 403},
    ),
    (
        "reject a verdict the editor submitted",
        "post",
        "/api/v1/verdicts/{editor_submitted}/reject/",
        {"reason": "Sources?"},
        "editor_submitted",
        editors(200) | {"editor": 403},
    ),
    # Approval freezes: the claim and its evidence do not change under a verdict in review.
    (
        "patch a claim under review",
        "patch",
        "/api/v1/claims/{review_claim}/",
        {"statement": "S"},
        "review_claim",
        members(409),
    ),
    (
        "add evidence to a claim under review",
        "post",
        "/api/v1/claims/{review_claim}/evidence/",
        {"url": "https://src.test/late", "stance": "supports"},
        None,
        members(409),
    ),
    (
        "add evidence to a published claim (public after a correction)",
        "post",
        "/api/v1/claims/{published_claim}/evidence/",
        {"url": "https://src.test/later", "stance": "supports"},
        None,
        members(201),
    ),
    # Sources before verdicts.
    (
        "submit a verdict whose claim has no evidence",
        "post",
        "/api/v1/verdicts/{bare_draft}/submit/",
        None,
        "bare_draft",
        author_and_editors(409),
    ),
    ("get source", "get", "/api/v1/sources/{source}/", None, None, members(200)),
    ("list ratings", "get", "/api/v1/ratings/", None, None, everyone(200)),
    ("list notifications", "get", "/api/v1/notifications/", None, None, members(200)),
    (
        "mark notifications read",
        "post",
        "/api/v1/notifications/read/",
        {"all": True},
        None,
        members(200),
    ),
    ("list webhooks", "get", "/api/v1/webhooks/", None, None, editors(200)),
    (
        "register webhook at a private address",
        "post",
        "/api/v1/webhooks/",
        {"url": "http://10.1.2.3/hook", "events": ["*"]},
        None,
        editors(400),
    ),
    ("webhook deliveries", "get", "/api/v1/webhooks/999999/deliveries/", None, None, editors(404)),
    ("get webhook", "get", "/api/v1/webhooks/{webhook}/", None, None, editors(200)),
    # A webhook whose creator lapsed is paused; an active editor or admin takes it over.
    (
        "resume a paused webhook",
        "post",
        "/api/v1/webhooks/{paused_webhook}/resume/",
        None,
        None,
        editors(200),
    ),
    (
        "resume an active webhook",
        "post",
        "/api/v1/webhooks/{webhook}/resume/",
        None,
        None,
        editors(409),
    ),
    # Article revisions (issue 20): members revise and read old bodies; anonymous readers never.
    ("list revisions", "get", "/api/v1/articles/{article}/revisions/", None, None, members(200)),
    ("get revision", "get", "/api/v1/articles/{article}/revisions/1/", None, None, members(200)),
    (
        "get a revision that does not exist",
        "get",
        "/api/v1/articles/{article}/revisions/99999999999999999999/",
        None,
        None,
        members(404),
    ),
    (
        "correct the text (a new revision)",
        "patch",
        "/api/v1/articles/{article}/",
        {"body": "A corrected text.", "revision_note": "typo"},
        "article",
        members(200),
    ),
    (
        "correct the text without If-Match",
        "patch",
        "/api/v1/articles/{article}/",
        {"body": "A corrected text."},
        None,
        members(428),
    ),
    (
        "re-fetch without If-Match (never reaches the network)",
        "post",
        "/api/v1/articles/{article}/refetch/",
        None,
        None,
        members(428),
    ),
    (
        "confirm an open claim's place",
        "post",
        "/api/v1/claims/{open_claim}/confirm-anchor/",
        None,
        "open_claim",
        members(200),
    ),
    (
        "confirm a published claim's place",
        "post",
        "/api/v1/claims/{published_claim}/confirm-anchor/",
        None,
        "published_claim",
        editors(200),
    ),
    # Default double review (issue 22): members read it, editors set it.
    ("desk double review", "get", "/api/v1/double-review/default/", None, None, members(200)),
    (
        "set the desk double review",
        "put",
        "/api/v1/double-review/default/",
        {"enabled": False, "choice": "least_loaded"},
        None,
        editors(200),
    ),
    (
        "article double review",
        "get",
        "/api/v1/articles/{article}/double-review/",
        None,
        None,
        members(200),
    ),
    (
        "set the article double review",
        "put",
        "/api/v1/articles/{article}/double-review/",
        {"enabled": False, "choice": "least_loaded"},
        None,
        editors(200),
    ),
    (
        "clear the article double review",
        "delete",
        "/api/v1/articles/{article}/double-review/",
        None,
        None,
        editors(204),
    ),
    # Notifications (issue 21): one's own e-mail choices; whom one may @mention.
    ("mention candidates", "get", "/api/v1/mentions/?q=", None, None, members(200)),
    ("e-mail choices", "get", "/api/v1/notifications/email/", None, None, members(200)),
    (
        "change e-mail choices",
        "patch",
        "/api/v1/notifications/email/",
        {"email": {"comment.created": "off"}},
        None,
        members(200),
    ),
    # Claim memory (issue 19): members match and link; editors import.
    ("match a text", "get", "/api/v1/matches/?q=unemployment", None, None, members(200)),
    ("a claim's matches", "get", "/api/v1/claims/{open_claim}/matches/", None, None, members(200)),
    ("a claim's links", "get", "/api/v1/claims/{open_claim}/links/", None, None, members(200)),
    (
        "import ClaimReviews",
        "post",
        "/api/v1/claimreviews/import/",
        {
            "@type": "ClaimReview",
            "url": "https://checks.example/matrix",
            "claimReviewed": "Unemployment fell to 5.1 percent",
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
        },
        None,
        editors(200),
    ),
    ("schema", "get", "/api/schema/", None, None, everyone(200)),
    ("swagger", "get", "/api/docs/", None, None, everyone(200)),
]


def _fill(value, ids: dict):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize("role", ROLES)
def test_the_permission_matrix_has_no_mismatches(role, extraction):
    scenario = build_scenario()
    scenario.published_claim.refresh_from_db()  # publishing bumped its version (the ETag)
    objects = {
        name: getattr(scenario, name)
        for name in (
            "article",
            "open_claim",
            "suggested_claim",
            "published_claim",
            "draft",
            "submitted",
            "approved",
            "published",
            "source",
            "review_claim",
            "edited_submitted",
            "editor_submitted",
            "bare_draft",
        )
    }
    ids = {name: obj.pk for name, obj in objects.items()}
    ids["reviewer"] = scenario.users["reviewer"].pk
    editor = scenario.users["editor"]
    for name, paused_at in (("webhook", None), ("paused_webhook", timezone.now())):
        ids[name] = Webhook.objects.create(
            url=f"http://127.0.0.2/{name}",
            events=["*"],
            secret="whsec_QQ==",
            created_by=editor,
            paused_at=paused_at,
            paused_reason="creator_not_editor" if paused_at else "",
        ).pk
    client = token_client(scenario.users[role])
    mismatches = []
    for name, method, path, body, match, expected in MATRIX:
        headers = {}
        if isinstance(match, tuple):  # ("stale", name): an ETag naming an older version
            obj = objects[match[1]]
            headers["HTTP_IF_MATCH"] = f'"{obj._meta.model_name}:{obj.pk}:{obj.version + 100}"'
        elif match is not None:
            headers["HTTP_IF_MATCH"] = etag_for(objects[match])
        sid = transaction.savepoint()
        try:
            response = getattr(client, method)(
                _fill(path, ids), _fill(body, ids), format="json", **headers
            )
        finally:
            transaction.savepoint_rollback(sid)
        if response.status_code != expected[role]:
            mismatches.append(
                f"{name}: {method.upper()} {path} as {role}: "
                f"expected {expected[role]}, got {response.status_code} {response.content[:200]!r}"
            )
    assert mismatches == [], f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)
