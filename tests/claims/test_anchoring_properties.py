"""Property tests of re-anchoring (issue 20): random edits away from every claim leave every
claim ``moved``, its quote unchanged; through the service too, with the database's span check."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.anchoring import Anchor, matching_blocks, reanchor

WORDS = [
    "the",
    "minister",
    "said",
    "unemployment",
    "fell",
    "to",
    "percent",
    "in",
    "March",
    "critics",
    "replied",
    "that",
    "wages",
    "have",
    "not",
    "kept",
    "pace",
    "with",
    "inflation",
    "since",
    "council",
    "approved",
    "budget",
    "million",
    "dollars",
    "schools",
    "on",
    "Tuesday",
    "and",
    "a",
    "of",
    "in",
    "4.2",
    "12",
    "2019",
    "growth",
    "rose",
    "fell",
    "by",
]

word = st.sampled_from(WORDS)
sentence = st.lists(word, min_size=3, max_size=14).map(lambda ws: " ".join(ws).capitalize() + ".")
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
body_st = st.lists(paragraph, min_size=2, max_size=8).map("\n\n".join)


@st.composite
def body_claims_edits(draw):
    body = draw(body_st)
    n = len(body)
    # claims: disjoint spans of whole words, in order
    cuts = sorted(set(draw(st.lists(st.integers(0, n), min_size=2, max_size=16))))
    spans = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        while a < b and body[a].isspace():
            a += 1
        while b > a and body[b - 1].isspace():
            b -= 1
        if b - a >= 3:
            spans.append((a, b))
    # edits: each at a place at least one character away from every claim
    free = [
        i
        for i in range(n + 1)
        if all(i < a - 1 or i > b + 1 for a, b in spans)  # a gap of one character
    ]
    edits = []
    if free:
        for _ in range(draw(st.integers(1, 6))):
            at = draw(st.sampled_from(free))
            kind = draw(st.sampled_from(["insert", "delete", "replace"]))
            text = draw(st.text(alphabet="abcdefgh .,\n0123456789", min_size=1, max_size=40))
            length = 0
            if kind != "insert":
                # never into a claim, nor up to its edge
                limit = min([a - 1 - at for a, _b in spans if a - 1 > at] + [n - at])
                length = draw(st.integers(0, max(0, min(limit, 30))))
            edits.append((at, length, "" if kind == "delete" else text))
    return body, spans, edits


def apply(body: str, spans, edits) -> tuple[str, list[str]]:
    # right to left, so earlier offsets stay valid; overlapping edits are skipped
    done = body
    last = len(body) + 1
    for at, length, text in sorted(edits, key=lambda e: -e[0]):
        if at + length >= last:
            continue
        done = done[:at] + text + done[at + length :]
        last = at
    return done, [body[a:b] for a, b in spans]


def _anchors(body, spans):
    return [
        Anchor(k, a, b, body[a:b], body[max(0, a - 32) : a], body[b : b + 32])
        for k, (a, b) in enumerate(spans)
    ]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body_claims_edits())
def test_edits_away_from_every_claim_leave_every_claim_moved(case):
    body, spans, edits = case
    new, quotes = apply(body, spans, edits)
    placed = reanchor(body, new, _anchors(body, spans))
    for place, quote in zip(placed, quotes, strict=True):
        assert place.status == "moved", (place, quote)
        assert new[place.start : place.end] == quote


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_every_matching_block_is_shared_text(old, new):
    last_old = last_new = 0
    for i, j, n, _sure in matching_blocks(old, new):
        assert n > 0 and old[i : i + n] == new[j : j + n]
        assert i >= last_old and j >= last_new  # in order, no overlap
        last_old, last_new = i + n, j + n


@settings(max_examples=200, deadline=None)
@given(body_st, body_st)
def test_a_placement_always_quotes_the_new_body(old, new):
    spans = [(m, min(len(old), m + 20)) for m in range(0, max(1, len(old) - 20), 37)]
    spans = [(a, b) for a, b in spans if b - a >= 3]
    for place in reanchor(old, new, _anchors(old, spans)):
        if place.status == "lost":
            assert place.start is None
        else:
            assert 0 <= place.start < place.end <= len(new)
            assert 0 <= place.confidence <= 1


# --- through the service, with the database --------------------------------------------------


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(body_claims_edits())
def test_through_the_service_every_claim_moved_and_the_span_rule_holds(case):
    from claims.models import Claim
    from claims.services.claims import claim_create
    from claims.services.revisions import article_revise
    from tests.factories import ArticleFactory, ReviewerFactory

    body, spans, edits = case
    new, quotes = apply(body, spans, edits)
    reviewer = ReviewerFactory()
    article = ArticleFactory(body=body)
    claims = [claim_create(actor=reviewer, article=article, start=a, end=b) for a, b in spans]
    article.refresh_from_db()
    article_revise(actor=reviewer, article=article, body=new, expected_version=article.version)
    # An identical body records no revision: its claims stay where they were placed.
    expected = "exact" if new == body else "moved"
    for claim, quote in zip(claims, quotes, strict=True):
        claim = Claim.objects.get(pk=claim.pk)
        assert (claim.anchor_status, claim.quote) == (expected, quote)


@settings(max_examples=150, deadline=None)
@given(body_st, body_st, st.data())
def test_the_word_start_index_finds_what_str_find_finds(old, new, data):
    """The index (built once the scans pass their budget) answers as str.find would."""
    import claims.anchoring as anchoring

    spans = [(m, min(len(old), m + 25)) for m in range(0, max(1, len(old) - 25), 41)]
    spans = [(a, b) for a, b in spans if b - a >= 3]
    # the new body mixes the old one's sentences with others, so some claims are found
    mixed = data.draw(st.sampled_from([new, old[len(old) // 3 :] + "\n\n" + new]))
    scanned = reanchor(old, mixed, _anchors(old, spans))
    budget, scans = anchoring.FIND_BUDGET, anchoring.FIND_SCANS
    anchoring.FIND_BUDGET = anchoring.FIND_SCANS = 0
    try:
        indexed = reanchor(old, mixed, _anchors(old, spans))
    finally:
        anchoring.FIND_BUDGET, anchoring.FIND_SCANS = budget, scans
    assert [(p.status, p.start, p.end) for p in indexed] == [
        (p.status, p.start, p.end) for p in scanned
    ]
