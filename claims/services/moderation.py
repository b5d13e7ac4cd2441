"""Moderation: hiding abusive comments (the text is kept for the record)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from claims.models import Comment
from claims.permissions import require_editor
from claims.services.concurrency import lock
from claims.services.errors import InvalidTransition
from claims.services.text import clean_text


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
    locked.hidden_reason = clean_text(Comment, "hidden_reason", reason, name="reason")
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
