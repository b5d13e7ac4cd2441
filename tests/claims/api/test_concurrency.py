"""Concurrent writers with real threads: the same ETag lets exactly one through."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from claims.models import Claim, Verdict
from claims.services.verdicts import verdict_create, verdict_submit
from tests.claims.api.conftest import token_client
from tests.factories import ClaimFactory, EditorFactory, ReviewerFactory, SourcedClaimFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 10


def race(requests) -> list:
    """Run the callables at once (after a barrier); return their responses."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(i, request):
        try:
            barrier.wait()
            results[i] = request()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_editors_approving_with_the_same_etag_one_wins():
    editors = [token_client(EditorFactory()), token_client(EditorFactory())]
    for _ in range(ROUNDS):
        author = ReviewerFactory()
        verdict = verdict_create(
            actor=author, claim=SourcedClaimFactory(), rating="false", summary="No."
        )
        verdict = verdict_submit(actor=author, verdict=verdict)
        etag = f'"verdict:{verdict.pk}:{verdict.version}"'
        url = f"/api/v1/verdicts/{verdict.pk}/approve/"
        responses = race([lambda c=c, u=url, e=etag: c.post(u, HTTP_IF_MATCH=e) for c in editors])
        assert sorted(r.status_code for r in responses) == [200, 412]
        stale = next(r for r in responses if r.status_code == 412).json()
        assert stale["current_version"] == verdict.version + 1
        verdict.refresh_from_db()
        assert (verdict.status, verdict.version) == (Verdict.Status.APPROVED, 3)


def test_two_reviewers_editing_with_the_same_etag_nothing_is_lost_silently():
    reviewers = [token_client(ReviewerFactory()), token_client(ReviewerFactory())]
    for round_ in range(ROUNDS):
        claim = ClaimFactory()
        etag = f'"claim:{claim.pk}:{claim.version}"'
        texts = [f"round {round_} by A", f"round {round_} by B"]
        responses = race(
            [
                lambda c=c, t=t, u=f"/api/v1/claims/{claim.pk}/", e=etag: c.patch(
                    u, {"statement": t}, format="json", HTTP_IF_MATCH=e
                )
                for c, t in zip(reviewers, texts, strict=True)
            ]
        )
        assert sorted(r.status_code for r in responses) == [200, 412]
        winner = next(r for r in responses if r.status_code == 200).json()
        loser = next(r for r in responses if r.status_code == 412).json()
        claim.refresh_from_db()
        assert claim.statement == winner["statement"]
        assert claim.version == 2
        # the refused writer is told what is stored now, so they can merge by hand
        assert loser["current"]["statement"] == claim.statement


def test_without_an_etag_the_second_approval_is_a_conflict_not_a_double_approval():
    editors = [EditorFactory(), EditorFactory()]
    author = ReviewerFactory()
    verdict = verdict_create(
        actor=author, claim=SourcedClaimFactory(), rating="false", summary="No."
    )
    verdict = verdict_submit(actor=author, verdict=verdict)
    clients = [token_client(e) for e in editors]
    responses = race(
        [
            lambda c=c: c.post(f"/api/v1/verdicts/{verdict.pk}/approve/", HTTP_IF_MATCH="*")
            for c in clients
        ]
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert Claim.objects.get(pk=verdict.claim_id).status == "approved"
