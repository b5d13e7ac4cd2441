"""Storing suggestions: idempotent, exact spans, never touching what a reviewer made or edited."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from claims.models import Claim
from claims.services.extraction import article_suggest_claims
from claims.services.seeds import seed_load_all
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

SEED_BODY = (Path(settings.BASE_DIR) / "seeds" / "000_5fe590b60e8f00fa.txt").read_text("utf-8")


@pytest.fixture
def article():
    return ArticleFactory(body=SEED_BODY)


def test_suggestions_are_stored_as_suggested_claims_with_exact_spans(article):
    created = article_suggest_claims(article=article)
    assert created
    stored = list(Claim.objects.filter(article=article))
    assert len(stored) == len(created)
    for claim in stored:
        assert claim.origin == Claim.Origin.SUGGESTED
        assert claim.status == Claim.Status.SUGGESTED
        assert article.body[claim.start : claim.end] == claim.quote
        assert claim.prefix == article.body[max(0, claim.start - 32) : claim.start]
        assert claim.suffix == article.body[claim.end : claim.end + 32]
        assert claim.reasons and 0 <= claim.checkworthiness <= 1
        assert set(claim.details) == {"quantities", "dates", "attribution_verb"}


def test_the_troops_claim_keeps_its_type_claimant_and_quantities(article):
    article_suggest_claims(article=article)
    claim = Claim.objects.get(article=article, quote__contains="more than 10,000 troops")
    assert claim.claim_type == Claim.Type.QUANTITY
    assert claim.claimant == "The US and South Korea"
    assert claim.claimant_kind == Claim.ClaimantKind.ORGANIZATION
    assert claim.details["quantities"] == ["more than 10,000 troops"]
    zelensky = Claim.objects.get(article=article, quote__contains="Volodymyr Zelensky said")
    assert zelensky.claimant == "Volodymyr Zelensky"
    assert zelensky.claimant_kind == Claim.ClaimantKind.PERSON
    assert zelensky.details["attribution_verb"] == "said"


def test_running_it_again_adds_nothing(article):
    first = article_suggest_claims(article=article)
    assert article_suggest_claims(article=article) == []
    assert Claim.objects.filter(article=article).count() == len(first)


def test_a_claim_a_reviewer_edited_or_dismissed_is_never_overwritten(article):
    article_suggest_claims(article=article)
    edited = Claim.objects.filter(article=article).order_by("start").first()
    edited.statement = "North Korea and Russia strengthened ties after the treaty."
    edited.status = Claim.Status.OPEN
    edited.claimant = "reviewer's choice"
    edited.version = 2
    edited.save()
    dismissed = Claim.objects.filter(article=article).order_by("start")[1]
    dismissed.status = Claim.Status.DISMISSED
    dismissed.dismissal_reason = Claim.DismissalReason.NOT_CHECKABLE
    dismissed.save()

    assert article_suggest_claims(article=article) == []

    edited.refresh_from_db()
    dismissed.refresh_from_db()
    assert edited.statement.startswith("North Korea and Russia")
    assert edited.claimant == "reviewer's choice" and edited.version == 2
    assert dismissed.status == Claim.Status.DISMISSED


def test_a_span_a_reviewer_already_marked_is_not_suggested_again(article):
    start = article.body.index("The US and South Korea")
    end = article.body.index("war in Ukraine.", start) + len("war in Ukraine.")
    manual = ClaimFactory(
        article=article, start=start, end=end, origin=Claim.Origin.MANUAL, claimant="US"
    )
    created = article_suggest_claims(article=article)
    assert not any(c.start == start for c in created)
    manual.refresh_from_db()
    assert manual.origin == Claim.Origin.MANUAL and manual.claimant == "US"


def test_an_article_without_claims_gets_none():
    article = ArticleFactory(body="Subscribe\n\nShare this article\n\n14 comments")
    assert article_suggest_claims(article=article) == []


def test_loading_seeds_suggests_claims_once(tmp_path):
    result = seed_load_all(directory=Path(settings.BASE_DIR) / "seeds")
    assert result.suggested_claims > 5
    count = Claim.objects.filter(origin=Claim.Origin.SUGGESTED).count()
    assert count == result.suggested_claims
    again = seed_load_all(directory=Path(settings.BASE_DIR) / "seeds")
    assert again.suggested_claims == 0
    assert Claim.objects.count() == count


def test_it_takes_an_article_id_too(article):
    created = article_suggest_claims(article_id=article.pk)
    assert created and all(c.article_id == article.pk for c in created)
    with pytest.raises(TypeError):
        article_suggest_claims()


def test_the_claims_returned_are_the_rows_stored(article):
    created = article_suggest_claims(article=article)
    stored = {c.pk: c for c in Claim.objects.filter(article=article)}
    assert sorted(stored) == sorted(c.pk for c in created)
    for claim in created:
        row = stored[claim.pk]
        assert not claim._state.adding
        assert (claim.start, claim.end, claim.quote, claim.reasons, claim.details) == (
            row.start, row.end, row.quote, row.reasons, row.details
        )  # fmt: skip
        assert claim.created_at == row.created_at


def test_an_extractor_that_fails_midway_stores_nothing(article, monkeypatch):
    """The suggestions are written to the COPY as they are found: a failure after some of them
    (a parse task's soft time limit, say) must leave none behind."""
    from claims.extraction import extract_claims
    from claims.services import extraction

    found = extract_claims(article.body)

    def fails_midway(_article):
        yield from found[:3]
        raise TimeoutError("the soft time limit, say")

    monkeypatch.setattr(extraction, "suggestions_for", fails_midway)
    with pytest.raises(TimeoutError):
        article_suggest_claims(article=article)
    assert not Claim.objects.filter(article=article).exists()
    monkeypatch.undo()
    assert len(article_suggest_claims(article=article)) == len(found)  # the connection is usable


def test_a_suggestion_mostly_inside_a_reviewers_claim_is_skipped_among_many(article):
    """The manual claims are found by bisection: one far before, one covering a suggestion."""
    found = {(c.start, c.end) for c in article_suggest_claims(article=article)}
    Claim.objects.filter(article=article).delete()
    target = sorted(found)[len(found) // 2]
    ClaimFactory(article=article, start=0, end=5, quote=article.body[0:5], origin="manual")
    ClaimFactory(
        article=article, start=target[0], end=target[1] - 1,
        quote=article.body[target[0] : target[1] - 1], origin="manual",
    )  # fmt: skip
    again = {(c.start, c.end) for c in article_suggest_claims(article=article)}
    assert target not in again
    assert again == found - {target} - {s for s in found if s[0] < 5}
