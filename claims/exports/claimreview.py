"""schema.org ClaimReview JSON-LD for a published verdict."""

from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings

from claims.models import Claim, Verdict

CLAIM_REVIEWED_MAX = 75  # Google asks for claimReviewed under 75 characters
SCHEMA_TYPES = {
    Claim.ClaimantKind.PERSON: "Person",
    Claim.ClaimantKind.ORGANIZATION: "Organization",
}


def public_url(claim: Claim) -> str:
    """The public fact-check page of the claim's article, anchored at this claim."""
    base = settings.FACTCHECK_PUBLISHER_URL
    return urljoin(
        base if base.endswith("/") else base + "/", f"fact-checks/{claim.article_id}/"
    ) + (f"#claim-{claim.pk}")


def claim_reviewed(claim: Claim) -> str:
    """The claim in the reviewer's words (else the quote), under 75 characters where it allows:
    a long one is cut at a word boundary with an ellipsis, never mid-word."""
    text = " ".join((claim.statement or claim.quote or "").split())
    if len(text) < CLAIM_REVIEWED_MAX:
        return text
    head = text[: CLAIM_REVIEWED_MAX - 1]
    cut = head.rsplit(" ", 1)[0].rstrip(" ,;:-") if " " in head else ""
    return (cut or head[: CLAIM_REVIEWED_MAX - 2]) + "…"


def _rating(verdict: Verdict) -> dict:
    rating = verdict.rating
    data: dict = {"@type": "Rating", "alternateName": rating.label}
    if rating.value is not None:
        data |= {
            "ratingValue": rating.value,
            "bestRating": rating.scale.best_rating,
            "worstRating": rating.scale.worst_rating,
        }
    return data


def _item_reviewed(claim: Claim) -> dict:
    article = claim.article
    appearance: dict = {"@type": "CreativeWork", "headline": article.title}
    if article.url:
        appearance["url"] = article.url
    if article.published_at:
        appearance["datePublished"] = article.published_at.isoformat()
    if article.publisher:
        appearance["publisher"] = {"@type": "Organization", "name": article.publisher}
    item: dict = {"@type": "Claim", "appearance": [appearance]}
    if claim.claimant:
        item["author"] = {
            "@type": SCHEMA_TYPES.get(claim.claimant_kind, "Person"),
            "name": claim.claimant,
        }
    if article.published_at:
        item["datePublished"] = article.published_at.date().isoformat()
    return item


def claim_review(*, claim: Claim, verdict: Verdict) -> dict:
    """The ClaimReview of a claim's published verdict, as a JSON-LD document."""
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": public_url(claim),
        "claimReviewed": claim_reviewed(claim),
        "itemReviewed": _item_reviewed(claim),
        "reviewRating": _rating(verdict),
        "author": {
            "@type": "Organization",
            "name": settings.FACTCHECK_PUBLISHER_NAME,
            "url": settings.FACTCHECK_PUBLISHER_URL,
        },
        "datePublished": verdict.published_at.date().isoformat(),
    }
    if verdict.summary:
        data["reviewBody"] = verdict.summary
    if verdict.supersedes_id:
        data["dateModified"] = verdict.published_at.isoformat()
    from claims.selectors_matching import claim_review_based_on  # claim memory links

    if based_on := claim_review_based_on(claim_id=claim.pk):
        data["isBasedOn"] = based_on
    return data
