"""Storing the extractor's suggestions as Claims on an article."""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection, transaction
from django.utils import timezone

from claims.extraction import Suggestion, extract_claims
from claims.extraction.attribution import is_person
from claims.extraction.transcript import analyse_transcript
from claims.models import SPAN_CHECK_BATCH_SQL, Article, Claim

CONTEXT_CHARS = 32


def _overlaps_half(a0: int, a1: int, b0: int, b1: int) -> bool:
    inter = min(a1, b1) - max(a0, b0)
    return inter > 0 and (inter * 2 > a1 - a0 or inter * 2 > b1 - b0)


def _claim_from(article: Article, s: Suggestion) -> Claim:
    body = article.body
    claimant_kind = ""
    if s.speaker:
        claimant_kind = Claim.ClaimantKind.PERSON  # who spoke in a transcript
    elif s.claimant:
        claimant_kind = (
            Claim.ClaimantKind.PERSON if is_person(s.claimant) else Claim.ClaimantKind.ORGANIZATION
        )
    return Claim(
        article=article,
        start=s.start,
        end=s.end,
        quote=body[s.start : s.end],
        prefix=body[max(0, s.start - CONTEXT_CHARS) : s.start],
        suffix=body[s.end : s.end + CONTEXT_CHARS],
        claimant=(s.claimant or "")[:300],
        claimant_kind=claimant_kind,
        claim_type=s.claim_type or Claim.Type.OTHER,
        checkworthiness=s.checkworthiness,
        reasons=list(s.reasons),
        details=_details(s),
        origin=Claim.Origin.SUGGESTED,
        status=Claim.Status.SUGGESTED,
    )


def _details(s: Suggestion) -> dict:
    details = {
        "quantities": list(s.quantities),
        "dates": list(s.dates),
        "attribution_verb": s.attribution_verb or "",
    }
    if s.turn is not None:  # a transcript's claim: its turn, speaker and cue time (seconds)
        details.update(turn=s.turn, speaker=s.speaker or "", time=s.time)
    return details


def suggestions_for(article: Article) -> list[Suggestion]:
    """The extractor's suggestions for an article's body, in the mode of its kind."""
    if article.kind == Article.Kind.TRANSCRIPT:
        return analyse_transcript(article.body, article.turns, suggested_only=True)
    return extract_claims(article.body)


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
    article = Article.objects.select_for_update().get(pk=pk)
    existing = list(
        article.claims.filter(start__isnull=False).values_list("start", "end", "origin")
    )
    spans = {(start, end) for start, end, _ in existing}
    manual = [(start, end) for start, end, origin in existing if origin != Claim.Origin.SUGGESTED]
    new = []
    for s in suggestions_for(article):
        if (s.start, s.end) in spans:
            continue
        if any(_overlaps_half(s.start, s.end, a, b) for a, b in manual):
            continue
        new.append(_claim_from(article, s))
        spans.add((s.start, s.end))
    if not new:
        return []
    with connection.cursor() as cursor:
        cursor.execute(SPAN_CHECK_BATCH_SQL)  # the span rule over the article in one pass
    return _insert_suggestions(new)


def article_extract(*, article_id: int) -> str:
    """Suggest the claims of an article whose text was too long to do it in the request that
    added it (ingest status "extracting"), then mark it ready. Idempotent: a repeated message
    adds nothing and an article already ready is left alone."""
    Ingest = Article.IngestStatus
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.ingest_status != Ingest.EXTRACTING:
            return "skipped"
        article_suggest_claims(article=article)
        Article.objects.filter(pk=article_id).update(
            ingest_status=Ingest.READY, ingest_error="", updated_at=timezone.now()
        )
    return "ready"


def _json_value(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _insert_suggestions(claims: list[Claim]) -> list[Claim]:
    """Insert new suggestions in one statement: their rows as one JSON document, which
    PostgreSQL reads in C (jsonb_to_recordset), rather than an array per column that the driver
    quotes element by element (bulk_create's UNNEST takes twice as long as extraction at 1 MB).
    The spans are unique among them (the caller skips repeats), so ids come back by span."""
    fields = [f for f in Claim._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for claim in claims:
        claim.created_at = claim.updated_at = now
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    record = ", ".join(f"{qn(f.column)} {f.db_type(connection)}" for f in fields)
    rows = json.dumps(
        [{f.column: _json_value(getattr(c, f.attname)) for f in fields} for c in claims]
    )
    table = qn(Claim._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {columns}"  # noqa: S608 - names from the model
        f' FROM jsonb_to_recordset(%s::jsonb) AS r({record}) RETURNING id, start, "end"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [rows])
        ids = {(start, end): pk for pk, start, end in cursor.fetchall()}
    for claim in claims:
        claim.pk = ids[(claim.start, claim.end)]
        claim._state.adding = False
        claim._state.db = connection.alias
    return claims
