"""Our own verdicts in claim matching: their searched words are kept in VerdictSearch (by
triggers, whatever writes the verdict or its claim) under a GIN index the search reads, instead
of being derived from every published verdict on every search."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from claims.models import Claim, Verdict, VerdictSearch
from claims.permissions import MATCHED_VERDICT_STATES
from claims.selectors_matching import _OWN, OWN_CANDIDATES, TS_WEIGHTS, MatchQuery, match_text
from tests.claims.matching.test_first_stage import plans_of
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory, VerdictFactory

pytestmark = pytest.mark.django_db

# What the search derived from every published verdict on each query, before VerdictSearch.
_DERIVED = """
    SELECT v.id, v.claim_id, v.status, coalesce(nullif(c.statement, ''), c.quote),
           (setweight(to_tsvector('english', coalesce(nullif(c.statement, ''), c.quote)), 'A')
            || setweight(to_tsvector('english', v.summary), 'C'))::text
      FROM claims_verdict v JOIN claims_claim c ON c.id = v.claim_id
"""


def derived() -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(_DERIVED)
        return {row[0]: row[1:] for row in cursor.fetchall()}


def kept() -> dict[int, tuple]:
    return {
        s.verdict_id: (s.claim_id, s.status, s.claim_text, str(s.search))
        for s in VerdictSearch.objects.all()
    }


def published(body: str, **extra) -> Verdict:
    claim = ClaimFactory(article=ArticleFactory(body=body), status=Claim.Status.PUBLISHED)
    return VerdictFactory(
        claim=claim,
        status="published",
        reviewed_by=EditorFactory(),
        published_at=timezone.now(),
        **extra,
    )


def test_the_kept_words_follow_every_write_to_a_verdict_or_its_claim():
    verdict = published("The harbour tunnel under the bay cost 900 million dollars.")
    draft = VerdictFactory(claim=ClaimFactory(), summary="Not yet checked.")
    assert set(kept()) == {verdict.pk, draft.pk} and kept() == derived()
    Verdict.objects.filter(pk=verdict.pk).update(summary="The council's accounts say 400 million.")
    assert "council" in kept()[verdict.pk][3] and kept() == derived()
    Verdict.objects.filter(pk=draft.pk).update(status="submitted")
    assert kept()[draft.pk][1] == "submitted" and kept() == derived()
    Claim.objects.filter(pk=verdict.claim_id).update(statement="The bay tunnel cost a billion")
    assert kept()[verdict.pk][2] == "The bay tunnel cost a billion" and kept() == derived()
    Claim.objects.filter(pk=verdict.claim_id).update(statement="")  # back to the quote
    assert kept() == derived()
    Verdict.objects.filter(pk=draft.pk).delete()
    assert set(kept()) == {verdict.pk} and kept() == derived()


def test_a_verdict_is_matched_from_the_kept_words_and_only_once_published():
    verdict = published("The harbour tunnel under the bay cost 900 million dollars.")
    results = match_text(MatchQuery(text="harbour tunnel under the bay cost 900 million dollars"))
    assert (results[0]["kind"], results[0]["id"]) == ("verdict", verdict.pk)
    Verdict.objects.filter(pk=verdict.pk).update(status="submitted")
    results = match_text(MatchQuery(text="harbour tunnel under the bay cost 900 million dollars"))
    assert all(r["kind"] != "verdict" for r in results)


def test_the_search_of_our_verdicts_reads_their_gin_index_not_every_verdict():
    for n in range(150):
        published(f"Spending on the harbour number {n} rose by {n} percent.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_verdictsearch")
        params = {
            "own_tsquery": "'tunnel' | 'harbour'",
            "weights": TS_WEIGHTS,
            "states": sorted(MATCHED_VERDICT_STATES),
            "exclude": None,
            "own_limit": OWN_CANDIDATES,
            "lexemes": ["tunnel", "harbour"],
        }
        plans, rows = plans_of(cursor, _OWN, params)
    assert len({row[1] for row in rows}) == OWN_CANDIDATES
    assert "verdictsearch_gin" in plans, plans
    assert "Seq Scan" not in plans
    assert "to_tsvector" not in plans  # nothing derived at search time
    assert "claims_verdict " not in plans and "claims_claim " not in plans
