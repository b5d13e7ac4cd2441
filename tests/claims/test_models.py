"""The database itself refuses rows that break an invariant, whatever code writes them."""

from __future__ import annotations

import hashlib

import pytest
from django.db import IntegrityError, connection, transaction

from claims.models import (
    SPAN_CHECK_BATCH_SQL,
    SPAN_CHECK_BY_STATEMENT_RESET_SQL,
    SPAN_CHECK_BY_STATEMENT_SQL,
    Article,
    Claim,
    Evidence,
    Source,
    Verdict,
)
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    ReviewerFactory,
    SourceFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


def refused(**kwargs):
    """Expect the database to refuse what runs inside; deferred triggers are checked at once."""
    return pytest.raises(IntegrityError, **kwargs)


def check_now() -> None:
    """Run the pending deferred checks now, as COMMIT would, then defer again."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def raw_update(model, pk, **values) -> None:
    """Bypass every Python check: a bulk UPDATE straight to the database."""
    with transaction.atomic():
        model.objects.filter(pk=pk).update(**values)
        check_now()


def test_a_valid_claim_is_accepted():
    claim = ClaimFactory()
    check_now()
    assert claim.article.body[claim.start : claim.end] == claim.quote


def test_a_claim_must_start_before_it_ends():
    claim = ClaimFactory()
    with refused(match="claim_start_before_end"):
        raw_update(Claim, claim.pk, start=5, end=5, quote="")


def test_a_claim_span_must_lie_within_the_body():
    article = ArticleFactory(body="Short body.")
    with refused(match="outside the article body"), transaction.atomic():
        Claim.objects.create(article=article, start=6, end=30, quote="body." + "x" * 19)
        check_now()


def test_a_claim_quote_must_match_the_body_at_its_span():
    article = ArticleFactory(body="Prices rose 5% in May.")
    with refused(match="does not match the article body"), transaction.atomic():
        Claim.objects.create(article=article, start=0, end=6, quote="Costs ")
        check_now()


def test_the_quote_length_must_equal_the_span():
    claim = ClaimFactory()
    with refused(match="claim_quote_length_matches_span"):
        raw_update(Claim, claim.pk, quote=claim.quote + "!")


def test_a_body_edit_that_breaks_a_claim_is_refused():
    claim = ClaimFactory()
    check_now()
    with refused(match="re-anchor it first"), transaction.atomic():
        Article.objects.filter(pk=claim.article_id).update(body="Something else entirely.")
        check_now()


def test_a_body_edit_with_its_claims_reanchored_in_the_same_transaction_is_accepted():
    claim = ClaimFactory()
    check_now()
    new_body = "Correction. " + claim.article.body
    with transaction.atomic():
        Article.objects.filter(pk=claim.article_id).update(body=new_body)
        Claim.objects.filter(pk=claim.pk).update(start=claim.start + 12, end=claim.end + 12)
        check_now()
    claim.refresh_from_db()
    assert new_body[claim.start : claim.end] == claim.quote


@pytest.mark.parametrize(
    ("model_factory", "field", "value", "constraint"),
    [
        (ClaimFactory, "status", "bogus", "claim_status_valid"),
        (ClaimFactory, "origin", "robot", "claim_origin_valid"),
        (ClaimFactory, "claim_type", "gossip", "claim_type_valid"),
        (ClaimFactory, "checkworthiness", 1.5, "claim_checkworthiness_in_unit_range"),
        (ClaimFactory, "version", 0, "claim_version_positive"),
        (SourceFactory, "fetch_status", "lost", "source_fetch_status_valid"),
        (EvidenceFactory, "stance", "maybe", "evidence_stance_valid"),
        (VerdictFactory, "status", "done", "verdict_status_valid"),
        (ArticleFactory, "ingest_status", "odd", "article_ingest_status_valid"),
    ],
)
def test_states_outside_their_choices_are_refused(model_factory, field, value, constraint):
    obj = model_factory()
    with refused(match=constraint):
        raw_update(type(obj), obj.pk, **{field: value})


def test_a_dismissed_claim_needs_a_reason_and_only_a_dismissed_one_has_one():
    claim = ClaimFactory()
    with refused(match="claim_dismissed_iff_reason"):
        raw_update(Claim, claim.pk, status="dismissed")
    with refused(match="claim_dismissed_iff_reason"):
        raw_update(Claim, claim.pk, dismissal_reason="duplicate")
    raw_update(Claim, claim.pk, status="dismissed", dismissal_reason="duplicate")


def test_one_suggestion_per_span():
    claim = ClaimFactory(origin=Claim.Origin.SUGGESTED, status=Claim.Status.SUGGESTED)
    with refused(match="claim_one_suggestion_per_span"), transaction.atomic():
        ClaimFactory(
            article=claim.article, start=claim.start, end=claim.end, origin=Claim.Origin.SUGGESTED
        )


def test_one_source_per_normalized_url():
    SourceFactory(url="https://news.test/a", normalized_url="https://news.test/a")
    with refused(match="normalized_url"), transaction.atomic():
        Source.objects.create(url="HTTPS://NEWS.test/a#top", normalized_url="https://news.test/a")


def test_a_failed_source_carries_an_error_code():
    source = SourceFactory()
    with refused(match="source_failed_has_error_code"):
        raw_update(Source, source.pk, fetch_status="failed")


def test_one_evidence_per_claim_and_source():
    evidence = EvidenceFactory()
    with refused(match="evidence_one_per_claim_source"), transaction.atomic():
        Evidence.objects.create(claim=evidence.claim, source=evidence.source, stance="context")


def test_nobody_reviews_their_own_verdict_even_in_raw_updates():
    verdict = VerdictFactory()
    with refused(match="verdict_four_eyes"):
        raw_update(Verdict, verdict.pk, reviewed_by=verdict.author)


def test_an_approved_verdict_has_a_reviewer_and_a_rejected_one_a_reason():
    verdict = VerdictFactory()
    with refused(match="verdict_approved_has_reviewer"):
        raw_update(Verdict, verdict.pk, status="approved")
    with refused(match="verdict_rejection_has_reason"):
        raw_update(Verdict, verdict.pk, status="rejected")


def test_only_one_published_verdict_per_claim():
    editor = EditorFactory()
    first = VerdictFactory(status="published", reviewed_by=editor, published_at="2024-11-21T10:00Z")
    second = VerdictFactory(claim=first.claim, author=ReviewerFactory())
    with refused(match="verdict_one_published_per_claim"):
        raw_update(
            Verdict,
            second.pk,
            status="published",
            reviewed_by=editor,
            published_at="2024-11-22T10:00Z",
        )


def test_a_correction_needs_a_note():
    original = VerdictFactory()
    with refused(match="verdict_correction_has_note"), transaction.atomic():
        VerdictFactory(claim=original.claim, supersedes=original, correction_note="")


def test_the_article_hash_follows_the_body_even_in_bulk_updates():
    article = ArticleFactory(body="One. Two.")
    assert article.body_sha256 == hashlib.sha256(b"One. Two.").hexdigest()
    Article.objects.filter(pk=article.pk).update(body="Trois. Čtyři.")
    article.refresh_from_db()
    assert article.body_sha256 == hashlib.sha256("Trois. Čtyři.".encode()).hexdigest()


def test_an_article_deleted_with_its_new_claims_in_one_transaction_commits_cleanly():
    with transaction.atomic():
        claim = ClaimFactory()
        Article.objects.filter(pk=claim.article_id).delete()
        check_now()
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_a_span_fixed_later_in_the_same_transaction_is_accepted():
    claim = ClaimFactory()
    check_now()
    with transaction.atomic():
        # Two steps, the first of which alone would break the rule: only the final row counts.
        Claim.objects.filter(pk=claim.pk).update(quote=claim.quote[:-1] + "?")
        Claim.objects.filter(pk=claim.pk).update(quote=claim.quote)
        check_now()


# --- The span rule for many claims at once (claims.models.SPAN_CHECK_BATCH_SQL) -------------------

# Multi-byte characters on both sides of the 128-character steps the batch check counts by.
BATCH_BODY = ("Ünïcödé 😀 text, € and ✓ marks. " * 20) + "The end."


def _batch_claims(article, spans) -> list[Claim]:
    body = article.body
    return [
        Claim(article=article, start=a, end=b, quote=body[a:b], status="suggested",
              origin="suggested")
        for a, b in spans
    ]  # fmt: skip


def _batch_mode() -> None:
    with connection.cursor() as cursor:
        cursor.execute(SPAN_CHECK_BATCH_SQL)


def test_many_claims_over_multibyte_text_pass_the_batch_check():
    article = ArticleFactory(body=BATCH_BODY)
    spans = [(i, i + 9) for i in range(0, len(BATCH_BODY) - 9, 7)]
    with transaction.atomic():
        _batch_mode()
        Claim.objects.bulk_create(_batch_claims(article, spans))
        check_now()
    assert article.claims.count() == len(spans)


@pytest.mark.parametrize("shift", [1, -1, 128, 129])
def test_the_batch_check_refuses_a_quote_one_character_off(shift):
    article = ArticleFactory(body=BATCH_BODY)
    claims = _batch_claims(article, [(10, 20), (300, 340), (500, 520)])
    bad = claims[1]
    bad.quote = BATCH_BODY[300 + shift : 340 + shift]
    with refused(match="quote does not match the article body"), transaction.atomic():
        _batch_mode()
        Claim.objects.bulk_create(claims)
        check_now()


def test_the_batch_check_refuses_a_span_outside_the_body():
    article = ArticleFactory(body=BATCH_BODY)
    claims = _batch_claims(article, [(0, 5)])
    claims.append(Claim(article=article, start=len(BATCH_BODY) - 2, end=len(BATCH_BODY) + 3,
                        quote="d.xyz", status="suggested", origin="suggested"))  # fmt: skip
    with refused(match="lies outside the article body"), transaction.atomic():
        _batch_mode()
        Claim.objects.bulk_create(claims)
        check_now()


def test_a_claim_changed_after_the_batch_check_is_checked_again():
    article = ArticleFactory(body=BATCH_BODY)
    with refused(match="quote does not match the article body"), transaction.atomic():
        _batch_mode()
        first, _ = Claim.objects.bulk_create(_batch_claims(article, [(0, 7), (200, 230)]))
        check_now()  # the batch pass: both checked and noted
        Claim.objects.filter(pk=first.pk).update(quote="x" * 7)
        check_now()


# --- Claims checked by the statement (claims.models.SPAN_CHECK_BY_STATEMENT_SQL) ------------------


def _statement_mode(on: bool = True) -> None:
    with connection.cursor() as cursor:
        cursor.execute(SPAN_CHECK_BY_STATEMENT_SQL if on else SPAN_CHECK_BY_STATEMENT_RESET_SQL)


def test_inserts_checked_by_the_statement_pass_over_multibyte_text():
    article = ArticleFactory(body=BATCH_BODY)
    spans = [(i, i + 9) for i in range(0, len(BATCH_BODY) - 9, 7)]
    with transaction.atomic():
        _statement_mode()
        Claim.objects.bulk_create(_batch_claims(article, spans))
        _statement_mode(False)
        check_now()
    assert article.claims.count() == len(spans)


@pytest.mark.parametrize("shift", [1, -1, 128, 129])
def test_the_statement_check_refuses_a_quote_one_character_off_at_the_insert(shift):
    article = ArticleFactory(body=BATCH_BODY)
    claims = _batch_claims(article, [(10, 20), (300, 340), (500, 520)])
    claims[1].quote = BATCH_BODY[300 + shift : 340 + shift]
    with transaction.atomic():
        _statement_mode()
        # Refused by the INSERT itself, before any deferred check or commit.
        with refused(match="quote does not match the article body"), transaction.atomic():
            Claim.objects.bulk_create(claims)
    assert not article.claims.exists()


def test_the_statement_check_refuses_a_span_outside_the_body():
    article = ArticleFactory(body=BATCH_BODY)
    claims = _batch_claims(article, [(0, 5)])
    claims.append(Claim(article=article, start=len(BATCH_BODY) - 2, end=len(BATCH_BODY) + 3,
                        quote="d.xyz", status="suggested", origin="suggested"))  # fmt: skip
    with refused(match="lies outside the article body") as caught, transaction.atomic():
        _statement_mode()
        Claim.objects.bulk_create(claims)
    assert caught.value.__cause__.diag.constraint_name == "claim_span_within_body"


def test_the_statement_check_reads_each_article_of_the_insert():
    good, other = ArticleFactory(body=BATCH_BODY), ArticleFactory(body="Short text here.")
    claims = [
        *_batch_claims(good, [(0, 7)]),
        Claim(article=other, start=0, end=5, quote="Short", status="suggested",
              origin="suggested"),
        Claim(article=other, start=6, end=10, quote="TEXT", status="suggested",
              origin="suggested"),
    ]  # fmt: skip
    with refused(match="quote does not match the article body"), transaction.atomic():
        _statement_mode()
        Claim.objects.bulk_create(claims)


def test_in_statement_mode_an_update_is_checked_by_the_update_itself():
    article = ArticleFactory(body=BATCH_BODY)
    (claim,) = Claim.objects.bulk_create(_batch_claims(article, [(0, 7), (300, 320)])[:1])
    with transaction.atomic():
        _statement_mode()
        with refused(match="quote does not match the article body"), transaction.atomic():
            Claim.objects.filter(pk=claim.pk).update(quote="x" * 7)
        with refused(match="lies outside the article body"), transaction.atomic():
            Claim.objects.filter(pk=claim.pk).update(
                start=len(BATCH_BODY) - 2, end=len(BATCH_BODY) + 5
            )
        Claim.objects.filter(pk=claim.pk).update(start=1, end=8, quote=BATCH_BODY[1:8])  # fine
    claim.refresh_from_db()
    assert (claim.start, claim.quote) == (1, BATCH_BODY[1:8])


def test_after_the_reset_inserts_are_checked_one_by_one_at_commit_again():
    article = ArticleFactory(body=BATCH_BODY)
    with transaction.atomic():
        _statement_mode()
        _statement_mode(False)
        bad = _batch_claims(article, [(0, 7)])
        bad[0].quote = "x" * 7
        Claim.objects.bulk_create(bad)  # no statement check now: the deferred one waits
        with refused(match="quote does not match the article body"):
            check_now()
        transaction.set_rollback(True)


def test_the_statement_check_skips_a_lost_claim():
    article = ArticleFactory(body=BATCH_BODY)
    lost = Claim(article=article, start=None, end=None, quote="gone", status="open",
                 origin="manual", anchor_status="lost", anchor_confidence=0.0)  # fmt: skip
    with transaction.atomic():
        _statement_mode()
        Claim.objects.bulk_create([lost, *_batch_claims(article, [(0, 7)])])
        check_now()
    assert article.claims.count() == 2
