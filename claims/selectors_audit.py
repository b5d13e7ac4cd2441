"""Reads of the audit trail: what happened to a claim (or any tracked object), who did it, when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.expressions import RawSQL

from claims.audit import UNKNOWN_ACTOR
from claims.models import (
    Article,
    ArticleEvent,
    Claim,
    ClaimEvent,
    ClaimReview,
    ClaimReviewEvent,
    Comment,
    CommentEvent,
    Evidence,
    EvidenceEvent,
    Source,
    SourceEvent,
    Verdict,
    VerdictEvent,
)
from claims.permissions import is_member, visible_comments, visible_verdicts

EVENT_MODELS: dict[type[models.Model], type[models.Model]] = {
    Article: ArticleEvent,
    Claim: ClaimEvent,
    Source: SourceEvent,
    Evidence: EvidenceEvent,
    Verdict: VerdictEvent,
    Comment: CommentEvent,
    ClaimReview: ClaimReviewEvent,
}


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change. ``changes`` maps a column to ``[before, after]`` (JSON values).

    For an insert ``before`` is None, for a delete ``after`` is None; for an update only the
    columns that changed are listed.
    """

    id: str
    at: dt.datetime
    actor: str
    user_id: int | None
    operation: str
    model: str
    object_id: int
    changes: dict[str, list[Any]] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for the API and the UI."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "user_id": self.user_id,
            "operation": self.operation,
            "model": self.model,
            "object_id": self.object_id,
            "changes": self.changes,
        }


def _actor(context: dict[str, Any] | None) -> str:
    return (context or {}).get("actor") or UNKNOWN_ACTOR


def _entries(event_model: type[models.Model], queryset: models.QuerySet) -> list[AuditEntry]:
    table = event_model._meta.db_table
    tracked = event_model.pgh_tracked_model._meta.model_name
    # The whole event row as PostgreSQL's JSON, so values read the same as in pgh_changes. The
    # table name comes from the model, never from input.
    as_json = RawSQL(f'to_jsonb("{table}".*)', (), output_field=models.JSONField())  # noqa: S611
    rows = queryset.annotate(pgh_row=as_json).values(
        "pgh_id",
        "pgh_created_at",
        "pgh_label",
        "pgh_context",
        "pgh_changes",
        "pgh_obj_id",
        "pgh_row",
    )
    entries = []
    for row in rows:
        snapshot = {k: v for k, v in row["pgh_row"].items() if not k.startswith("pgh_")}
        if row["pgh_label"] == "update":
            changes = row["pgh_changes"] or {}
        elif row["pgh_label"] == "delete":
            changes = {k: [v, None] for k, v in snapshot.items()}
        else:
            changes = {k: [None, v] for k, v in snapshot.items()}
        context = row["pgh_context"] or {}
        entries.append(
            AuditEntry(
                id=f"{event_model._meta.label}:{row['pgh_id']}",
                at=row["pgh_created_at"],
                actor=_actor(context),
                user_id=context.get("user"),
                operation=row["pgh_label"],
                model=tracked,
                object_id=row["pgh_obj_id"],
                changes=dict(sorted(changes.items())),
                context=context,
            )
        )
    return entries


def _in_time_order(entries: list[AuditEntry]) -> list[AuditEntry]:
    order = {event._meta.label: n for n, event in enumerate(EVENT_MODELS.values())}
    return sorted(
        entries,
        key=lambda e: (e.at, order[e.id.split(":")[0]], int(e.id.split(":")[1])),
    )


def claim_history(*, claim: Claim) -> list[AuditEntry]:
    """Every recorded change of a claim and of its verdicts, evidence and comments, oldest first."""
    entries = _entries(ClaimEvent, ClaimEvent.objects.filter(pgh_obj_id=claim.pk))
    for event_model in (EvidenceEvent, VerdictEvent, CommentEvent):
        entries += _entries(event_model, event_model.objects.filter(claim_id=claim.pk))
    return _in_time_order(entries)


def claim_history_for(*, user, claim: Claim) -> list[AuditEntry]:
    """claim_history as ``user`` may read it, through the same filters as the verdicts and comments
    themselves: members only; nobody sees the changes of a verdict or comment hidden from them
    (another reviewer's draft, a hidden comment). Every surface reads the history here."""
    if not is_member(user):
        return []
    verdicts = set(visible_verdicts(user, claim.verdicts.all()).values_list("pk", flat=True))
    comments = set(visible_comments(user, claim.comments.all()).values_list("pk", flat=True))
    return [
        e
        for e in claim_history(claim=claim)
        if not (e.model == "verdict" and e.object_id not in verdicts)
        and not (e.model == "comment" and e.object_id not in comments)
    ]


def object_history(*, obj: models.Model) -> list[AuditEntry]:
    """Every recorded change of one tracked object, oldest first."""
    event_model = EVENT_MODELS[type(obj)]
    return _in_time_order(_entries(event_model, event_model.objects.filter(pgh_obj_id=obj.pk)))
