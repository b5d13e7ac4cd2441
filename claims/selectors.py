"""Reads: querysets filtered by what the user may see, with the joins their pages need.

Who sees what is decided in claims.permissions: members (reviewers, editors, admins) see every
article and claim; drafts only their author and editors; anonymous users published fact-checks
only. The lists the UI's pages show are here too, each one query whatever its length.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, When
from django.db.models.functions import Substr
from django.utils import timezone

from claims.models import (
    ApiToken,
    Article,
    ArticleRevision,
    Claim,
    Comment,
    EventType,
    Evidence,
    Notification,
    Rating,
    Source,
    SourceSnapshot,
    Verdict,
    Webhook,
    WebhookDelivery,
    claim_search_vector,
)
from claims.permissions import (
    PUBLIC_VERDICT_STATES,
    is_editor,
    is_member,
    members_filter,
    mentionable_filter,
    require_editor,
    require_member,
    visible_comments,
    visible_verdicts,
)
from claims.services.errors import NotFound, ValidationError

STATUS_ORDER = [value for value, _ in Claim.Status.choices]
# The workbench's claim list shows this much of a claim's quote.
WORKBENCH_QUOTE_CHARS = 220


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


def article_revisions(*, user, article: Article) -> list[ArticleRevision]:
    """An article's revisions, newest first (members only). An article never revised has its
    first body as revision 1, not stored until the body first changes."""
    if not is_member(user):
        raise NotFound("no such article")
    stored = list(article.revisions.select_related("created_by").defer("body").order_by("-number"))
    if stored:
        return stored
    return [
        ArticleRevision(
            article=article,
            number=article.revision,
            body=article.body,
            body_sha256=article.body_sha256,
            reason=ArticleRevision.Reason.ORIGINAL,
            source_url=article.url,
            created_by=article.created_by,
            created_at=article.created_at,
        )
    ]


def article_revision_get(*, user, article: Article, number) -> ArticleRevision:
    """One revision of an article, with its body (the current body as revision 1 if none is
    stored yet), or NotFound."""
    if not is_member(user):
        raise NotFound("no such article")
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise NotFound("no such revision") from None
    found = article.revisions.select_related("created_by").filter(number=number).first()
    if found is not None:
        return found
    if number == article.revision and not article.revisions.exists():
        return article_revisions(user=user, article=article)[0]
    raise NotFound("no such revision")


def claims_for_anchor_review(*, user) -> QuerySet[Claim]:
    """Editors: claims whose checked text changed or was lost in a revision of their article,
    under a submitted, approved or published verdict; oldest change first."""
    if not is_editor(user):
        return Claim.objects.none()
    return (
        Claim.objects.filter(anchor_review=True)
        .select_related("article")
        .order_by("updated_at", "id")
    )


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
        qs = qs.alias(search_vector=claim_search_vector()).filter(
            search_vector=_claim_search_query(search.strip())
        )
    return qs


_SEARCH_WORD_RE = re.compile(r"[^\W_]+(?:[.,-][^\W_]+)*")  # words, 4.2, covid-19


def _claim_search_query(text: str) -> SearchQuery:
    """The web-search reading of ``text``, or each of its words as the start of a word.

    Both are matched against the claim's GIN index (``claim_search_vector``): a substring test
    (icontains) would read every claim's text. The prefixes find what a substring of a word
    found ("unemploy", "4.2 mill"); words are letters and digits (joined by . , -), none of
    them an operator of the raw query.
    """
    query = SearchQuery(text, config="english", search_type="websearch")
    words = _SEARCH_WORD_RE.findall(text.lower())[:16]
    if words:
        prefix = " & ".join(f"{w}:*" for w in words)
        query |= SearchQuery(prefix, config="english", search_type="raw")
    return query


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


def article_for_annotations(*, article_id: int) -> Article:
    """The article fields a W3C annotation needs, without the body."""
    fields = ("id", "title", "url", "language", "created_at", "updated_at")
    return Article.objects.only(*fields).get(pk=article_id)


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
    return visible_verdicts(user, qs)


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
    return visible_comments(
        user, Comment.objects.select_related("author").filter(claim_id=claim_id)
    )


def source_list(*, user) -> QuerySet[Source]:
    """Sources (members only)."""
    if not is_member(user):
        return Source.objects.none()
    return Source.objects.all()


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


# --- the UI's pages ----------------------------------------------------------------------------


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


def claim_list_for_workbench(*, user, article_id: int) -> list[Claim]:
    """An article's claims in text order with their assignees (one query).

    The quote is read as ``quote_head``, its first 221 characters (the list shows 220): a quote
    is as long as its claim, and nested claims over a long article would read the body many times.
    Only the columns the page shows are read (frontend.views.articles.workbench_context): at
    2,000 claims, loading the others (timestamps, versions, anchors) was a fifth of the page.
    """
    if not is_member(user):
        return []
    return list(
        Claim.objects.filter(article_id=article_id)
        .select_related("assignee", "match_result")
        .only(*WORKBENCH_CLAIM_FIELDS)
        .annotate(quote_head=Substr("quote", 1, WORKBENCH_QUOTE_CHARS + 1))
        .order_by("start", "end", "id")
    )


WORKBENCH_CLAIM_FIELDS = (
    "id",
    "article_id",
    "start",
    "end",
    "status",
    "claim_type",
    "checkworthiness",
    "statement",
    "claimant",
    "reasons",
    "assignee__id",
    "assignee__username",
    "match_result__id",
    "match_result__same_claim",
    "match_result__results",
)


def verdict_queue_for_editor(*, user) -> QuerySet[Verdict]:
    """Submitted verdicts awaiting approval, oldest submission first."""
    if not is_editor(user):
        return Verdict.objects.none()
    return (
        visible_verdicts(user, Verdict.objects.filter(status=Verdict.Status.SUBMITTED))
        .select_related("claim__article", "rating", "author")
        .order_by("submitted_at", "id")
    )


def member_list() -> list:
    """Active reviewers and editors, to assign claims to."""
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(members_filter())
        .distinct()
        .order_by("username")
    )


# --- Notifications and webhooks ------------------------------------------------------------------


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's inbox, newest first, without what they may no longer see.

    A notification about a verdict or comment the user may not see now (a comment hidden by a
    moderator, a role taken away) is left out, so the inbox never reveals more than the claim page.
    """
    if not is_member(user):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user).select_related("event", "event__actor")
    # Editors too: an editor who is one of a blind double review's two reviewers may not see the
    # other's verdict (visible_verdicts), nor hear of it.
    verdicts = visible_verdicts(user, Verdict.objects.all()).values("pk")
    qs = qs.filter(Q(event__verdict__isnull=True) | Q(event__verdict__in=verdicts))
    if not is_editor(user):
        comments = visible_comments(user, Comment.objects.all()).values("pk")
        qs = qs.filter(Q(event__comment__isnull=True) | Q(event__comment__in=comments))
        # A paused webhook's news names its URL, which only editors may see (webhook_list).
        qs = qs.exclude(type=EventType.WEBHOOK_PAUSED)
    return qs.order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    """How many of the user's visible notifications are unread."""
    return notification_list(user=user).filter(read_at__isnull=True).count()


