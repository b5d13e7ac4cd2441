"""Moderation: hiding abusive comments and wrong imported fact-checks (the text is kept for the
record). ``hidden_set`` is the one write of the hidden state, for every model that has it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from claims.models import Comment
from claims.permissions import require_editor
from claims.services.concurrency import lock
from claims.services.errors import InvalidTransition
from claims.services.text import clean_text

HIDDEN_FIELDS = ["is_hidden", "hidden_by", "hidden_at", "hidden_reason", "updated_at"]


def hidden_set(model: type[Model], pk: int, *, actor, hide: bool, noun: str, reason: str = ""):
    """Hide (with who, when and why) or show again one row of a model with the hidden columns
    (``is_hidden``, ``hidden_by``, ``hidden_at``, ``hidden_reason``), under its row lock; 409 when
    it already is so. The caller checks the role and runs in a transaction."""
    locked = lock(model, pk)
    if locked.is_hidden == hide:
        state = "already hidden" if hide else "not hidden"
        raise InvalidTransition(
            f"the {noun} is {state}", current_state="hidden" if hide else "visible"
        )
    locked.is_hidden = hide
    locked.hidden_by = actor if hide else None
    locked.hidden_at = timezone.now() if hide else None
    locked.hidden_reason = clean_text(model, "hidden_reason", reason, name="reason") if hide else ""
    locked.save(update_fields=HIDDEN_FIELDS)
    return locked


@transaction.atomic
def comment_hide(*, actor, comment: Comment, reason: str = "") -> Comment:
    """An editor hides a comment from readers; its body stays stored, unchanged."""
    require_editor(actor, "hide comments")
    return hidden_set(Comment, comment.pk, actor=actor, hide=True, noun="comment", reason=reason)


@transaction.atomic
def comment_unhide(*, actor, comment: Comment) -> Comment:
    """An editor shows a hidden comment again (who hid it and why stays in the audit trail)."""
    require_editor(actor, "unhide comments")
    return hidden_set(Comment, comment.pk, actor=actor, hide=False, noun="comment")
