"""One editor cannot publish a verdict they edited or submitted: not through the API, the reviewer
UI or the admin (its one-verdict review page and its bulk actions)."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import Verdict
from claims.services.verdicts import verdict_create, verdict_submit, verdict_update
from tests.claims.api.conftest import token_client
from tests.factories import EditorFactory, ReviewerFactory, SourcedClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    reviewer = ReviewerFactory()
    return verdict_create(
        actor=reviewer, claim=SourcedClaimFactory(), rating="false", summary="Wrong figure."
    )


def _etag(verdict: Verdict) -> str:
    verdict.refresh_from_db()
    return f'"verdict:{verdict.pk}:{verdict.version}"'


def test_through_the_api(draft):
    editor = token_client(EditorFactory())
    url = f"/api/v1/verdicts/{draft.pk}/"
    patched = editor.patch(
        url, {"summary": "Wrong, per the editor."}, format="json", HTTP_IF_MATCH=_etag(draft)
    )
    assert patched.status_code == 200
    assert editor.post(url + "submit/", HTTP_IF_MATCH=_etag(draft)).status_code == 200
    approve = editor.post(url + "approve/", HTTP_IF_MATCH=_etag(draft))
    assert approve.status_code == 403
    assert "another editor must review it" in approve.json()["detail"]
    assert editor.post(url + "publish/", HTTP_IF_MATCH=_etag(draft)).status_code == 409
    draft.refresh_from_db()
    assert (draft.status, draft.reviewed_by, draft.published_at) == ("submitted", None, None)


def test_through_the_reviewer_ui(draft):
    editor = EditorFactory()
    client = Client()
    client.force_login(editor)
    claim_id = draft.claim_id
    client.post(
        f"/claims/{claim_id}/verdict/",
        {"verdict": draft.pk, "version": draft.version, "rating": "false", "summary": "Mine."},
    )
    draft.refresh_from_db()
    assert draft.summary == "Mine." and draft.content_changed_by == editor
    client.post(f"/verdicts/{draft.pk}/submit/", {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == "submitted"
    page = client.get(f"/claims/{claim_id}/").content.decode()
    assert f"/verdicts/{draft.pk}/approve/" not in page  # no button; the reason in its place
    assert "Cannot approve: you changed this verdict" in page
    queue = client.get("/queue/").content.decode()
    assert f"/verdicts/{draft.pk}/approve/" not in queue and "another editor" in queue
    response = client.post(
        f"/verdicts/{draft.pk}/approve/", {"version": draft.version}, follow=True
    )
    assert "another editor must review it" in response.content.decode()
    client.post(f"/verdicts/{draft.pk}/publish/", {"version": draft.version})
    draft.refresh_from_db()
    assert (draft.status, draft.reviewed_by) == ("submitted", None)


@pytest.mark.parametrize("edited", [True, False], ids=["edited", "submitted only"])
def test_through_the_admin(draft, edited):
    editor = EditorFactory()
    if edited:
        draft = verdict_update(actor=editor, verdict=draft, summary="Edited in the admin's name.")
        draft = verdict_submit(actor=draft.author, verdict=draft)
    else:
        draft = verdict_submit(actor=editor, verdict=draft)
    client = Client()
    client.force_login(editor)
    response = client.post(
        f"/admin/claims/verdict/{draft.pk}/review/",
        {"decision": "approve", "version": draft.version},
        follow=True,
    )
    assert "another editor must review it" in response.content.decode()
    for action in ("approve_selected", "publish_selected"):
        response = client.post(
            "/admin/claims/verdict/?status=all",
            {"action": action, "_selected_action": [draft.pk]},
            follow=True,
        )
        assert response.status_code == 200
        assert "not approved" in response.content.decode() or action == "publish_selected"
    draft.refresh_from_db()
    assert (draft.status, draft.reviewed_by) == ("submitted", None)
    # A second editor can.
    other = Client()
    other.force_login(EditorFactory())
    other.post(
        "/admin/claims/verdict/?status=all",
        {"action": "approve_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == "approved"
