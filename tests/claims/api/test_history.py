"""The audit trail through the API: writes are recorded with the token user, and the history of a
claim is readable by members and writable by nobody."""

from __future__ import annotations

import pytest

from claims.audit import audit_context, user_metadata
from claims.models import Claim, ClaimEvent, Comment
from tests.claims.api.conftest import token_client
from tests.factories import (
    ClaimFactory,
    CommentFactory,
    EditorFactory,
    ReviewerFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


def history_url(claim) -> str:
    return f"/api/v1/claims/{claim.pk}/history/"


def test_a_change_through_the_api_is_recorded_once_with_the_token_user_as_actor():
    reviewer = ReviewerFactory()
    claim = ClaimFactory(statement="before")

    response = token_client(reviewer).patch(
        f"/api/v1/claims/{claim.pk}/",
        {"statement": "after"},
        format="json",
        HTTP_IF_MATCH=f'"claim:{claim.pk}:{claim.version}"',
    )

    assert response.status_code == 200, response.content
    [event] = ClaimEvent.objects.filter(pgh_obj_id=claim.pk, pgh_label="update")
    assert event.pgh_context["actor"] == reviewer.username
    assert event.pgh_context["user"] == reviewer.pk
    assert event.pgh_changes["statement"] == ["before", "after"]
    assert event.pgh_changes["version"] == [1, 2]


def test_a_member_reads_the_history_of_a_claim_in_time_order():
    reviewer = ReviewerFactory()
    claim = ClaimFactory(statement="before")
    client = token_client(reviewer)
    client.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"statement": "after"},
        format="json",
        HTTP_IF_MATCH=f'"claim:{claim.pk}:1"',
    )

    response = client.get(history_url(claim))

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["model"], r["operation"], r["actor"]) for r in results] == [
        ("claim", "insert", "unknown"),
        ("claim", "update", reviewer.username),
    ]
    assert results[1]["changes"]["statement"] == ["before", "after"]
    assert set(results[1]) == {
        "id",
        "at",
        "actor",
        "user_id",
        "operation",
        "model",
        "object_id",
        "changes",
    }


def test_anonymous_clients_cannot_read_a_history():
    claim = ClaimFactory(status=Claim.Status.PUBLISHED)
    assert token_client(None).get(history_url(claim)).status_code in (401, 403)


def test_a_reviewer_does_not_see_others_drafts_or_hidden_comments_in_the_history():
    reviewer, editor = ReviewerFactory(), EditorFactory()
    claim = ClaimFactory()
    draft = VerdictFactory(claim=claim)  # another reviewer's draft
    own = VerdictFactory(claim=claim, author=reviewer)
    hidden = CommentFactory(claim=claim)
    with audit_context(**user_metadata(editor)):
        Comment.objects.filter(pk=hidden.pk).update(is_hidden=True)

    seen_by_reviewer = {
        (r["model"], r["object_id"])
        for r in token_client(reviewer).get(history_url(claim)).json()["results"]
    }
    seen_by_editor = {
        (r["model"], r["object_id"])
        for r in token_client(editor).get(history_url(claim)).json()["results"]
    }

    assert ("verdict", own.pk) in seen_by_reviewer
    assert ("verdict", draft.pk) not in seen_by_reviewer
    assert ("comment", hidden.pk) not in seen_by_reviewer
    assert {("verdict", draft.pk), ("comment", hidden.pk)} <= seen_by_editor


def test_the_trail_cannot_be_changed_through_the_api():
    editor = EditorFactory()
    claim = ClaimFactory()
    client = token_client(editor)

    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(history_url(claim), {}, format="json")
        assert response.status_code == 405, method
    assert ClaimEvent.objects.filter(pgh_obj_id=claim.pk).count() == 1
    assert client.get("/api/v1/events/").status_code == 404
