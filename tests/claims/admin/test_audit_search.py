"""The audit-event lists' search box (?q=) in the admin: by object id, or by actor name."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.audit import audit_context, user_metadata
from claims.models import Verdict
from claims.services.articles import article_update
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    ["articleevent", "claimevent", "sourceevent", "evidenceevent", "verdictevent", "commentevent"],
)
@pytest.mark.parametrize("term", ["12", "ana", "<script>", "  ", "12 ana", "99999999999999999999"])
def test_every_event_list_answers_any_search(model, term):
    admin = Client()
    admin.force_login(EditorFactory())
    response = admin.get(f"/admin/claims/{model}/", {"q": term})
    assert response.status_code == 200


def test_search_finds_an_objects_events_by_id_and_by_actor():
    editor = EditorFactory(username="searching-editor")
    article, other = ArticleFactory(), ArticleFactory()
    with audit_context(**user_metadata(editor)):
        article_update(actor=editor, article=article, title="Renamed")
    admin = Client()
    admin.force_login(editor)

    def found(term):
        page = admin.get("/admin/claims/articleevent/", {"q": term})
        assert page.status_code == 200
        return {(e.pgh_obj_id, e.pgh_label) for e in page.context["cl"].result_list}

    assert found(str(article.pk)) == {(article.pk, "insert"), (article.pk, "update")}
    assert found(str(other.pk)) == {(other.pk, "insert")}
    assert found("searching-ed") == {(article.pk, "update")}
    assert found("nobody-at-all") == set()
    # Through the admin itself (the request's user is the actor), the claim list too.
    claim = ClaimFactory()
    assert Verdict.objects.count() == 0
    page = admin.get("/admin/claims/claimevent/", {"q": f"{claim.pk}"})
    assert [e.pgh_obj_id for e in page.context["cl"].result_list] == [claim.pk]
