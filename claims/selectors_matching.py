"""Reads for the claim memory: earlier fact-checks that match a text, best first.

First stage: PostgreSQL full-text search over the GIN index of imported ClaimReviews (and over our
own published verdicts), with the query's rarest lexemes OR-ed, ordered by ts_rank with the claim
weighing most. Second stage: claims.matching.rank re-scores those candidates (BM25 over the
weighted parts with exact document frequencies, plus a static-embedding cosine) into 0..1.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from claims.matching import embedding, rank
from claims.matching.text import MAX_QUERY_CHARS, clean_query, search_config
from claims.permissions import (
    MATCHED_VERDICT_STATES,
    matchable_verdicts,
    shown_links,
)
from claims.services.errors import ValidationError

LIMIT = 10
CANDIDATES = 250  # first-stage hits re-ranked, from the imported fact-checks
OWN_CANDIDATES = 20  # and from our own published verdicts
COVERED = 30  # the best candidates whose claims are compared word for word with the query
MAX_TERMS = 16  # the rarest query lexemes searched; all of them still count in BM25
MATCH_BUDGET = 2000  # the selecting clauses' expected rows add up to at most this
PAIR_TERMS = 6  # when single lexemes match too much: pairs among the rarest this many
SCAN_LIMIT = 4000  # and whatever the estimates, at most this many rows are ranked
TS_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"  # D, C, B, A: claim over title over summary


@dataclass(frozen=True)
class MatchQuery:
    """What to match: the text, its language, and a claim whose own verdicts are left out."""

    text: str
    language: str = ""
    exclude_claim_id: int | None = None


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery(clauses: list[tuple[str, ...]]) -> str:
    """OR of the clauses; a clause of two lexemes is their AND."""
    return " | ".join(
        _quote(c[0]) if len(c) == 1 else "(" + " & ".join(map(_quote, c)) + ")" for c in clauses
    )


def _query_terms(cursor, config: str, text: str) -> tuple[dict[str, int], rank.Corpus]:
    """The query's lexemes with their document frequencies, and the corpus totals (one query:
    with no lexeme there is no row, and nothing to search)."""
    cursor.execute(
        "SELECT u.lexeme, coalesce(t.documents, 0), c.documents, c.length_a, c.length_b,"
        " c.length_c"
        " FROM unnest(to_tsvector(%s::regconfig, %s)) u"
        " LEFT JOIN claims_claimreviewterm t ON t.lexeme = u.lexeme"
        " LEFT JOIN claims_claimreviewcorpus c ON c.id = 1",
        [config, text],
    )
    rows = cursor.fetchall()
    dfs = {lexeme: df for lexeme, df, *_ in rows}
    totals = rows[0][2:] if rows and rows[0][2] is not None else (0, 0, 0, 0)
    n = max(int(totals[0]), 1)
    corpus = rank.Corpus(documents=n, avg_length=(totals[1] / n, totals[2] / n, totals[3] / n))
    return dfs, corpus


def _selective(dfs: dict[str, int], budget: int, documents: int) -> list[tuple[str, ...]]:
    """The clauses that pick candidates, so that the rows they can match stay within the budget
    whatever the size of the corpus: the query's lexemes alone, rarest first, while their
    document frequencies add up to at most the budget; then, when fewer than two fit, pairs of
    the rarest (both lexemes in one fact-check), by their expected rows ``df_a * df_b / N``."""
    ranked = sorted((df, lex) for lex, df in dfs.items() if df > 0)
    chosen: list[tuple[str, ...]] = []
    total = 0
    for df, lexeme in ranked:
        if len(chosen) >= MAX_TERMS or total + df > budget:
            break
        chosen.append((lexeme,))
        total += df
    if len(chosen) >= 2 or len(ranked) < 2:
        return chosen or [(lex,) for _, lex in ranked[:1]]
    rest = [(df, lex) for df, lex in ranked[len(chosen) : len(chosen) + PAIR_TERMS]]
    pairs = sorted(
        (a[0] * b[0] / max(documents, 1), a[1], b[1])
        for i, a in enumerate(rest)
        for b in rest[i + 1 :]
    )
    for expected, a, b in pairs:
        if len(chosen) >= MAX_TERMS or (len(chosen) >= 2 and total + expected > budget):
            break
        chosen.append((a, b))
        total += expected
    return chosen


# The first stage, one statement: the imported fact-checks found by the SQL function
# claims_claimreview_first_stage (migration 0028: at most SCAN_LIMIT matched rows of the narrow
# table ClaimReviewSearch, whatever the estimates said, the best by ts_rank), then our own
# verdicts found by claims_verdict_first_stage (the best of VerdictSearch in a matchable state,
# other than the claim's own); for each hit the query's lexemes with their weights, one row per
# lexeme found (no JSON built in the database). Both functions search through their GIN index.
# The statement starts with SELECT, not WITH: the audit trail's context is only attached to
# statements that may write.
_IMPORTED = """
    SELECT 'claimreview', h.claim_review_id, h.length_a, h.length_b, h.length_c, h.embedding,
           NULL::text, u.lexeme, array_to_string(u.weights, '')
      FROM claims_claimreview_first_stage(%(tsquery)s::tsquery, %(weights)s::float4[],
                                          %(scan)s, %(limit)s) h
      LEFT JOIN LATERAL unnest(h.search) u ON u.lexeme = ANY(%(lexemes)s)
