"""Moderation: hiding abusive comments (the text is kept for the record), re-fetching sources."""

from __future__ import annotations

from celery import current_app
from django.db import transaction
from django.utils import timezone

from claims.models import Comment, Source
from claims.permissions import require_editor
from claims.services.concurrency import lock
from claims.services.errors import InvalidTransition

MAX_REASON_CHARS = 300


@transaction.atomic
def comment_hide(*, actor, comment: Comment, reason: str = "") -> Comment:
    """An editor hides a comment from readers; its body stays stored, unchanged."""
    require_editor(actor, "hide comments")
    locked = lock(Comment, comment.pk)
    if locked.is_hidden:
        raise InvalidTransition("the comment is already hidden", current_state="hidden")
    locked.is_hidden = True
    locked.hidden_by = actor
    locked.hidden_at = timezone.now()
    locked.hidden_reason = (reason or "").strip()[:MAX_REASON_CHARS]
    locked.save(
        update_fields=["is_hidden", "hidden_by", "hidden_at", "hidden_reason", "updated_at"]
    )
    return locked


@transaction.atomic
def comment_unhide(*, actor, comment: Comment) -> Comment:
    """An editor shows a hidden comment again (who hid it and why stays in the audit trail)."""
    require_editor(actor, "unhide comments")
    locked = lock(Comment, comment.pk)
    if not locked.is_hidden:
        raise InvalidTransition("the comment is not hidden", current_state="visible")
    locked.is_hidden = False
    locked.hidden_by = None
    locked.hidden_at = None
    locked.hidden_reason = ""
    locked.save(
        update_fields=["is_hidden", "hidden_by", "hidden_at", "hidden_reason", "updated_at"]
    )
    return locked


SOURCE_FETCH_TASK = "claims.tasks.source_fetch"


@transaction.atomic
def source_refetch_request(*, actor, source: Source) -> Source:
    """An editor asks for a source to be fetched again (failed, or to refresh a fetched one).

    The source goes back to pending with a fresh attempt budget and the fetch task is sent once
    this transaction commits.
    """
    require_editor(actor, "re-fetch sources")
    locked = lock(Source, source.pk)
    lease = locked.lease_expires_at
    if locked.fetch_status == Source.FetchStatus.FETCHING and lease and lease > timezone.now():
        raise InvalidTransition("a fetch is under way", current_state=locked.fetch_status)
    locked.fetch_status = Source.FetchStatus.PENDING
    locked.attempts = 0
    locked.worker_losses = 0
    locked.lease_expires_at = None
    locked.save(
        update_fields=[
            "fetch_status",
            "attempts",
            "worker_losses",
            "lease_expires_at",
            "updated_at",
        ]
    )
    transaction.on_commit(lambda: current_app.send_task(SOURCE_FETCH_TASK, args=[locked.pk]))
    return locked
