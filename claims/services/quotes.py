"""Checking the passages evidence quotes against the text of its fetched source."""

from __future__ import annotations

from claims import fetching
from claims.models import Evidence, Source


def evidence_check_quote(*, evidence: Evidence) -> Evidence:
    """Check one piece of evidence's quoted passage now, if its source is already fetched."""
    source = Source.objects.only("fetch_status", "text").get(pk=evidence.source_id)
    if source.fetch_status == Source.FetchStatus.FETCHED and evidence.quoted_passage:
        evidence_check_quotes(source_id=source.pk, text=source.text, evidence_ids=[evidence.pk])
        evidence.refresh_from_db(fields=["quote_found", "quote_start", "quote_end", "quote_score"])
    return evidence


def evidence_check_quotes(
    *, source_id: int, text: str, evidence_ids: list[int] | None = None
) -> int:
    """Record where each quoted passage of this source's evidence is found in ``text``."""
    queryset = Evidence.objects.filter(source_id=source_id).exclude(quoted_passage="")
    if evidence_ids is not None:
        queryset = queryset.filter(pk__in=evidence_ids)
    items = list(queryset)
    if not items:
        return 0
    for evidence in items:
        match = fetching.find_quote(evidence.quoted_passage, text)
        evidence.quote_found = match.found
        evidence.quote_start = match.start
        evidence.quote_end = match.end
        evidence.quote_score = match.score
    Evidence.objects.bulk_update(
        items, ["quote_found", "quote_start", "quote_end", "quote_score"], batch_size=200
    )
    return len(items)
