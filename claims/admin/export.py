"""CSV export of claims with their verdicts and evidence (one row per claim)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from io import StringIO

from django.db.models import Prefetch, QuerySet

from claims.models import Claim, Evidence, Verdict
from claims.permissions import visible_verdicts

HEADER = (
    "claim_id",
    "article_id",
    "article_title",
    "start",
    "end",
    "quote",
    "statement",
    "claimant",
    "claim_type",
    "origin",
    "status",
    "assignee",
    "checkworthiness",
    "verdicts",
    "evidence",
)
# Cells a spreadsheet would run as a formula are prefixed with a quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _verdict(v: Verdict) -> str:
    reviewer = f", reviewed by {v.reviewed_by.username}" if v.reviewed_by else ""
    return f"{v.rating.label} [{v.status}] by {v.author.username}{reviewer}: {v.summary}"


def _evidence(e: Evidence) -> str:
    passage = f': "{e.quoted_passage}"' if e.quoted_passage else ""
    return f"{e.stance} {e.source.url}{passage}"


def claims_for_export(queryset: QuerySet[Claim], *, user) -> QuerySet[Claim]:
    """The claims with everything a row needs, in three queries; only the verdicts ``user`` may
    see (an editor who is one of a blind double review's reviewers does not see the other's)."""
    verdicts = Verdict.objects.select_related("rating", "author", "reviewed_by")
    return queryset.select_related("article", "assignee").prefetch_related(
        Prefetch("verdicts", visible_verdicts(user, verdicts).order_by("created_at", "id")),
        Prefetch(
            "evidence", Evidence.objects.select_related("source").order_by("created_at", "id")
        ),
    )


def claims_csv(claims: Iterable[Claim]) -> str:
    """The CSV text: verdicts and evidence each joined with " | " in one cell."""
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for c in claims:
        row = (
            c.pk,
            c.article_id,
            c.article.title,
            c.start,
            c.end,
            c.quote,
            c.statement,
            c.claimant,
            c.claim_type,
            c.origin,
            c.status,
            c.assignee.username if c.assignee else "",
            c.checkworthiness,
            " | ".join(_verdict(v) for v in c.verdicts.all()),
            " | ".join(_evidence(e) for e in c.evidence.all()),
        )
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()
