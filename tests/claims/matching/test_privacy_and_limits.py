"""Claim memory, the hostile cases: what an anonymous reader and a blind reviewer can learn
through matches, and what a very long text costs."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.utils import timezone

from claims.matching.text import MAX_QUERY_CHARS
from claims.models import Claim, ClaimMatchResult, ReviewAssignment
from claims.selectors_matching import MatchQuery, match_text
from claims.services.errors import ValidationError
from claims.services.matching import claim_link_create, claim_matches_refresh
from tests.claims.api.conftest import token_client
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db

TUNNEL = "The harbour tunnel under the bay cost 900 million dollars."
QUERY = "harbour tunnel under the bay cost 900 million dollars"
SECRET = "Zanzibar-summary-only-the-blind-reviewer-wrote"


def tunnel_claim(**kwargs) -> Claim:
    return ClaimFactory(article=ArticleFactory(body=TUNNEL), **kwargs)


def blind_double_review() -> tuple[Claim, object, object, object]:
    """A claim under blind double review: reviewer a submitted, reviewer b not yet."""
    editor, a, b = EditorFactory(), ReviewerFactory(), ReviewerFactory()
    claim = tunnel_claim(status=Claim.Status.IN_REVIEW)
    first = ReviewAssignment.objects.create(claim=claim, slot=1, reviewer=a, assigned_by=editor)
    ReviewAssignment.objects.create(claim=claim, slot=2, reviewer=b, assigned_by=editor)
    verdict = VerdictFactory(
        claim=claim, author=a, status="submitted", submitted_at=timezone.now(), summary=SECRET
    )
    ReviewAssignment.objects.filter(pk=first.pk).update(
        verdict=verdict, rating=verdict.rating, submitted_at=timezone.now()
    )
    return claim, verdict, a, b


def verdict_ids(results: list[dict]) -> set[int]:
    return {r["id"] for r in results if r["kind"] == "verdict"}


@pytest.mark.parametrize("status", ["draft", "submitted", "approved", "rejected", "superseded"])
def test_only_a_published_verdict_of_ours_is_ever_a_match(corpus, status):
    now = timezone.now()
    dates = {
        "submitted": {"submitted_at": now},
        "approved": {"submitted_at": now, "reviewed_by": EditorFactory()},
        "rejected": {"submitted_at": now, "reviewed_by": EditorFactory(), "rejection_reason": "No"},
        "superseded": {"reviewed_by": EditorFactory(), "published_at": now},
    }.get(status, {})
    verdict = VerdictFactory(claim=tunnel_claim(), status=status, summary=SECRET, **dates)
    assert verdict.pk not in verdict_ids(match_text(MatchQuery(text=QUERY)))
    with pytest.raises(ValidationError):
        claim_link_create(
            actor=EditorFactory(), claim=ClaimFactory(), kind="verdict", target_id=verdict.pk
        )


def test_a_blind_reviewer_sees_nothing_of_the_peers_verdict_through_matches(corpus):
    _, verdict, _, b = blind_double_review()
    other = ClaimFactory(article=ArticleFactory(body=TUNNEL), statement=QUERY)
    client = token_client(b)
    for url in (f"/api/v1/matches/?q={QUERY}", f"/api/v1/claims/{other.pk}/matches/"):
        response = client.get(url)
        assert response.status_code == 200, response.content
        assert verdict.pk not in verdict_ids(response.json()["results"])
        assert SECRET not in response.content.decode()
    web = Client()
    web.force_login(b)
    for url in (f"/check/?q={QUERY}", f"/claims/{other.pk}/matches/"):
        page = web.get(url)
        assert page.status_code == 200, url
        assert SECRET not in page.content.decode()
    # Nor does the worker's stored result, which every member's claim list reads.
    claim_matches_refresh(claim_id=other.pk)
    stored = ClaimMatchResult.objects.get(claim=other)
    assert verdict.pk not in verdict_ids(stored.results)
    response = client.post(
        f"/api/v1/claims/{other.pk}/links/",
        {"kind": "verdict", "id": verdict.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert SECRET not in response.content.decode()


def test_an_anonymous_reader_gets_no_matches_anywhere(corpus):
    VerdictFactory(claim=tunnel_claim(), status="draft", summary=SECRET)
    claim = tunnel_claim()
    anonymous = Client()
    for url in (f"/api/v1/matches/?q={QUERY}", f"/api/v1/claims/{claim.pk}/matches/"):
        assert anonymous.get(url).status_code in (401, 403), url
    for url in (f"/check/?q={QUERY}", f"/claims/{claim.pk}/matches/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_a_text_over_the_limit_is_refused_with_the_reason_everywhere(corpus):
    huge = "The harbour tunnel cost 900 million dollars. " * 25_000  # about 1.1 MB
    started = time.perf_counter()
    with pytest.raises(ValidationError) as refused:
        match_text(MatchQuery(text=huge))
    assert time.perf_counter() - started < 0.5
    assert f"at most {MAX_QUERY_CHARS:,}" in refused.value.message
    over = "a" * (MAX_QUERY_CHARS + 1)
    response = token_client(ReviewerFactory()).get("/api/v1/matches/", {"q": over})
    assert response.status_code == 400
    assert "q" in response.json().get("errors", response.json()) or "q" in response.content.decode()
    web = Client()
    web.force_login(ReviewerFactory())
    page = web.get("/check/", {"q": over})
    assert page.status_code == 400
    assert str(MAX_QUERY_CHARS) in page.content.decode()
    # Exactly at the limit is matched.
    assert isinstance(match_text(MatchQuery(text="b " * (MAX_QUERY_CHARS // 2))), list)


def test_a_claim_with_a_megabyte_statement_is_matched_by_its_opening_in_bounded_time(corpus):
    claim = ClaimFactory(statement="The Apollo 11 moon landing was filmed in a studio. " * 20_000)
    started = time.perf_counter()
    stored = claim_matches_refresh(claim_id=claim.pk)
    elapsed = time.perf_counter() - started
    assert stored.results and stored.results[0]["url"] == "https://checks.example/moon"
    assert elapsed < 5, elapsed  # generous for a loaded CI machine; it takes ~0.1 s
