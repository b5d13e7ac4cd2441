"""Reads: querysets filtered by what the user may see, with the joins their pages need.

Members (reviewers, editors, admins) see every article and claim; drafts only to their author and
editors; anonymous users see published fact-checks only.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from claims.models import (
    ApiToken,
    Article,
    Claim,
    Comment,
    Evidence,
    Rating,
    Source,
    SourceSnapshot,
    Verdict,
)
from claims.permissions import PUBLIC_VERDICT_STATES, is_editor, is_member
from claims.services.errors import NotFound, ValidationError


def article_list(*, user) -> QuerySet[Article]:
    """Every article for members; none for anyone else."""
    if not is_member(user):
        return Article.objects.none()
    return Article.objects.select_related("created_by")


def article_get(*, user, article_id) -> Article:
    """One article the user may see, or NotFound."""
    try:
        return article_list(user=user).get(pk=article_id)
    except (Article.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such article") from None


def claim_list(
    *,
    user,
    article_id: int | None = None,
    status: str | None = None,
    assignee_id: int | None = None,
    claim_type: str | None = None,
    search: str | None = None,
) -> QuerySet[Claim]:
    """Claims the user may see, filtered; members see all, anonymous users published ones."""
    # The article is not joined: its body can be large, and a claim names it by id.
    qs = Claim.objects.select_related("assignee").defer("details")
    if not is_member(user):
        qs = qs.filter(status=Claim.Status.PUBLISHED)
    if article_id is not None:
        qs = qs.filter(article_id=article_id)
    if status:
        qs = qs.filter(status=status)
    if assignee_id is not None:
        qs = qs.filter(assignee_id=assignee_id)
    if claim_type:
        qs = qs.filter(claim_type=claim_type)
    if search and search.strip():
        text = search.strip()
        vector = SearchVector("statement", "quote", "claimant", config="english")
        qs = qs.annotate(search_vector=vector).filter(
            Q(search_vector=SearchQuery(text, config="english", search_type="websearch"))
            | Q(statement__icontains=text)
            | Q(quote__icontains=text)
            | Q(claimant__icontains=text)
        )
    return qs


def claim_get(*, user, claim_id) -> Claim:
    """One claim the user may see, or NotFound."""
    try:
        return claim_list(user=user).get(pk=claim_id)
    except (Claim.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such claim") from None


def claim_list_for_annotations(*, user, article: Article) -> QuerySet[Claim]:
    """An article's claims in body order, for the W3C annotation export."""
    return (
        claim_list(user=user, article_id=article.pk)
        .select_related(None)
        .order_by("start", "end", "id")
    )


def claim_published_verdict(*, claim: Claim) -> Verdict | None:
    """The claim's published verdict with its rating and scale, or None."""
    return (
        Verdict.objects.select_related("rating__scale", "claim__article")
        .filter(claim=claim, status=Verdict.Status.PUBLISHED)
        .first()
    )


def verdict_list(*, user, claim_id: int | None = None) -> QuerySet[Verdict]:
    """Verdicts the user may see: drafts to their author and editors, published ones to all."""
    qs = Verdict.objects.select_related(
        "rating", "rating__scale", "author", "reviewed_by", "supersedes", "superseded_by"
    )
    if claim_id is not None:
        qs = qs.filter(claim_id=claim_id)
    if not is_member(user):
        return qs.filter(status__in=PUBLIC_VERDICT_STATES)
    if not is_editor(user):
        qs = qs.filter(~Q(status=Verdict.Status.DRAFT) | Q(author_id=user.pk))
    return qs


def verdict_get(*, user, verdict_id) -> Verdict:
    """One verdict the user may see, or NotFound."""
    try:
        return verdict_list(user=user).get(pk=verdict_id)
    except (Verdict.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such verdict") from None


def evidence_list(*, user, claim_id: int) -> QuerySet[Evidence]:
    """A claim's evidence with its sources (members only)."""
    if not is_member(user):
        return Evidence.objects.none()
    return Evidence.objects.select_related("source", "added_by").filter(claim_id=claim_id)


def comment_list(*, user, claim_id: int) -> QuerySet[Comment]:
    """A claim's comments (members only); hidden ones only for editors."""
    if not is_member(user):
        return Comment.objects.none()
    qs = Comment.objects.select_related("author").filter(claim_id=claim_id)
    if not is_editor(user):
        qs = qs.filter(is_hidden=False)
    return qs


def source_list(*, user) -> QuerySet[Source]:
    """Sources (members only)."""
    if not is_member(user):
        return Source.objects.none()
    return Source.objects.all()


def source_get(*, user, source_id) -> Source:
    """One source, or NotFound."""
    try:
        return source_list(user=user).get(pk=source_id)
    except (Source.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such source") from None


def rating_list() -> QuerySet[Rating]:
    """The default scale's ratings, best first."""
    return Rating.objects.select_related("scale").filter(scale__is_default=True)


def user_get_assignable(*, user_id):
    """An active user to assign a claim to, or ValidationError on the assignee field."""
    User = get_user_model()
    try:
        return User.objects.prefetch_related(Prefetch("groups")).get(pk=user_id, is_active=True)
    except (User.DoesNotExist, ValueError, TypeError):
        raise ValidationError("assignee", f"No active user with id {user_id!r}.") from None


def source_snapshot_latest(*, user, source_id: int) -> SourceSnapshot | None:
    """The latest archived copy of a source this user may read, or None.

    Members read every archive; anyone may read the archive of a source cited by a published
    fact-check, since the public page links it as part of its transparency section.
    """
    snapshots = SourceSnapshot.objects.filter(source_id=source_id).order_by("-fetched_at", "-id")
    if is_member(user):
        return snapshots.first()
    # The public reads the copy a published verdict relied on: the latest one archived by the
    # time of the last publication that cites the source (evidence added later is not public).
    cutoff = (
        Verdict.objects.filter(
            status__in=PUBLIC_VERDICT_STATES,
            claim__evidence__source_id=source_id,
            claim__evidence__created_at__lte=F("published_at"),
        )
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    if cutoff is None:
        return None
    return snapshots.filter(fetched_at__lte=cutoff).first()


def source_snapshots_public_at(*, source_ids) -> dict[int, list[SourceSnapshot]]:
    """The snapshots of these sources, newest first, without their bodies (one query)."""
    found: dict[int, list[SourceSnapshot]] = {}
    rows = (
        SourceSnapshot.objects.filter(source_id__in=list(source_ids))
        .only("id", "source_id", "fetched_at", "content_sha256")
        .order_by("-fetched_at", "-id")
    )
    for snapshot in rows:
        found.setdefault(snapshot.source_id, []).append(snapshot)
    return found


def claim_ids_with_archived_sources(*, claim_ids) -> set[int]:
    """Which of these claims cite at least one source that is fetched and archived (one query)."""
    return set(
        Evidence.objects.filter(
            claim_id__in=list(claim_ids),
            source__fetch_status=Source.FetchStatus.FETCHED,
            source__snapshots__isnull=False,
        ).values_list("claim_id", flat=True)
    )


def api_token_list(*, user) -> QuerySet[ApiToken]:
    """The user's unexpired API tokens made under their current password, newest first."""
    return ApiToken.objects.filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()),
        user=user,
        password_fingerprint=user.get_session_auth_hash(),
    )