"""
_OWN = """
    SELECT 'verdict', o.verdict_id, o.length_a, 0, o.length_c, NULL::bytea, o.claim_text,
           u.lexeme, array_to_string(u.weights, '')
      FROM claims_verdict_first_stage(%(own_tsquery)s::tsquery, %(weights)s::float4[],
                                      %(states)s::text[], %(exclude)s::bigint, %(own_limit)s) o
      LEFT JOIN LATERAL unnest(o.search) u ON u.lexeme = ANY(%(lexemes)s)
"""


def _first_stage(cursor, sql: str, params: dict) -> list[rank.Candidate]:
    cursor.execute(sql, params)
    found: dict[tuple[str, int], rank.Candidate] = {}
    for kind, row_id, la, lb, lc, vector, text, lexeme, weights in cursor.fetchall():
        key = (kind, row_id)
        c = found.get(key)
        if c is None:
            c = found[key] = rank.Candidate(
                key=key,
                tf={},
                lengths=(la, lb, lc),
                embedding=embedding.from_bytes(vector),
                extra={"text": text} if kind == "verdict" else {},
            )
        if lexeme is not None:
            c.tf[lexeme] = (weights.count("A"), weights.count("B"), weights.count("C"))
    return list(found.values())


def match_candidates(
    query: MatchQuery,
    *,
    candidates: int = CANDIDATES,
    budget: int = MATCH_BUDGET,
    shown: int = 0,
) -> list[rank.Candidate]:
    """Every re-ranked candidate for a text, best first (the evaluation reads them all); the
    first ``shown`` imported ones carry what match_describe shows of them."""
    if len(query.text or "") > MAX_QUERY_CHARS:
        # Refused, not cut: a text this long is not one claim (a claim's own text is cut by
        # services.matching, which knows it is one).
        raise ValidationError(
            "q",
            f"The text is {len(query.text):,} characters; at most {MAX_QUERY_CHARS:,} are matched.",
        )
    text = clean_query(query.text)
    if not text:
        return []
    config = search_config(query.language)
    p = rank.params()
    with connection.cursor() as cursor:
        dfs, corpus = _query_terms(cursor, config, text)
        chosen = _selective(dfs, budget, corpus.documents)
        # Lexemes no imported fact-check holds still count for our own verdicts.
        own_terms = chosen or [(lex,) for lex in sorted(dfs)[:MAX_TERMS]]
        idfs = {lex: rank.idf(corpus.documents, df) for lex, df in dfs.items()}
        common = {"weights": TS_WEIGHTS, "lexemes": list(dfs)}
        parts, params = [], dict(common)
        if chosen:
            parts.append(_IMPORTED)
            params |= {"tsquery": _tsquery(chosen), "limit": candidates, "scan": SCAN_LIMIT}
        if own_terms:
            parts.append(_OWN)
            params |= {
                "own_tsquery": _tsquery(own_terms),
                "own_limit": OWN_CANDIDATES,
                "exclude": query.exclude_claim_id,
                "states": sorted(MATCHED_VERDICT_STATES),
            }
        found = _first_stage(cursor, " UNION ALL ".join(parts), params) if parts else []
    if not found:
        return []
    own = [c for c in found if c.key[0] == "verdict"]
    vectors = embedding.embed([text] + [c.extra["text"] for c in own])
    for c, vector in zip(own, vectors[1:], strict=True):
        c.embedding = vector
    for c in found:
        c.extra |= {"idfs": idfs, "corpus": corpus}
    rank.features(found, idfs=idfs, corpus=corpus, query_vector=vectors[0], p=p)
    ranked = rank.rank(found, p)
    best = ranked[:COVERED]
    _claim_lexemes(best, config, shown=ranked[:shown])
    rank.claim_coverage(best, query_lexemes=set(dfs), corpus=corpus)
    return rank.score(ranked, p)


# For the best candidates, the lexemes of each one's claim with their document frequencies; and
# in the same statement, what a reader is shown of the imported fact-checks among the first
# ``shown`` (still visible), so that describing them costs no query of its own.
_CLAIM_LEXEMES = """
    SELECT 'claimreview', r.claim_review_id, u.lexeme, coalesce(t.documents, 0),
           NULL::text[], NULL::date
      FROM claims_claimreviewsearch r CROSS JOIN LATERAL unnest(r.search) u
      LEFT JOIN claims_claimreviewterm t ON t.lexeme = u.lexeme
     WHERE r.claim_review_id = ANY(%(ids)s::bigint[]) AND 'A' = ANY(u.weights)
    UNION ALL
    SELECT 'verdict', v.id, u.lexeme, coalesce(t.documents, 0), NULL::text[], NULL::date
      FROM unnest(%(vids)s::bigint[], %(vtexts)s::text[]) AS v(id, txt)
      CROSS JOIN LATERAL unnest(to_tsvector(%(config)s::regconfig, v.txt)) u
      LEFT JOIN claims_claimreviewterm t ON t.lexeme = u.lexeme
    UNION ALL
    SELECT 'shown', r.id, NULL, NULL,
           ARRAY[r.claim_reviewed, r.rating_name, r.rating_value, r.best_rating, r.url, r.author],
           r.date_published
      FROM claims_claimreview r
     WHERE r.id = ANY(%(shown)s::bigint[]) AND NOT r.is_hidden
