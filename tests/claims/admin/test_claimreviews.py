"""Imported fact-checks in the admin, through the test client: list, search, filters, read-only
pages, hide and show again with the audit trail, delete for admins, and who may enter."""

from __future__ import annotations

import json
import time

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from claims.models import Claim, ClaimLink, ClaimMatchResult, ClaimReview, ClaimReviewEvent
from claims.selectors_matching import MatchQuery, match_text
from claims.services.claimreviews import claimreview_import_trusted
from claims.services.matching import claim_link_create
from tests.claims.matching.conftest import fact_check
from tests.factories import (
    AdminFactory,
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
)

pytestmark = pytest.mark.django_db

URL = "/admin/claims/claimreview/"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def imported(key: str, claim: str, rating: str = "False", **extra) -> ClaimReview:
    item = fact_check(key, claim, rating) | extra
    claimreview_import_trusted(data=json.dumps(item))
    return ClaimReview.objects.get(url=f"https://checks.example/{key}")


@pytest.fixture
def reviews():
    return [
        imported("bridge", "The new river bridge in Porto cost 40 million euros to build"),
        imported(
            "moon",
            "The Apollo 11 moon landing was filmed in a studio",
            "Pants on fire",
            author={"@type": "Organization", "name": "Moon Desk"},
            datePublished="2019-07-20",
        ),
        imported("wage", "Germany raised its minimum wage to 12 euros an hour", "True"),
    ]


@pytest.fixture
def editor(client):
    user = EditorFactory(is_staff=True)
    client.force_login(user)
    return user


