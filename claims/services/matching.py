"""Claim memory writes: a claim's stored matches, and a reviewer's "same claim as" links."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.matching.text import MAX_QUERY_CHARS
from claims.models import Claim, ClaimLink, ClaimMatchResult, ClaimReview, Verdict
from claims.permissions import is_editor, matchable_verdicts, require_member
from claims.selectors_matching import MatchQuery, match_text
from claims.services import queue
from claims.services.errors import NotFound, PermissionDenied, ValidationError
from claims.services.text import clean_text

LINK_KINDS = ("claimreview", "verdict")


def claim_match_text(claim: Claim) -> str:
    """What a claim is matched by: the reviewer's statement, else the quoted span (its first
    MAX_QUERY_CHARS characters: a claim is matched by its opening, however long its span)."""
    return (claim.statement or claim.quote)[:MAX_QUERY_CHARS]


def claim_matches_refresh(*, claim_id: int) -> ClaimMatchResult | None:
    """Compute a claim's earlier fact-checks now and keep them (None: the claim is gone)."""
    claim = Claim.objects.select_related("article").filter(pk=claim_id).first()
    if claim is None:
        return None
    results = match_text(
        MatchQuery(
            text=claim_match_text(claim),
            language=claim.article.language,
            exclude_claim_id=claim.pk,
        )
    )
    stored, _ = ClaimMatchResult.objects.update_or_create(
        claim=claim,
        defaults={
            "results": results,
            "best_score": results[0]["score"] if results else None,
            "same_claim": bool(results and results[0]["same_claim"]),
            "computed_at": timezone.now(),
        },
    )
    return stored


def claim_matches_enqueue(*, claim_id: int) -> None:
    """Have the worker compute a claim's matches once this transaction commits."""
    queue.enqueue(queue.CLAIM_MATCH_REFRESH, claim_id)


def _target(kind: str, target_id: int, claim: Claim) -> dict:
    if kind not in LINK_KINDS:
        raise ValidationError("kind", f"{kind!r} is not a valid kind: claimreview or verdict.")
    if kind == "claimreview":
        review = ClaimReview.objects.filter(pk=target_id, is_hidden=False).first()
        if review is None:
            raise ValidationError("id", f"No imported fact-check {target_id}.")
        return {"claim_review": review}
    verdict = matchable_verdicts(Verdict.objects.filter(pk=target_id)).first()
    if verdict is None:
        raise ValidationError("id", f"No published verdict {target_id}.")
    if verdict.claim_id == claim.pk:
        raise ValidationError("id", "A claim cannot be linked to its own verdict.")
    return {"verdict": verdict}


@transaction.atomic
def claim_link_create(
    *, actor, claim: Claim, kind: str, target_id: int, note: str = ""
) -> ClaimLink:
    """A reviewer records that a claim is the same claim as an earlier fact-check."""
    require_member(actor, "link claims to earlier fact-checks")
    target = _target(kind, target_id, claim)
    if claim.status == Claim.Status.DISMISSED:
        raise ValidationError("claim", "A dismissed claim cannot be linked.")
    try:
        with transaction.atomic():
            return ClaimLink.objects.create(
                claim=claim,
                note=clean_text(ClaimLink, "note", note),
                created_by=actor,
                **target,
            )
    except IntegrityError:
        raise ValidationError("id", "The claim is already linked to this fact-check.") from None


@transaction.atomic
def claim_link_delete(*, actor, claim: Claim, link_id: int) -> None:
    """Remove a link: the reviewer who made it, or an editor."""
    require_member(actor, "remove links to earlier fact-checks")
    link = ClaimLink.objects.select_for_update().filter(pk=link_id, claim=claim).first()
    if link is None:
        raise NotFound("No such link on this claim.")
    if link.created_by_id != actor.pk and not is_editor(actor):
        raise PermissionDenied("only the reviewer who made a link, or an editor, may remove it")
    link.delete()
