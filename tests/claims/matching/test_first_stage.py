"""The first stage's narrow table (ClaimReviewSearch) follows every write to ClaimReview in the
same statement, and the first-stage search reads it through its GIN index."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction

from claims.models import ClaimReview, ClaimReviewSearch
from claims.selectors_matching import _IMPORTED, TS_WEIGHTS, MatchQuery, match_text
from claims.services.claimreviews import (
    claimreview_delete,
    claimreview_hide,
    claimreview_import_trusted,
    claimreview_unhide,
)
from tests.claims.matching.conftest import fact_check
from tests.factories import AdminFactory, EditorFactory

pytestmark = pytest.mark.django_db


def narrow() -> dict[int, tuple]:
    return {
        row.claim_review_id: (row.search, row.length_a, row.length_b, row.length_c, row.embedding)
        for row in ClaimReviewSearch.objects.all()
    }


def visible() -> dict[int, tuple]:
    return {
        r.pk: (r.search, r.length_a, r.length_b, r.length_c, r.embedding)
        for r in ClaimReview.objects.filter(is_hidden=False)
    }


def test_the_narrow_table_holds_exactly_the_visible_fact_checks_after_every_write():
    claimreview_import_trusted(
        data=json.dumps(
            [fact_check(k, f"The {k} bridge cost 40 million euros", "False") for k in "abc"]
        )
    )
    assert len(narrow()) == 3 and narrow() == visible()
    # A re-import that changes the claim: the searched parts change with it.
    claimreview_import_trusted(
        data=json.dumps(fact_check("a", "Tunnels flood every spring", "True"))
    )
    a = ClaimReview.objects.get(url="https://checks.example/a")
    assert "tunnel" in ClaimReviewSearch.objects.get(pk=a.pk).search
    assert narrow() == visible()
    editor = EditorFactory()
    claimreview_hide(actor=editor, review=a, reason="spam")
    assert a.pk not in narrow() and narrow() == visible()
    # A re-import of a hidden fact-check leaves it hidden, and out of the first stage.
    claimreview_import_trusted(data=json.dumps(fact_check("a", "Tunnels flood in May", "True")))
    assert a.pk not in narrow()
    claimreview_unhide(actor=editor, review=a)
    assert "may" in ClaimReviewSearch.objects.get(pk=a.pk).search
    assert narrow() == visible()
    b = ClaimReview.objects.get(url="https://checks.example/b")
    claimreview_delete(actor=AdminFactory(), reviews=[b])
    assert b.pk not in narrow() and narrow() == visible()
    ClaimReview.objects.all().delete()
    assert narrow() == {}


def test_a_write_that_fails_leaves_the_narrow_table_as_it_was():
    claimreview_import_trusted(data=json.dumps(fact_check("a", "The bridge cost 40 million", "F")))
    before = narrow()
    with pytest.raises(RuntimeError), transaction.atomic():
        ClaimReview.objects.update(is_hidden=True)
        assert narrow() == {}
        raise RuntimeError("rolled back")
    assert narrow() == before


def test_a_hidden_fact_check_is_never_matched():
    claimreview_import_trusted(
        data=json.dumps(fact_check("a", "The measles vaccine causes autism", "False"))
    )
    review = ClaimReview.objects.get()
    assert match_text(MatchQuery(text="measles vaccine autism"))[0]["id"] == review.pk
    claimreview_hide(actor=EditorFactory(), review=review)
    assert match_text(MatchQuery(text="measles vaccine autism")) == []


def plans_of(cursor, sql: str, params: dict) -> tuple[str, list[tuple]]:
    """The plans of a statement and of the statements inside the functions it calls
    (auto_explain, which ships with PostgreSQL), and its rows."""
    notices: list[str] = []

    def handler(diagnostic) -> None:
        notices.append(diagnostic.message_primary or "")

    cursor.execute("LOAD 'auto_explain'")
    cursor.execute("SET auto_explain.log_min_duration = 0")
    cursor.execute("SET auto_explain.log_nested_statements = on")
    cursor.execute("SET client_min_messages = log")
    connection.connection.add_notice_handler(handler)
    try:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    finally:
        cursor.execute("RESET client_min_messages")
        cursor.execute("RESET auto_explain.log_min_duration")
        connection.connection.remove_notice_handler(handler)
    return "\n".join(notices), rows


def test_the_first_stage_reads_the_narrow_tables_gin_index_even_when_a_full_scan_looks_cheaper():
    # Every fact-check matches "bridge": the planner, left alone, would read the small table
    # whole; the first stage's function searches through the index whatever the statistics say.
    claimreview_import_trusted(
        data=json.dumps(
            [fact_check(f"k{n}", f"The bridge number {n} cost millions", "F") for n in range(300)]
        )
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claimreviewsearch")
        params = {
            "tsquery": "'bridg' | 'number'",
            "weights": TS_WEIGHTS,
            "scan": 4000,
            "limit": 250,
            "lexemes": ["bridg", "number"],
        }
        plans, rows = plans_of(cursor, _IMPORTED, params)
    assert len({row[1] for row in rows}) == 250
    assert "claimreviewsearch_gin" in plans, plans
    assert "Seq Scan" not in plans
    assert "claims_claimreview " not in plans  # the wide table is not read
