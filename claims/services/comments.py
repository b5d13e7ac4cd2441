"""Comments: discussion lines on a claim."""

from __future__ import annotations

from django.db import transaction

from claims.models import Claim, Comment
from claims.permissions import require_member
from claims.services import notify
from claims.services.text import clean_text


@transaction.atomic
def comment_add(*, actor, claim: Claim, body: str) -> Comment:
    """A newsroom member comments on a claim."""
    require_member(actor, "comment")
    body = clean_text(Comment, "body", body, required=True)
    comment = Comment.objects.create(claim=claim, author=actor, body=body)
    notify.comment_added(actor=actor, comment=comment)
    return comment
