"""Comments: discussion lines on a claim."""

from __future__ import annotations

from django.db import transaction

from claims.models import Claim, Comment
from claims.permissions import require_member
from claims.services.text import text_clean

MAX_COMMENT_CHARS = 10_000


@transaction.atomic
def comment_add(*, actor, claim: Claim, body: str) -> Comment:
    """A newsroom member comments on a claim."""
    require_member(actor, "comment")
    body = text_clean("body", body, required=True, max_length=MAX_COMMENT_CHARS)
    return Comment.objects.create(claim=claim, author=actor, body=body)
