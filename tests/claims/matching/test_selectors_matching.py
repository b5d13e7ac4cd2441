"""Matching a text against earlier fact-checks: ours and imported, best first, scored 0..1."""

from __future__ import annotations

from django.utils import timezone

from claims.exports.claimreview import public_url
from claims.models import Claim, ClaimReview
from claims.selectors_matching import MatchQuery, match_text
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory, VerdictFactory


def test_a_paraphrase_finds_its_fact_check_first(corpus):
    results = match_text(MatchQuery(text="Did building Porto's river bridge cost 40 million euro?"))
    assert results[0]["url"] == "https://checks.example/bridge"
    assert results[0]["kind"] == "claimreview"
    assert results[0]["rating"] == "Mostly false"
    assert results[0]["author"] == "Checkers United"
    assert results[0]["date_published"] == "2023-05-01"
    assert results[0]["id"] == ClaimReview.objects.get(url=results[0]["url"]).pk
    assert all(0.0 <= r["score"] <= 1.0 for r in results)
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_the_same_claim_is_marked_and_an_unrelated_one_is_not(corpus):
    same = match_text(MatchQuery(text="The measles vaccine causes autism in young children"))
    assert same[0]["url"] == "https://checks.example/vaccine"
    assert same[0]["same_claim"] is True
    unrelated = match_text(MatchQuery(text="The council will vote on the parking fees in June"))
    assert not any(r["same_claim"] for r in unrelated)


def test_a_text_with_no_known_word_matches_nothing(corpus):
    assert match_text(MatchQuery(text="Zyxx qwerty blorp")) == []
    assert match_text(MatchQuery(text="   ")) == []
    assert match_text(MatchQuery(text="https://t.co/abc")) == []


def test_at_most_ten_results(db):
    import json

    from claims.services.claimreviews import claimreview_import_trusted
    from tests.claims.matching.conftest import fact_check

    items = [
        fact_check(f"k{n}", f"The river bridge cost {n} million euros", "False") for n in range(15)
    ]
    claimreview_import_trusted(data=json.dumps(items))
    assert len(match_text(MatchQuery(text="river bridge cost million euros"))) == 10


def test_our_published_verdicts_are_matched_but_not_a_claims_own(corpus):
    article = ArticleFactory(body="The harbour tunnel under the bay cost 900 million dollars.")
    claim = ClaimFactory(article=article, status=Claim.Status.PUBLISHED)
    verdict = VerdictFactory(
        claim=claim,
        status="published",
        reviewed_by=EditorFactory(),
        published_at=timezone.now(),
    )
    results = match_text(MatchQuery(text="harbour tunnel under the bay cost 900 million dollars"))
    assert results[0]["kind"] == "verdict"
    assert results[0]["id"] == verdict.pk
    assert results[0]["rating"] == verdict.rating.label
    assert results[0]["url"] == public_url(claim)  # the fact-check's own public page
    own = match_text(MatchQuery(text=claim.quote, exclude_claim_id=claim.pk))
    assert all(r["kind"] != "verdict" for r in own)


def test_a_draft_verdict_is_never_matched(corpus):
    article = ArticleFactory(body="The harbour tunnel under the bay cost 900 million dollars.")
    VerdictFactory(claim=ClaimFactory(article=article))
    results = match_text(MatchQuery(text="harbour tunnel under the bay cost 900 million dollars"))
    assert all(r["kind"] != "verdict" for r in results)
