"""Storing the extractor's suggestions as Claims on an article."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from enum import Enum
from json import dumps

from django.db import connection, transaction
from django.db.models import JSONField
from django.utils import timezone

from claims.extraction import Suggestion, iter_claims
from claims.extraction.attribution import is_person
from claims.extraction.transcript import analyse_transcript
from claims.models import (
    SPAN_CHECK_BY_STATEMENT_RESET_SQL,
    SPAN_CHECK_BY_STATEMENT_SQL,
    Article,
    Claim,
)

CONTEXT_CHARS = 32
# The columns a suggestion is stored with, in the model's order; the id is the table's default.
_COLUMNS = [f for f in Claim._meta.concrete_fields if not f.primary_key]


def _overlaps_half(a0: int, a1: int, b0: int, b1: int) -> bool:
    inter = min(a1, b1) - max(a0, b0)
    return inter > 0 and (inter * 2 > a1 - a0 or inter * 2 > b1 - b0)


def _claim_values(article: Article, s: Suggestion, template: dict) -> dict:
    """A suggestion's claim as column values (``template`` holds the columns' defaults)."""
    body = article.body
    claimant_kind = ""
    if s.speaker:
        claimant_kind = Claim.ClaimantKind.PERSON.value  # who spoke in a transcript
    elif s.claimant:
        claimant_kind = (
            Claim.ClaimantKind.PERSON if is_person(s.claimant) else Claim.ClaimantKind.ORGANIZATION
        ).value
    return {
        **template,
        "article_id": article.pk,
        "start": s.start,
        "end": s.end,
        "quote": body[s.start : s.end],
        "prefix": body[max(0, s.start - CONTEXT_CHARS) : s.start],
        "suffix": body[s.end : s.end + CONTEXT_CHARS],
        "claimant": (s.claimant or "")[:300],
        "claimant_kind": claimant_kind,
        "claim_type": str(s.claim_type or Claim.Type.OTHER),
        "checkworthiness": s.checkworthiness,
        "reasons": list(s.reasons),
        "details": _details(s),
    }


def _details(s: Suggestion) -> dict:
    details = {
        "quantities": list(s.quantities),
        "dates": list(s.dates),
        "attribution_verb": s.attribution_verb or "",
    }
    if s.turn is not None:  # a transcript's claim: its turn, speaker and cue time (seconds)
        details.update(turn=s.turn, speaker=s.speaker or "", time=s.time)
    return details


def suggestions_for(article: Article) -> Iterable[Suggestion]:
    """The extractor's suggestions for an article's body, in the mode of its kind, in text
    order; an article's one at a time as they are found."""
    if article.kind == Article.Kind.TRANSCRIPT:
        return analyse_transcript(article.body, article.turns, suggested_only=True)
    return iter_claims(article.body)


@transaction.atomic
def article_suggest_claims(
    *, article: Article | None = None, article_id: int | None = None
) -> list[Claim]:
    """Store the extractor's suggestions for an article (given or by id); return the new claims.

    Idempotent and conservative: it never changes an existing claim. A suggestion is skipped when
    a claim with the same span exists (suggested, accepted, edited or dismissed alike), or when a
    reviewer's claim covers most of it, so running it again adds nothing.
    """
    if (article is None) == (article_id is None):
        raise TypeError("pass exactly one of article= or article_id=")
    pk = article.pk if article is not None else article_id
    rows = _store_suggestions(Article.objects.select_for_update().get(pk=pk))
    if not rows:
        return []
    ids = {
        (start, end): claim_id
        for claim_id, start, end in Claim.objects.filter(
            article_id=pk, origin=Claim.Origin.SUGGESTED, start__isnull=False
        ).values_list("id", "start", "end")
    }
    names = [f.attname for f in Claim._meta.concrete_fields]
    claims = []
    for row in rows:
        row["id"] = ids[(row["start"], row["end"])]
        claims.append(Claim.from_db(connection.alias, names, [row[n] for n in names]))
    return claims


