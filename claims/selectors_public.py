"""Reads for the public outputs (fact-check pages, index, feeds, sitemap): published work only.

Everything here is what an anonymous reader may see, whoever asks: a claim is public while it has
a published verdict; its superseded verdicts are its correction log (PUBLIC_VERDICT_STATES). Each
function costs a fixed number of queries, whatever the number of fact-checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max, Min, OuterRef, Q, QuerySet, Subquery

from claims.models import Article, ArticleRevision, Claim, Evidence, SourceSnapshot, Verdict
from claims.permissions import PUBLIC_VERDICT_STATES

SEARCH_MAX = 200


def _first_published() -> Subquery:
    """The first publication of the verdict's claim (its corrections keep that date)."""
    return Subquery(
        Verdict.objects.filter(claim_id=OuterRef("claim_id"), status__in=PUBLIC_VERDICT_STATES)
        .order_by()
        .values("claim_id")
        .annotate(first=Min("published_at"))
        .values("first")[:1]
    )


def published_verdicts() -> QuerySet[Verdict]:
    """Each public fact-check as its published verdict, with what a list item shows.

    Annotated with ``first_published`` (ClaimReview datePublished) and ``n_corrections``.
    """
    return (
        Verdict.objects.filter(status=Verdict.Status.PUBLISHED)
        .select_related("claim__article", "rating__scale")
        .defer(
            "claim__article__body",
            "claim__prefix",
            "claim__suffix",
            "claim__details",
            "claim__reasons",
            "claim__dismissal_note",
            "rejection_reason",
        )
        .annotate(first_published=_first_published())
    )


def fact_check_index(
    *, search: str = "", rating: str = "", claimant: str = ""
) -> QuerySet[Verdict]:
    """Public fact-checks, newest first, optionally by rating slug, by claimant, or searched."""
    qs = published_verdicts()
    search = " ".join((search or "").split())[:SEARCH_MAX]
    if search:
        qs = qs.filter(
            Q(claim__statement__icontains=search)
            | Q(claim__quote__icontains=search)
            | Q(claim_summary__icontains=search)
            | Q(claim__claimant__icontains=search)
            | Q(summary__icontains=search)
            | Q(claim__article__title__icontains=search)
        )
    if rating:
        qs = qs.filter(rating__slug=rating, rating__scale__is_default=True)
    claimant = " ".join((claimant or "").split())[:SEARCH_MAX]
    if claimant:
        qs = qs.filter(claim__claimant__iexact=claimant)
    return qs.order_by("-first_published", "-id")


def fact_check_feed() -> QuerySet[Verdict]:
    """Public fact-checks, the latest published or corrected first (what the feeds carry)."""
    return published_verdicts().order_by("-published_at", "-id")


@dataclass
class FactCheck:
    """One public fact-check page: the claim, its published verdict, corrections and sources."""

    claim: Claim
    verdict: Verdict
    first_published: object
    history: list[Verdict] = field(default_factory=list)  # oldest first, the published one last
    evidence: list[Evidence] = field(default_factory=list)
    # When the article's text was last revised after the claim was first published (or None).
    article_changed_at: object = None

    @property
    def checked_quote(self) -> str:
        """The text as it was checked (a revision may have changed or lost it since)."""
        return self.claim.checked_quote

    @property
    def corrections(self) -> list[Verdict]:
        return [v for v in self.history if v.supersedes_id]


def fact_check_get(*, claim_id: int) -> FactCheck | None:
    """A claim's public fact-check, or None while it has no published verdict (three queries)."""
    # when the article's text was last revised (read in the same query)
    revised = ArticleRevision.objects.filter(
        article_id=OuterRef("claim__article_id"), number__gt=1
    ).order_by("-created_at")
    history = list(
        Verdict.objects.filter(claim_id=claim_id, status__in=PUBLIC_VERDICT_STATES)
        .select_related("claim__article", "rating__scale", "author", "reviewed_by", "supersedes")
        .annotate(article_revised_at=Subquery(revised.values("created_at")[:1]))
        .order_by("published_at", "id")
    )
    published = [v for v in history if v.status == Verdict.Status.PUBLISHED]
    if not published:
        return None
    verdict = published[0]
    supersedes = {v.pk: v for v in history}
    for v in history:  # one claim object and rating for the whole history
        v.claim = verdict.claim
        if v.supersedes_id in supersedes:
            v.supersedes = supersedes[v.supersedes_id]
    # The sources as published: evidence attached since belongs to a correction still in the works.
    # Each source's copy as archived by publication: a newer one (a link check found the page
    # changed) is for members until a correction is published.
    archived = SourceSnapshot.objects.filter(
        source_id=OuterRef("source_id"), fetched_at__lte=verdict.published_at
    ).order_by("-fetched_at", "-id")
    evidence = list(
        Evidence.objects.filter(claim_id=claim_id, created_at__lte=verdict.published_at)
        .select_related("source")
        .defer("source__text")
        .annotate(
            archived_at=Subquery(archived.values("fetched_at")[:1]),
            archived_sha256=Subquery(archived.values("content_sha256")[:1]),
        )
        .order_by("created_at", "id")
    )
    revised_at = verdict.article_revised_at
    changed = revised_at if revised_at and revised_at > history[0].published_at else None
    return FactCheck(
        claim=verdict.claim,
        verdict=verdict,
        first_published=history[0].published_at,
        history=history,
        evidence=evidence,
        article_changed_at=changed,
    )


def article_fact_checks(*, article_id: int) -> tuple[Article | None, list[Verdict]]:
    """An article and the published verdicts of its claims in text order (None: nothing public)."""
    verdicts = list(
        published_verdicts()
        .filter(claim__article_id=article_id)
        .order_by("claim__start", "claim__end", "claim_id")
    )
    if not verdicts:
        return None, []
    return verdicts[0].claim.article, verdicts


def articles_with_fact_checks() -> QuerySet[Article]:
    """Articles with at least one published verdict, with the latest publication (``lastmod``)."""
    return (
        Article.objects.filter(claims__verdicts__status=Verdict.Status.PUBLISHED)
        .annotate(lastmod=Max("claims__verdicts__published_at"))
        .only("id", "title", "updated_at")
        .order_by("id")
        .distinct()
    )


def sitemap_fact_checks() -> QuerySet[Verdict]:
    """Published verdicts with just what a sitemap entry needs (the claim's slug text), by claim."""
    return (
        Verdict.objects.filter(status=Verdict.Status.PUBLISHED)
        .select_related("claim")
        .only(
            "id",
            "published_at",
            "claim__id",
            "claim__statement",
            "claim__quote",
            "claim__quote_before",
        )
        .order_by("claim_id")
    )
