"""Reads for the reviewer UI's pages: one query per list, whatever its length.

Kept apart from claims.selectors (written alongside) so the two can land independently.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from claims.models import Article, Claim, Evidence, Rating, Verdict
from claims.permissions import is_editor, is_member

STATUS_ORDER = [value for value, _ in Claim.Status.choices]


def article_list_for_review(
    *, user, search: str = "", assigned_to_user: bool = False
) -> QuerySet[Article]:
    """Articles with their claim counts by status (``n_<status>``, ``n_claims``), newest first."""
    if not is_member(user):
        return Article.objects.none()
    counts = {
        f"n_{status}": Count("claims", filter=Q(claims__status=status)) for status in STATUS_ORDER
    }
    qs = Article.objects.only(
        "id", "title", "publisher", "url", "published_at", "ingest_status", "created_at"
    ).annotate(n_claims=Count("claims"), **counts)
    search = (search or "").strip()
    if search:
        qs = qs.filter(
            Q(title__icontains=search) | Q(publisher__icontains=search) | Q(url__icontains=search)
        )
    if assigned_to_user:
        qs = qs.filter(Exists(Claim.objects.filter(article_id=OuterRef("pk"), assignee_id=user.pk)))
    return qs.order_by("-created_at", "-id")


def article_get_for_review(*, user, article_id: int) -> Article | None:
    """One article for a member, or None."""
    if not is_member(user):
        return None
    return Article.objects.filter(pk=article_id).first()


def claim_list_for_workbench(*, user, article_id: int) -> list[Claim]:
    """An article's claims in text order with their assignees (one query)."""
    if not is_member(user):
        return []
    return list(
        Claim.objects.filter(article_id=article_id)
        .select_related("assignee", "match_result")
        .defer("prefix", "suffix", "details", "dismissal_note")
        .order_by("start", "end", "id")
    )


def verdict_queue_for_editor(*, user) -> QuerySet[Verdict]:
    """Submitted verdicts awaiting approval, oldest submission first."""
    if not is_editor(user):
        return Verdict.objects.none()
    return (
        Verdict.objects.filter(status=Verdict.Status.SUBMITTED)
        .select_related("claim__article", "rating", "author")
        .order_by("submitted_at", "id")
    )


def public_article_fact_checks(*, article_id: int) -> tuple[Article | None, list[Claim]]:
    """An article and its claims that have a published verdict, in text order (for anyone)."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return None, []
    claims = list(
        Claim.objects.filter(
            article_id=article_id,
            verdicts__status=Verdict.Status.PUBLISHED,
        )
        .distinct()
        .order_by("start", "end", "id")
    )
    return article, claims


def public_verdicts_for(*, claims: list[Claim]) -> list[Verdict]:
    """Published and superseded verdicts of these claims, with rating, scale and reviewer."""
    return list(
        Verdict.objects.filter(
            claim__in=claims,
            status__in=[Verdict.Status.PUBLISHED, Verdict.Status.SUPERSEDED],
        )
        .select_related("rating__scale", "claim__article", "supersedes")
        .order_by("claim_id", "published_at", "id")
    )


def public_evidence_for(*, claims: list[Claim]) -> list[Evidence]:
    """The evidence of these claims with their sources and snapshot counts."""
    return list(
        Evidence.objects.filter(claim__in=claims)
        .select_related("source")
        .annotate(n_snapshots=Count("source__snapshots"))
        .order_by("claim_id", "created_at", "id")
    )


def rating_scale_for_readers() -> list[Rating]:
    """The default scale's ratings, in order, with what each means."""
    return list(Rating.objects.filter(scale__is_default=True).select_related("scale"))


def member_list() -> list:
    """Active reviewers and editors, to assign claims to."""
    from django.contrib.auth import get_user_model

    from claims.reference import ROLE_GROUPS

    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=ROLE_GROUPS) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )
