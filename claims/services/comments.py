"""Comments: discussion lines on a claim."""

from __future__ import annotations

from django.db import transaction

from claims.models import Claim, Comment
from claims.permissions import require_member
from claims.services.errors import ValidationError

MAX_COMMENT_CHARS = 10_000


@transaction.atomic
def comment_add(*, actor, claim: Claim, body: str) -> Comment:
    """A newsroom member comments on a claim."""
    require_member(actor, "comment")
    body = (body or "").strip()
    if not body:
        raise ValidationError("body", "This field may not be blank.")
    if len(body) > MAX_COMMENT_CHARS:
        raise ValidationError(
            "body", f"Ensure this field has no more than {MAX_COMMENT_CHARS} characters."
        )
    if "\x00" in body:
        raise ValidationError("body", "Null characters are not allowed.")
    return Comment.objects.create(claim=claim, author=actor, body=body)