def listed(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def test_a_reviewer_is_refused_even_if_marked_staff(client, reviews):
    client.force_login(ReviewerFactory(is_staff=True))
    for url in (URL, f"{URL}{reviews[0].pk}/change/", "/admin/claims/claimreviewevent/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")
    response = client.post(
        URL,
        {"action": "hide_selected", "_selected_action": [reviews[0].pk], "apply": "1"},
    )
    assert response.status_code == 302
    assert not ClaimReview.objects.get(pk=reviews[0].pk).is_hidden


def test_the_list_searches_and_filters_by_publisher_date_and_rating(client, editor, reviews):
    bridge, moon, wage = reviews
    assert listed(client.get(URL)) == {bridge.pk, moon.pk, wage.pk}
    assert listed(client.get(URL, {"q": "Apollo"})) == {moon.pk}
    assert listed(client.get(URL, {"publisher": "Moon Desk"})) == {moon.pk}
    assert listed(client.get(URL, {"rating": "pants on fire"})) == {moon.pk}
    assert listed(client.get(URL, {"date_published__year": "2019"})) == {moon.pk}
    response = client.get(URL, {"date_published__gte": "2023-01-01"})
    assert listed(response) == {bridge.pk, wage.pk}
    page = client.get(URL).content.decode()
    assert "Moon Desk" in page and "Pants on fire" in page


def test_an_imported_fact_check_is_read_only(client, editor, reviews):
    bridge = reviews[0]
    response = client.get(f"{URL}{bridge.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The new river bridge in Porto" in page
    assert "https://checks.example/bridge" in page
    assert 'name="claim_reviewed"' not in page  # shown, not editable
    client.post(f"{URL}{bridge.pk}/change/", {"claim_reviewed": "Changed"})
    assert ClaimReview.objects.get(pk=bridge.pk).claim_reviewed.startswith("The new river")
    assert client.get(f"{URL}add/").status_code == 403


def test_an_editor_hides_a_fact_check_with_a_reason_and_the_trail_says_who(client, editor, reviews):
    bridge = reviews[0]
    assert match_text(MatchQuery(text="Porto river bridge cost 40 million euros"))[0]["id"] == (
        bridge.pk
    )
    response = client.post(
        URL,
        {
            "action": "hide_selected",
            "_selected_action": [bridge.pk],
            "apply": "1",
            "reason": "rating contradicts the article",
        },
        follow=True,
    )
    assert "Hidden 1 " in " ".join(messages_of(response))
    hidden = ClaimReview.objects.get(pk=bridge.pk)
    assert hidden.is_hidden and hidden.hidden_by == editor
    assert hidden.hidden_reason == "rating contradicts the article"

    # No longer offered as a match, and a re-import leaves it hidden.
    found = match_text(MatchQuery(text="Porto river bridge cost 40 million euros"))
    assert bridge.pk not in [r["id"] for r in found if r["kind"] == "claimreview"]
    imported("bridge", "The new river bridge in Porto cost 40 million euros to build")
    assert ClaimReview.objects.get(pk=bridge.pk).is_hidden

    event = ClaimReviewEvent.objects.get(pgh_obj_id=bridge.pk, pgh_label="update")
    assert event.pgh_context["actor"] == editor.username
    assert event.pgh_changes["is_hidden"] == [False, True]
    history = client.get(f"{URL}{bridge.pk}/history/").content.decode()
    assert editor.username in history and "rating contradicts" in history

    # Hiding it again is refused with the reason; showing it again is recorded too.
    response = client.post(
        URL,
        {"action": "hide_selected", "_selected_action": [bridge.pk], "apply": "1"},
        follow=True,
    )
    assert "already hidden" in " ".join(messages_of(response))
    client.post(URL, {"action": "unhide_selected", "_selected_action": [bridge.pk]})
    assert not ClaimReview.objects.get(pk=bridge.pk).is_hidden
    assert ClaimReviewEvent.objects.filter(pgh_obj_id=bridge.pk, pgh_label="update").count() == 2


def test_a_reimport_records_no_moderation_event(reviews):
    imported("wage", "Germany raised its minimum wage to 12.41 euros an hour", "True")
    assert not ClaimReviewEvent.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_hiding_has_the_worker_recompute_the_claims_whose_stored_matches_name_it(
    client, reviews, celery_worker_process
):
    # The worker runs claim_match_refresh from its own queue ("matching"), which the test worker
    # consumes as `make run` and `make worker` do.
    client.force_login(EditorFactory(is_staff=True))
    bridge = reviews[0]
    claim = ClaimFactory(statement="The Porto river bridge cost 40 million euros")
    ClaimMatchResult.objects.update_or_create(
        claim=claim,
        defaults={
            "results": [{"kind": "claimreview", "id": bridge.pk, "score": 0.9, "same_claim": True}],
            "best_score": 0.9,
            "same_claim": True,
            "computed_at": timezone.now(),
        },
    )
    client.post(URL, {"action": "hide_selected", "_selected_action": [bridge.pk], "apply": "1"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        stored = ClaimMatchResult.objects.get(claim=claim)
        if all(r["id"] != bridge.pk for r in stored.results):
            break
        time.sleep(0.3)
    else:
        raise AssertionError("the stored matches still name the hidden fact-check")


def test_a_hidden_fact_check_cannot_be_linked_and_drops_out_of_links(editor, reviews):
    from claims.selectors_matching import claim_links_for
    from claims.services.claimreviews import claimreview_hide
    from claims.services.errors import ValidationError

    bridge, moon, _ = reviews
    claim = ClaimFactory(status=Claim.Status.OPEN)
    claim_link_create(actor=editor, claim=claim, kind="claimreview", target_id=moon.pk)
    claimreview_hide(actor=editor, review=moon)
    claimreview_hide(actor=editor, review=bridge)
    with pytest.raises(ValidationError):
        claim_link_create(actor=editor, claim=claim, kind="claimreview", target_id=bridge.pk)
    assert claim_links_for(claim_ids=[claim.pk])[claim.pk] == []


def test_only_an_admin_deletes_and_never_a_linked_one(client, reviews):
    _, moon, wage = reviews
    editor = EditorFactory(is_staff=True)
    client.force_login(editor)
    response = client.post(URL, {"action": "delete_selected", "_selected_action": [wage.pk]})
    assert ClaimReview.objects.filter(pk=wage.pk).exists()
    assert client.post(f"{URL}{wage.pk}/delete/", {"post": "yes"}).status_code == 403

    admin = AdminFactory(is_staff=True)
    claim = ClaimFactory(status=Claim.Status.OPEN)
    claim_link_create(actor=admin, claim=claim, kind="claimreview", target_id=moon.pk)
    client.force_login(admin)
    response = client.post(f"{URL}{wage.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert not ClaimReview.objects.filter(pk=wage.pk).exists()
    event = ClaimReviewEvent.objects.get(pgh_obj_id=wage.pk, pgh_label="delete")
    assert event.pgh_context["actor"] == admin.username
    assert event.claim_reviewed.startswith("Germany raised")

    # A linked one: the admin shows what protects it and deletes nothing.
    response = client.post(f"{URL}{moon.pk}/delete/", {"post": "yes"})
    assert ClaimReview.objects.filter(pk=moon.pk).exists()
    assert ClaimLink.objects.filter(claim_review=moon).exists()


def test_a_hidden_fact_check_leaves_every_member_surface_at_once(editor, reviews):
    """Hidden from the moment the moderator's transaction commits, without waiting for the
    worker: the stored matches (the workbench's "checked before" mark) lose it in the same
    transaction, and the links API lists no link to it (the pages already left it out)."""
    from django.test import Client

    from claims.services.claimreviews import claimreview_hide
    from tests.claims.api.conftest import token_client

    bridge, moon, wage = reviews
    claim = ClaimFactory(status=Claim.Status.OPEN, statement="The moon landing was staged")
    claim_link_create(actor=editor, claim=claim, kind="claimreview", target_id=moon.pk)
    claim_link_create(actor=editor, claim=claim, kind="claimreview", target_id=wage.pk)
    stored = [
        {"kind": "claimreview", "id": r.pk, "claim_reviewed": r.claim_reviewed, "url": r.url}
        | {"rating": "False", "author": "X", "date_published": None}
        | {"score": score, "same_claim": score > 0.5}
        for r, score in ((moon, 0.9), (bridge, 0.3))
    ]
    ClaimMatchResult.objects.create(
        claim=claim, results=stored, best_score=0.9, same_claim=True, computed_at=timezone.now()
    )
    reviewer = ReviewerFactory()
    browser = Client()
    browser.force_login(reviewer)
    workbench = f"/articles/{claim.article_id}/"
    assert moon.url in browser.get(workbench).content.decode()  # shown before it is hidden

    claimreview_hide(actor=editor, review=moon)

    kept = ClaimMatchResult.objects.get(claim=claim)
    assert [r["id"] for r in kept.results] == [bridge.pk]
    assert (kept.best_score, kept.same_claim) == (0.3, False)
    page = browser.get(workbench).content.decode()
    assert moon.url not in page and "filmed in a studio" not in page
    links = token_client(reviewer).get(f"/api/v1/claims/{claim.pk}/links/").json()
    assert [(x["kind"], x["target"]) for x in links] == [("claimreview", wage.pk)]
