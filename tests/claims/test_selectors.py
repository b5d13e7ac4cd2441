"""Selectors filter what each role may see, the same way the services decide."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from claims.models import Claim
from claims.selectors import claim_list, verdict_list
from tests.factories import (
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    UserFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


def test_anonymous_users_see_published_claims_only():
    ClaimFactory()
    published = ClaimFactory(status="published")
    assert list(claim_list(user=AnonymousUser())) == [published]
    assert list(claim_list(user=UserFactory())) == [published]
    assert claim_list(user=ReviewerFactory()).count() == 2


def test_drafts_are_listed_only_for_their_author_and_editors():
    draft = VerdictFactory()
    VerdictFactory(status="submitted", submitted_at="2026-01-01T00:00Z")
    assert verdict_list(user=ReviewerFactory()).count() == 1
    assert verdict_list(user=draft.author).count() == 2
    assert verdict_list(user=EditorFactory()).count() == 2
    assert verdict_list(user=AnonymousUser()).count() == 0


def test_claims_filter_by_text_status_and_type():
    ClaimFactory(statement="Unemployment fell to 5.1 percent", claim_type="quantity")
    ClaimFactory(statement="The council met", claim_type="event", status="in_review")
    reviewer = ReviewerFactory()
    assert claim_list(user=reviewer, search="unemployment").count() == 1
    assert claim_list(user=reviewer, status="in_review").count() == 1
    assert claim_list(user=reviewer, claim_type="event").count() == 1


def test_claim_search_finds_words_by_their_start_and_published_claims_for_anyone():
    ClaimFactory(statement="Unemployment fell to 5.1 percent", status="published")
    ClaimFactory(statement="Inflation rose to 4.2 million households", status="open")
    assert claim_list(user=AnonymousUser(), search="unemploy").count() == 1
    assert claim_list(user=AnonymousUser(), search="inflation").count() == 0  # not published
    assert claim_list(user=ReviewerFactory(), search="4.2 mill").count() == 1
    assert claim_list(user=ReviewerFactory(), search='"fell to" -inflation').count() == 1
    assert claim_list(user=ReviewerFactory(), search="x:* & | ! <-> (").count() == 0


def test_claim_search_reads_the_gin_index_not_every_claim():
    first = ClaimFactory(status="published")
    fields = {f: getattr(first, f) for f in ("article", "start", "end", "quote", "claim_type")}
    Claim.objects.bulk_create(
        Claim(status="published", statement=f"Spending rose {i} percent", **fields)
        for i in range(3000)
    )
    # Enough claims that reading each one's text (the status index finds them all) costs the
    # planner clearly more than the GIN index, whatever the statistics of earlier tests.
    qs = claim_list(user=AnonymousUser(), search="troops deployed")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")  # every claim is published: status does not narrow
        cursor.execute("SET LOCAL enable_seqscan = off")  # a small table is read whole otherwise
        plan = qs.explain()
    assert "claim_search_gin" in plan, plan
    assert "Seq Scan" not in plan