def _store_suggestions(article: Article) -> list[dict]:
    """article_suggest_claims' work, on the article as locked by the caller's transaction:
    returns the rows it stored (column values by attname, without their ids). Each suggestion is written to the COPY as the
    extractor finds it, so PostgreSQL stores the first ones (heap, indexes, search vectors) on
    another core while the extractor reads on."""
    existing = list(
        article.claims.filter(start__isnull=False).values_list("start", "end", "origin")
    )
    spans = {(start, end) for start, end, _ in existing}
    manual = [(start, end) for start, end, origin in existing if origin != Claim.Origin.SUGGESTED]
    overlaps_manual = _half_overlap_test(manual) if manual else None
    template = _column_defaults()
    stored: list[dict] = []

    def new_rows() -> Iterator[dict]:
        for s in suggestions_for(article):
            if (s.start, s.end) in spans:
                continue
            if overlaps_manual is not None and overlaps_manual(s.start, s.end):
                continue
            spans.add((s.start, s.end))
            row = _claim_values(article, s, template)
            stored.append(row)
            yield row

    _copy_suggestions(new_rows())
    return stored


def article_extract(*, article_id: int) -> str:
    """Suggest the claims of an article whose text was too long to do it in the request that
    added it (ingest status "extracting"), then mark it ready. Idempotent: a repeated message
    adds nothing and an article already ready is left alone."""
    Ingest = Article.IngestStatus
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.ingest_status != Ingest.EXTRACTING:
            return "skipped"
        _store_suggestions(article)  # locked above; the claims themselves are not needed here
        Article.objects.filter(pk=article_id).update(
            ingest_status=Ingest.READY, ingest_error="", updated_at=timezone.now()
        )
    return "ready"


def _column_defaults() -> dict:
    """Every column of a new suggestion that the extractor does not set, with its default."""
    now = timezone.now()
    values = {}
    for f in _COLUMNS:
        value = f.get_default()
        values[f.attname] = value.value if isinstance(value, Enum) else value
    values.update(
        created_at=now,
        updated_at=now,
        origin=Claim.Origin.SUGGESTED.value,
        status=Claim.Status.SUGGESTED.value,
    )
    return values


def _copy_suggestions(rows: Iterable[dict]) -> None:
    """Insert new suggestions (column values by attname; the ids are the table's default) with
    one COPY, written as ``rows`` yields them. The span rule is checked at the end of the COPY,
    over its rows in one pass, by the statement trigger that SPAN_CHECK_BY_STATEMENT_SQL turns on
    (claims.models), instead of one deferred check per row at commit. At 1 MB (5,700
    suggestions) an INSERT from one JSON document after extraction cost 1.1 s to store; this,
    0.4 s."""
    names = [f.attname for f in _COLUMNS]
    json_columns = {f.attname for f in _COLUMNS if isinstance(f, JSONField)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in _COLUMNS)
    table = connection.ops.quote_name(Claim._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(SPAN_CHECK_BY_STATEMENT_SQL)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([dumps(row[n]) if n in json_columns else row[n] for n in names])
        cursor.execute(SPAN_CHECK_BY_STATEMENT_RESET_SQL)


def _half_overlap_test(spans: list[tuple[int, int]]):
    """A test of whether a span overlaps more than half of itself or of one of ``spans``. Only
    the spans starting within the longest one's length before it can overlap it, found by
    bisection, so a suggestion is compared with its neighbours, not with every manual claim."""
    spans = sorted(spans)
    starts = [a for a, _ in spans]
    longest = max((b - a for a, b in spans), default=0)

    def overlaps(start: int, end: int) -> bool:
        lo, hi = bisect_left(starts, start - longest), bisect_left(starts, end)
        return any(_overlaps_half(start, end, a, b) for a, b in spans[lo:hi])

    return overlaps
