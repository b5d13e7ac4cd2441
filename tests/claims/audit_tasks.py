"""A task only the audit tests' own worker imports: one tracked write, made by a Celery task."""

from __future__ import annotations

from celery import shared_task

from claims.models import Claim

QUEUE = "audit-tests"


@shared_task(name="tests.claims.audit_tasks.claim_restate", ignore_result=True)
def claim_restate(claim_id: int, statement: str) -> None:
    """Rewrite a claim's statement (as a bulk update, like a task would)."""
    Claim.objects.filter(pk=claim_id).update(statement=statement)
