"""Article revisions through the API (issue 20): a corpus of edits, each with its expected
outcome for every claim, read back from the API; the database's span rule holds after each."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from claims.models import Article, ArticleRevision, Claim, Event, EventType, Notification, Verdict
from claims.services.claims import claim_create
from claims.services.verdicts import (
    verdict_approve,
    verdict_create,
    verdict_publish,
    verdict_submit,
)
from tests.claims.api.conftest import token_client
from tests.factories import ArticleFactory, EditorFactory, EvidenceFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

P1 = (
    "The minister said unemployment fell to 4.2 percent in March, the lowest in a decade. "
    "She credited the new training scheme."
)
P2 = (
    "Critics replied that wages have not kept pace with inflation since 2019. "
    "The opposition called the figures misleading."
)
P3 = "The city council approved a budget of 12 million dollars for new schools on Tuesday."
BODY = f"{P1}\n\n{P2}\n\n{P3}\n"
Q1 = "unemployment fell to 4.2 percent in March"
Q2 = "wages have not kept pace with inflation since 2019"
Q3 = "a budget of 12 million dollars for new schools"


def _article(body: str = BODY, **kwargs) -> Article:
    return ArticleFactory(body=body, **kwargs)


def _claim(article: Article, quote: str, actor, *, occurrence: int = 0) -> Claim:
    at = -1
    for _ in range(occurrence + 1):
        at = article.body.index(quote, at + 1)
    article.refresh_from_db()
    return claim_create(actor=actor, article=article, start=at, end=at + len(quote))


def _revise(client, article: Article, body: str, **extra):
    article.refresh_from_db()
    return client.patch(
        f"/api/v1/articles/{article.pk}/",
        {"body": body, **extra},
        format="json",
        HTTP_IF_MATCH=f'"article:{article.pk}:{article.version}"',
    )


def _claims(client, article: Article) -> dict[int, dict]:
    response = client.get(f"/api/v1/claims/?article={article.pk}&page_size=200")
    assert response.status_code == 200
    return {c["id"]: c for c in response.json()["results"]}


def _check_spans(article: Article) -> None:
    """Every claim that is not lost quotes the body exactly (what the trigger holds at commit)."""
    article.refresh_from_db()
    for claim in article.claims.all():
        if claim.anchor_status == Claim.AnchorStatus.LOST:
            assert claim.start is None and claim.end is None
        else:
            assert article.body[claim.start : claim.end] == claim.quote


@pytest.fixture
def reviewer():
    return ReviewerFactory()


@pytest.fixture
def client(reviewer):
    return token_client(reviewer)


@pytest.fixture
def three(reviewer):
    article = _article()
    claims = [_claim(article, q, reviewer) for q in (Q1, Q2, Q3)]
    return article, claims


def _outcome(client, article, claims) -> list[tuple[str, str | None]]:
    found = _claims(client, article)
    return [(found[c.pk]["anchor_status"], found[c.pk]["quote"]) for c in claims]


def test_new_claims_are_exact_in_revision_one(client, three):
    article, claims = three
    found = _claims(client, article)
    for claim in claims:
        row = found[claim.pk]
        assert (row["anchor_status"], row["anchor_confidence"], row["revision"]) == (
            "exact",
            1.0,
            1,
        )
    response = client.get(f"/api/v1/articles/{article.pk}/revisions/")
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 1
    assert page["results"][0]["number"] == 1 and page["results"][0]["reason"] == "original"


def test_typo_fixed_outside_every_claim(client, three):
    article, claims = three
    response = _revise(client, article, BODY.replace("She credited", "She credits"))
    assert response.status_code == 200, response.json()
    assert response.json()["revision"] == 2
    assert _outcome(client, article, claims) == [("moved", Q1), ("moved", Q2), ("moved", Q3)]
    found = _claims(client, article)
    assert {found[c.pk]["revision"] for c in claims} == {2}
    assert {found[c.pk]["anchor_confidence"] for c in claims} == {1.0}
    _check_spans(article)


def test_paragraph_inserted_at_the_top(client, three):
    article, claims = three
    top = "UPDATE: this article was corrected on Friday.\n\n"
    assert _revise(client, article, top + BODY).status_code == 200
    found = _claims(client, article)
    for claim in claims:
        assert found[claim.pk]["anchor_status"] == "moved"
        assert found[claim.pk]["start"] == claim.start + len(top)
    _check_spans(article)


def test_typo_fixed_inside_a_claim(client, three):
    article, claims = three
    assert _revise(client, article, BODY.replace("4.2 percent", "4.3 percent")).status_code == 200
    found = _claims(client, article)
    first = found[claims[0].pk]
    assert first["anchor_status"] == "changed"
    assert first["quote"] == "unemployment fell to 4.3 percent in March"
    assert 0.8 < first["anchor_confidence"] < 1
    assert first["quote_before"] == Q1
    assert first["anchor_review"] is False  # no verdict was submitted on it
    assert [found[c.pk]["anchor_status"] for c in claims[1:]] == ["moved", "moved"]
    _check_spans(article)


def test_sentence_holding_a_claim_deleted(client, three):
    article, claims = three
    sentence = "Critics replied that wages have not kept pace with inflation since 2019. "
    assert _revise(client, article, BODY.replace(sentence, "")).status_code == 200
    found = _claims(client, article)
    lost = found[claims[1].pk]
    assert (lost["anchor_status"], lost["start"], lost["end"]) == ("lost", None, None)
    assert lost["quote"] == Q2  # kept, never deleted
    assert lost["revision"] == 1  # where it was last found
    assert lost["anchor_confidence"] == 0.0
    assert [found[c.pk]["anchor_status"] for c in (claims[0], claims[2])] == ["moved", "moved"]
    _check_spans(article)
    # a later revision keeps it lost and keeps its last revision
    article.refresh_from_db()
    assert _revise(client, article, article.body + "\nA footnote.").status_code == 200
    assert _claims(client, article)[claims[1].pk]["revision"] == 1


def test_two_paragraphs_swapped(client, three):
    article, claims = three
    swapped = f"{P3}\n\n{P2}\n\n{P1}\n"
    assert _revise(client, article, swapped).status_code == 200
    found = _claims(client, article)
    for claim, quote in zip(claims, (Q1, Q2, Q3), strict=True):
        row = found[claim.pk]
        assert row["anchor_status"] == "moved"  # same text: not flagged
        assert swapped[row["start"] : row["end"]] == quote
        assert row["anchor_confidence"] > 0.8
    _check_spans(article)


def test_a_sentence_twice_prefix_and_suffix_decide(client, reviewer):
    lead = "In her speech on the economy, the minister said "
    body = f"{lead}{Q1}, adding that growth would follow.\n\nOther news: a storm hit the coast."
    article = _article(body)
    claim = _claim(article, Q1, reviewer)
    # the claim's paragraph is rewritten around a decoy with the same words in another context
    decoy = f"A rival claimed {Q1} was due to seasonal work.\n\n"
    new = (
        f"{decoy}Other news: a storm hit the coast.\n\n"
        f"In her speech on the economy, the minister said {Q1}, adding that growth would follow."
    )
    assert _revise(client, article, new).status_code == 200
    row = _claims(client, article)[claim.pk]
    assert row["anchor_status"] == "moved"
    assert row["start"] == new.index(f"said {Q1}") + len("said ")
    assert row["start"] != new.index(Q1)  # not the first occurrence, the decoy
    _check_spans(article)


def test_whole_body_replaced_by_unrelated_text(client, three):
    article, claims = three
    new = "Gardening tips: water tomatoes in the morning and mulch the beds in summer.\n" * 3
    assert _revise(client, article, new).status_code == 200
    found = _claims(client, article)
    assert [found[c.pk]["anchor_status"] for c in claims] == ["lost", "lost", "lost"]
    assert [found[c.pk]["quote"] for c in claims] == [Q1, Q2, Q3]
    assert Claim.objects.filter(pk__in=[c.pk for c in claims]).count() == 3
    _check_spans(article)


def test_crlf_body_re_saved_with_lf(client, reviewer):
    crlf = BODY.replace("\n", "\r\n")
    article = _article(crlf)
    claims = [_claim(article, q, reviewer) for q in (Q1, Q2, Q3)]
    assert _revise(client, article, BODY).status_code == 200
    article.refresh_from_db()
    assert "\r" not in article.body
    found = _claims(client, article)
    for claim, quote in zip(claims, (Q1, Q2, Q3), strict=True):
        assert (found[claim.pk]["anchor_status"], found[claim.pk]["quote"]) == ("moved", quote)
    # the browser's textarea sends CRLF back: stored as LF, so the same text records nothing
    response = _revise(client, article, BODY.replace("\n", "\r\n"))
    assert response.status_code == 200 and response.json()["revision"] == 2
    _check_spans(article)


def test_a_revision_is_kept_and_readable(client, reviewer, three):
    article, _ = three
    new = BODY.replace("Tuesday", "Wednesday")
    response = _revise(client, article, new, revision_note="The council met on Wednesday.")
    assert response.status_code == 200
    assert response["ETag"] == f'"article:{article.pk}:{article.version + 1}"'
    page = client.get(f"/api/v1/articles/{article.pk}/revisions/").json()
    assert [r["number"] for r in page["results"]] == [2, 1]
    latest = page["results"][0]
    assert latest["reason"] == "correction"
    assert latest["note"] == "The council met on Wednesday."
    assert latest["created_by"] == reviewer.username
    assert latest["anchoring"]["moved"] == 3
    first = client.get(f"/api/v1/articles/{article.pk}/revisions/1/").json()
    second = client.get(f"/api/v1/articles/{article.pk}/revisions/2/").json()
    assert (first["body"], second["body"]) == (BODY, new)
    assert client.get(f"/api/v1/articles/{article.pk}/revisions/3/").status_code == 404
    # append-only in the database
    with pytest.raises(Exception, match=r"(?i)protect|cannot"):
        ArticleRevision.objects.filter(article=article).update(note="rewritten")


def test_bad_input_is_refused_clearly_and_nothing_changes(client, three):
    article, _ = three
    for body, field in (("   ", "body"), ("bad\x00text", "body"), (["a list"], "body")):
        response = _revise(client, article, body)
        assert response.status_code == 400, body
        assert field in response.json()["errors"]
    stale = client.patch(
        f"/api/v1/articles/{article.pk}/",
        {"body": BODY + "x"},
        format="json",
        HTTP_IF_MATCH=f'"article:{article.pk}:{article.version + 5}"',
    )
    assert stale.status_code == 412
    missing = client.patch(f"/api/v1/articles/{article.pk}/", {"body": BODY + "x"}, format="json")
    assert missing.status_code == 428
    anonymous = token_client(None).patch(
        f"/api/v1/articles/{article.pk}/", {"body": BODY + "x"}, format="json"
    )
    assert anonymous.status_code in (401, 403)
    article.refresh_from_db()
    assert (article.body, article.revision) == (BODY, 1)
    assert not ArticleRevision.objects.filter(article=article).exists()


def test_html_in_the_text_is_kept_as_text(client, three):
    article, _ = three
    new = "<script>alert(1)</script>\n\n" + BODY
    assert _revise(client, article, new).status_code == 200
    article.refresh_from_db()
    assert article.body.startswith("<script>")  # text, escaped wherever it is shown


def _publish(claim: Claim, author, editor) -> Verdict:
    EvidenceFactory(claim=claim)
    verdict = verdict_create(actor=author, claim=claim, rating="false", summary="No.")
    verdict = verdict_submit(actor=author, verdict=verdict)
    verdict_approve(actor=editor, verdict=verdict)
    return verdict_publish(actor=editor, verdict=verdict)


def test_a_published_claim_whose_text_changed_is_flagged_and_stays_published(
    client, reviewer, three
):
    article, claims = three
    editor = EditorFactory()
    verdict = _publish(claims[0], reviewer, editor)
    other = ReviewerFactory()
    response = _revise(token_client(other), article, BODY.replace("4.2 percent", "4.3 percent"))
    assert response.status_code == 200
    row = _claims(client, article)[claims[0].pk]
    assert (row["anchor_status"], row["anchor_review"], row["status"]) == (
        "changed",
        True,
        "published",
    )
    assert row["quote_before"] == Q1
    verdict.refresh_from_db()
    assert verdict.status == Verdict.Status.PUBLISHED  # untouched
    assert claims[0].evidence.count() == 1
    # the public still reads it
    public = token_client(None).get(f"/api/v1/claims/{claims[0].pk}/")
    assert public.status_code == 200
    # editors' queue, the event and the verdict author's inbox
    event = Event.objects.get(type=EventType.ARTICLE_REVISED)
    assert event.payload["flagged_claims"] == [claims[0].pk]
    assert Notification.objects.filter(event=event, recipient=reviewer).exists()
    assert not Notification.objects.filter(event=event, recipient=other).exists()
    # a reviewer may not confirm a published claim's place; an editor may
    claim = Claim.objects.get(pk=claims[0].pk)
    url = f"/api/v1/claims/{claim.pk}/confirm-anchor/"
    tag = f'"claim:{claim.pk}:{claim.version}"'
    assert client.post(url, {}, format="json", HTTP_IF_MATCH=tag).status_code == 403
    confirmed = token_client(editor).post(url, {}, format="json", HTTP_IF_MATCH=tag)
    assert confirmed.status_code == 200, confirmed.json()
    assert (confirmed.json()["anchor_status"], confirmed.json()["anchor_review"]) == (
        "exact",
        False,
    )


def test_a_lost_claim_is_placed_again_by_hand(client, three):
    article, claims = three
    sentence = "Critics replied that wages have not kept pace with inflation since 2019. "
    new = BODY.replace(sentence, "Critics replied that pay lagged prices. ")
    assert _revise(client, article, new).status_code == 200
    claim = Claim.objects.get(pk=claims[1].pk)
    assert claim.anchor_status == "lost"
    at = new.index("pay lagged prices")
    tag = f'"claim:{claim.pk}:{claim.version}"'
    url = f"/api/v1/claims/{claim.pk}/confirm-anchor/"
    assert client.post(url, {}, format="json", HTTP_IF_MATCH=tag).status_code == 400
    placed = client.post(
        url, {"start": at, "end": at + len("pay lagged prices")}, format="json", HTTP_IF_MATCH=tag
    )
    assert placed.status_code == 200, placed.json()
    body = placed.json()
    assert (body["anchor_status"], body["quote"], body["revision"]) == (
        "exact",
        "pay lagged prices",
        2,
    )


def test_untouched_suggestions_are_re_extracted(client, reviewer):
    from claims.services.extraction import article_suggest_claims

    article = _article()
    suggested = article_suggest_claims(article=article)
    assert suggested, "the extractor suggests claims in this text"
    by_quote = {c.quote: c.pk for c in suggested}
    new = BODY.replace("4.2 percent", "4.7 percent")
    assert _revise(client, article, new).status_code == 200
    article.refresh_from_db()
    now = {c.quote: c.pk for c in article.claims.filter(status="suggested")}
    assert all("4.2 percent" not in q for q in now)
    assert any("4.7 percent" in q for q in now)
    kept = set(by_quote.values()) & set(now.values())
    assert kept  # suggestions whose text did not change keep their ids
    _check_spans(article)


def test_edit_during_another_users_claim_edit_conflicts_and_nothing_is_lost(reviewer, three):
    article, claims = three
    editor_client = token_client(ReviewerFactory())
    claim = claims[0]
    claim_tag = f'"claim:{claim.pk}:{claim.version}"'
    # the article is revised while a second reviewer has the claim open
    assert _revise(token_client(reviewer), article, "Intro.\n\n" + BODY).status_code == 200
    late = editor_client.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"statement": "Unemployment was 4.2% in March."},
        format="json",
        HTTP_IF_MATCH=claim_tag,
    )
    assert late.status_code == 412
    assert late.json()["current"]["start"] == claim.start + len("Intro.\n\n")
    claim.refresh_from_db()
    assert claim.statement == "" and claim.anchor_status == "moved"


@pytest.mark.django_db(transaction=True)
def test_concurrent_revision_and_claim_edit_one_wins_nothing_lost():
    reviewer = ReviewerFactory()
    article = _article()
    claim = _claim(article, Q1, reviewer)
    a, b = token_client(reviewer), token_client(ReviewerFactory())
    article_tag = f'"article:{article.pk}:{article.version}"'
    claim_tag = f'"claim:{claim.pk}:{claim.version}"'
    barrier = threading.Barrier(2)
    results: dict[str, int] = {}

    def revise():
        try:
            barrier.wait()
            results["revise"] = a.patch(
                f"/api/v1/articles/{article.pk}/",
                {"body": "New lead.\n\n" + BODY},
                format="json",
                HTTP_IF_MATCH=article_tag,
            ).status_code
        finally:
            connection.close()

    def edit():
        try:
            barrier.wait()
            results["edit"] = b.patch(
                f"/api/v1/claims/{claim.pk}/",
                {"statement": "Said by the minister."},
                format="json",
                HTTP_IF_MATCH=claim_tag,
            ).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=revise), threading.Thread(target=edit)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["revise"] == 200
    assert results["edit"] in (200, 412)
    claim.refresh_from_db()
    article.refresh_from_db()
    assert article.body[claim.start : claim.end] == Q1
    assert claim.anchor_status == "moved"
    if results["edit"] == 200:
        assert claim.statement == "Said by the minister."  # the edit came first and was kept


def test_a_transcript_is_revised_with_its_turns_read_again(client, reviewer):
    text = (
        "HOLT: Good evening from Hofstra University.\n"
        "CLINTON: Unemployment fell to 4.2 percent last year.\n"
        "TRUMP: Our jobs are fleeing the country.\n"
    )
    created = client.post(
        "/api/v1/articles/", {"title": "Debate", "body": text, "kind": "transcript"}, format="json"
    ).json()
    article = Article.objects.get(pk=created["id"])
    claim = _claim(article, "Unemployment fell to 4.2 percent last year", reviewer)
    new = "MODERATOR: Welcome.\n" + text
    assert _revise(client, article, new).status_code == 200
    article.refresh_from_db()
    assert [t["speaker"] for t in article.turns][:2] == ["MODERATOR", "HOLT"]
    row = _claims(client, article)[claim.pk]
    assert (row["anchor_status"], row["quote"]) == (
        "moved",
        "Unemployment fell to 4.2 percent last year",
    )
    bad = _revise(client, article, "WEBVTT\n\nnot a cue at all -->\n")
    assert bad.status_code == 400 and "body" in bad.json()["errors"]