def webhook_list(*, user) -> QuerySet[Webhook]:
    """Registered webhooks (editors only)."""
    require_editor(user, "manage webhooks")
    return Webhook.objects.select_related("created_by").order_by("id")


def webhook_get(*, user, webhook_id) -> Webhook:
    """One webhook (editors only)."""
    try:
        return webhook_list(user=user).get(pk=webhook_id)
    except (Webhook.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such webhook") from None


def webhook_delivery_list(*, user, webhook: Webhook) -> QuerySet[WebhookDelivery]:
    """A webhook's deliveries, newest first (editors only)."""
    require_editor(user, "manage webhooks")
    return WebhookDelivery.objects.filter(webhook=webhook).select_related("event").order_by("-id")


def webhook_delivery_get(*, user, webhook: Webhook, delivery_id) -> WebhookDelivery:
    """One delivery of a webhook (editors only)."""
    try:
        return webhook_delivery_list(user=user, webhook=webhook).get(pk=delivery_id)
    except (WebhookDelivery.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such delivery") from None


MENTION_LIMIT = 10
_MENTION_PREFIX = re.compile(r"[\w.@+-]{0,150}")


def mention_candidates(*, user, prefix: str, limit: int = MENTION_LIMIT) -> list[dict]:
    """Whom the user may @mention whose username, first or last name starts with ``prefix``
    (case-insensitive; a leading @ ignored), usernames first, at most ``limit``."""
    require_member(user, "mention people")
    prefix = prefix.removeprefix("@")
    if not _MENTION_PREFIX.fullmatch(prefix):
        raise ValidationError(
            "q", "A username prefix: letters, digits and . @ + - _ (at most 150)."
        )
    users = get_user_model().objects.filter(
        pk__in=get_user_model().objects.filter(mentionable_filter(user)).values("pk")
    )
    if prefix:
        users = users.filter(
            Q(username__istartswith=prefix)
            | Q(first_name__istartswith=prefix)
            | Q(last_name__istartswith=prefix)
        )
    rows = users.annotate(
        by_name=Case(When(username__istartswith=prefix, then=0), default=1)
    ).order_by("by_name", "username")[:limit]
    return [
        {"username": u.username, "name": u.get_full_name()}
        for u in rows.only("username", "first_name", "last_name")
    ]