"""
_SHOWN = ("claim_reviewed", "rating_name", "rating_value", "best_rating", "url", "author")


def _claim_lexemes(
    candidates: list[rank.Candidate], config: str, shown: list[rank.Candidate]
) -> None:
    """The lexemes of each candidate's claim with their document frequencies, and what the
    results show of the ``shown`` ones (one query)."""
    reviews = [c.key[1] for c in candidates if c.key[0] == "claimreview"]
    own = [c for c in candidates if c.key[0] == "verdict"]
    found: dict[tuple[str, int], dict[str, int]] = {}
    described: dict[int, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM_LEXEMES,
            {
                "ids": reviews,
                "vids": [c.key[1] for c in own],
                "vtexts": [c.extra["text"] for c in own],
                "config": config,
                "shown": [c.key[1] for c in shown if c.key[0] == "claimreview"],
            },
        )
        for kind, pk, lexeme, df, fields, published in cursor.fetchall():
            if kind == "shown":
                described[pk] = dict(zip(_SHOWN, fields, strict=True)) | {
                    "date_published": published
                }
            else:
                found.setdefault((kind, pk), {})[lexeme] = df
    for c in candidates:
        c.extra["claim_lexemes"] = found.get(c.key, {})
    for c in shown:
        if c.key[0] == "claimreview":
            c.extra["shown"] = described.get(c.key[1])


def match_text(query: MatchQuery, *, limit: int = LIMIT) -> list[dict]:
    """At most ``limit`` earlier fact-checks for a text, best first, in the API's shape."""
    ranked = match_candidates(query, shown=limit)[:limit]
    return match_describe(ranked, threshold=rank.params().threshold)


