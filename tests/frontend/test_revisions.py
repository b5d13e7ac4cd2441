"""The UI of article revisions (issue 20): correct the text, the revision list and its diff
(escaped), a stale form, the claim page's old and new text, the editors' queue, the public note."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import Article, ArticleRevision, Claim
from claims.services.claims import claim_create
from claims.services.revisions import article_revise
from claims.services.verdicts import (
    verdict_approve,
    verdict_create,
    verdict_publish,
    verdict_submit,
)
from tests.factories import ArticleFactory, EvidenceFactory, ReviewerFactory

BODY = (
    "The minister said unemployment fell to 4.2 percent in March.\n\n"
    "Critics replied that wages have not kept pace with inflation since 2019.\n"
)
Q1 = "unemployment fell to 4.2 percent in March"


@pytest.fixture
def story(reviewer):
    article = ArticleFactory(title="Jobs story", body=BODY)
    at = BODY.index(Q1)
    claim = claim_create(actor=reviewer, article=article, start=at, end=at + len(Q1))
    article.refresh_from_db()
    return article, claim


def test_correct_the_text_from_the_page(reviewer_client, story):
    article, claim = story
    page = reviewer_client.get(f"/articles/{article.pk}/").content.decode()
    assert f"/articles/{article.pk}/revisions/" in page
    html = reviewer_client.get(f"/articles/{article.pk}/revisions/").content.decode()
    assert "Correct the text" in html and "Revision 1" in html
    # the browser sends CRLF from the textarea; a typo fixed inside the claim
    new = BODY.replace("4.2 percent", "4.3 percent").replace("\n", "\r\n")
    response = reviewer_client.post(
        f"/articles/{article.pk}/correct/",
        {"body": new, "note": "Figure corrected", "version": article.version},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Revision 2 saved" in html
    assert "<del>4.2</del>" in html and "<ins>4.3</ins>" in html
    article.refresh_from_db()
    assert article.revision == 2 and "\r" not in article.body
    claim.refresh_from_db()
    assert (claim.anchor_status, claim.quote) == (
        "changed",
        "unemployment fell to 4.3 percent in March",
    )
    assert ArticleRevision.objects.get(article=article, number=2).note == "Figure corrected"


def test_html_in_the_text_is_escaped_in_the_diff(reviewer_client, story):
    article, _ = story
    article_revise(actor=None, article=article, body="<img src=x onerror=alert(1)>\n\n" + BODY)
    html = reviewer_client.get(f"/articles/{article.pk}/revisions/").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_stale_form_is_refused_and_the_text_kept(reviewer_client, story):
    article, _ = story
    stale_version = article.version
    article_revise(actor=None, article=article, body=BODY + "Footnote.\n")
    mine = BODY.replace("Critics", "Economists")
    response = reviewer_client.post(
        f"/articles/{article.pk}/correct/", {"body": mine, "version": stale_version}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone changed this article" in html
    assert "Economists replied" in html  # what was typed is not lost
    assert Article.objects.get(pk=article.pk).revision == 2


def test_a_blank_text_is_refused(reviewer_client, story):
    article, _ = story
    response = reviewer_client.post(
        f"/articles/{article.pk}/correct/", {"body": "   ", "version": article.version}
    )
    assert response.status_code == 400
    assert "may not be blank" in response.content.decode()


def test_anonymous_and_roleless_users_cannot_revise(story):
    article, _ = story
    anonymous = Client().post(f"/articles/{article.pk}/correct/", {"body": "x"})
    assert anonymous.status_code in (302, 403)
    from tests.factories import UserFactory

    nobody = Client()
    nobody.force_login(UserFactory())
    assert nobody.post(f"/articles/{article.pk}/correct/", {"body": "x"}).status_code == 403
    assert Article.objects.get(pk=article.pk).body == BODY


def test_checked_claim_changed_shows_side_by_side_queue_and_public_note(
    reviewer, editor, editor_client, reviewer_client, story
):
    article, claim = story
    EvidenceFactory(claim=claim)
    verdict = verdict_create(actor=reviewer, claim=claim, rating="false", summary="No.")
    verdict = verdict_submit(actor=reviewer, verdict=verdict)
    verdict_approve(actor=editor, verdict=verdict)
    verdict_publish(actor=editor, verdict=verdict)
    article.refresh_from_db()
    article_revise(
        actor=ReviewerFactory(), article=article, body=BODY.replace("4.2 percent", "4.3 percent")
    )
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.anchor_review
    # the claim page: as checked beside now
    html = reviewer_client.get(f"/claims/{claim.pk}/").content.decode()
    assert 'data-testid="anchor-diff"' in html
    assert "<del>4.2</del>" in html and "<ins>4.3</ins>" in html
    assert "Confirm its place" not in html  # a published claim: editors confirm
    # the editors' queue
    queue = editor_client.get("/queue/").content.decode()
    assert f'id="anchor-review-{claim.pk}"' in queue
    # the public page: still published, the text as checked, and the note
    from claims.exports.claimreview import fact_check_path

    public = Client().get(fact_check_path(claim))
    assert public.status_code == 200
    text = public.content.decode()
    assert "The article changed after it was checked" in text
    assert Q1 in text  # as checked
    # an editor confirms; the claim leaves the queue
    response = editor_client.post(
        f"/claims/{claim.pk}/confirm-anchor/", {"version": claim.version}, follow=True
    )
    assert "confirmed" in response.content.decode()
    claim.refresh_from_db()
    assert (claim.anchor_review, claim.anchor_status) == (False, "exact")
    assert f'id="anchor-review-{claim.pk}"' not in editor_client.get("/queue/").content.decode()


def test_a_lost_claim_is_listed_but_not_marked_in_the_text(reviewer_client, story):
    article, claim = story
    article_revise(actor=None, article=article, body="Entirely different words here.\n")
    html = reviewer_client.get(f"/articles/{article.pk}/").content.decode()
    assert f'id="claim-{claim.pk}"' in html or f"/claims/{claim.pk}/" in html
    page = reviewer_client.get(f"/claims/{claim.pk}/").content.decode()
    assert "no longer in the article" in page and "Place it here" in page


def test_the_revision_notice_reaches_the_inbox_and_the_api(
    reviewer, editor, reviewer_client, story
):
    article, claim = story
    EvidenceFactory(claim=claim)
    verdict = verdict_create(actor=reviewer, claim=claim, rating="false", summary="No.")
    verdict_submit(actor=reviewer, verdict=verdict)
    article.refresh_from_db()
    article_revise(actor=editor, article=article, body=BODY.replace(Q1, "jobs rose"))
    html = reviewer_client.get("/inbox/").content.decode()
    assert f"/articles/{article.pk}/revisions/" in html and "revised" in html
    from tests.claims.api.conftest import token_client

    items = token_client(reviewer).get("/api/v1/notifications/").json()["results"]
    revised = next(i for i in items if i["type"] == "article.revised")
    assert revised["object"]["kind"] == "article" and revised["object"]["id"] == article.pk


def test_refetch_from_the_page_is_queued_and_said_so(
    reviewer_client, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        "claims.services.queue.current_app.send_task",
        lambda name, args, **kw: sent.append((name, list(args))),
    )
    article = ArticleFactory(title="Jobs story", body=BODY, url="http://127.0.0.1:9/jobs")
    html = reviewer_client.get(f"/articles/{article.pk}/revisions/").content.decode()
    assert "Re-fetch from its URL" in html
    form = {"version": article.version}
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(f"/articles/{article.pk}/refetch/", form, follow=True)
    html = response.content.decode()
    assert "Re-fetch started" in html
    assert [name for name, _ in sent] == ["claims.tasks.article_refetch"]
    again = reviewer_client.post(f"/articles/{article.pk}/refetch/", form, follow=True)
    assert "Could not re-fetch: a re-fetch of this article was started less than" in (
        again.content.decode()
    )
    assert len(sent) == 1
    article.refresh_from_db()
    assert article.revision == 1 and not ArticleRevision.objects.filter(number=2).exists()


def test_a_published_fact_check_keeps_its_address_and_the_text_it_rated(
    reviewer, editor, editor_client, story
):
    """Frozen once published: a reviewer's revision of the article, an editor confirming the new
    place, and a later revision that moves the claim change neither the fact-check's address
    (the ClaimReview's url, the feeds, the page) nor the text it says was rated."""
    from claims.exports.claimreview import fact_check_path
    from tests.claims.api.conftest import token_client

    article, claim = story
    EvidenceFactory(claim=claim)
    verdict = verdict_submit(
        actor=reviewer,
        verdict=verdict_create(actor=reviewer, claim=claim, rating="false", summary="No."),
    )
    verdict_publish(actor=editor, verdict=verdict_approve(actor=editor, verdict=verdict))
    claim.refresh_from_db()
    path = fact_check_path(claim)
    anonymous = token_client(None)

    def published_as_it_was(step: str) -> None:
        review = anonymous.get(f"/api/v1/claims/{claim.pk}/claimreview/").json()
        assert review["url"].endswith(path), step
        assert review["claimReviewed"] == Q1, step
        page = Client().get(path)
        assert page.status_code == 200, step
        assert f"<blockquote>{Q1}</blockquote>" in page.content.decode(), step
        feed = Client().get("/fact-checks/feed.jsonld").content.decode()
        assert path in feed and "4.3 percent" not in feed, step

    published_as_it_was("before")
    article.refresh_from_db()
    changed = BODY.replace("4.2 percent", "4.3 percent")
    article_revise(actor=ReviewerFactory(), article=article, body=changed)
    published_as_it_was("a reviewer's revision changed the words")
    claim.refresh_from_db()
    response = editor_client.post(
        f"/claims/{claim.pk}/confirm-anchor/", {"version": claim.version}, follow=True
    )
    assert "confirmed" in response.content.decode()
    claim.refresh_from_db()
    assert (claim.anchor_status, claim.anchor_review) == ("exact", False)
    published_as_it_was("an editor confirmed the new place")
    article.refresh_from_db()
    article_revise(actor=ReviewerFactory(), article=article, body="A new first line.\n\n" + changed)
    claim.refresh_from_db()
    assert claim.anchor_status == "moved"
    published_as_it_was("a later revision moved it")


def test_saving_the_same_text_again_says_nothing_was_recorded(reviewer_client, story):
    article, _ = story
    article_revise(actor=ReviewerFactory(), article=article, body=BODY + "A new last line.\n")
    article.refresh_from_db()
    response = reviewer_client.post(
        f"/articles/{article.pk}/correct/",
        {"body": article.body, "note": "", "version": article.version},
        follow=True,
    )
    html = response.content.decode()
    assert "nothing was recorded" in html and "Revision 2 saved" not in html
    assert ArticleRevision.objects.filter(article=article).count() == 2