def match_describe(ranked: list[rank.Candidate], *, threshold: float) -> list[dict]:
    """The API's result objects for ranked candidates: the imported fact-checks as
    match_candidates(shown=...) read them (a hidden one is left out), our verdicts in one query
    when there are any."""
    from claims.exports.claimreview import claim_reviewed, public_url
    from claims.models import Verdict

    verdict_ids = [c.key[1] for c in ranked if c.key[0] == "verdict"]
    verdicts = matchable_verdicts(
        Verdict.objects.select_related("rating", "claim", "claim__article")
    ).in_bulk(verdict_ids)
    from django.conf import settings

    results = []
    for c in ranked:
        kind, pk = c.key
        if kind == "claimreview" and c.extra.get("shown"):
            r = c.extra["shown"]
            rating = r["rating_name"] or (
                f"{r['rating_value']}/{r['best_rating']}" if r["rating_value"] else ""
            )
            item = {
                "claim_reviewed": r["claim_reviewed"],
                "rating": rating,
                "url": r["url"],
                "author": r["author"],
                "date_published": (
                    r["date_published"].isoformat() if r["date_published"] else None
                ),
            }
        elif kind == "verdict" and pk in verdicts:
            v = verdicts[pk]
            item = {
                "claim_reviewed": claim_reviewed(v.claim, v),
                "rating": v.rating.label,
                "url": public_url(v.claim),
                "author": settings.FACTCHECK_PUBLISHER_NAME,
                "date_published": v.published_at.date().isoformat() if v.published_at else None,
            }
        else:
            continue
        results.append(
            {
                "kind": kind,
                "id": pk,
                **item,
                "score": round(c.score, 4),
                "same_claim": c.score >= threshold,
            }
        )
    return results


def claim_links_for(*, claim_ids: list[int]) -> dict[int, list[dict]]:
    """Each claim's "same claim as" links with what a reader sees of the earlier fact-check."""
    from django.conf import settings

    from claims.exports.claimreview import claim_reviewed, public_url
    from claims.models import ClaimLink

    out: dict[int, list[dict]] = {pk: [] for pk in claim_ids}
    links = shown_links(ClaimLink.objects.filter(claim_id__in=claim_ids)).select_related(
        "claim_review", "verdict__rating", "verdict__claim", "created_by"
    )
    for link in links:
        if link.claim_review_id:
            r = link.claim_review
            item = {
                "kind": "claimreview",
                "url": r.url,
                "claim_reviewed": r.claim_reviewed,
                "rating": r.rating_name or r.rating_value,
                "author": r.author,
                "date_published": r.date_published,
            }
        else:
            v = link.verdict
            item = {
                "kind": "verdict",
                "url": public_url(v.claim),
                "claim_reviewed": claim_reviewed(v.claim, v),
                "rating": v.rating.label,
                "author": settings.FACTCHECK_PUBLISHER_NAME,
                "date_published": v.published_at.date() if v.published_at else None,
            }
        item |= {"id": link.pk, "note": link.note, "created_by": link.created_by}
        out[link.claim_id].append(item)
    return out
