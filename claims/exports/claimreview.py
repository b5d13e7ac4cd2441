"""schema.org ClaimReview JSON-LD for a published verdict.

The rules it follows (schema.org's vocabulary, Google's required and recommended properties) are
listed with their sources in claimreview_rules.toml; claims.exports.validate checks a document
against them, and the tests check every export.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urljoin

from django.conf import settings
from django.db.models import Min
from django.utils.text import slugify

from claims.models import Article, Claim, Verdict
from claims.permissions import PUBLIC_VERDICT_STATES

SLUG_MAX = 60
SCHEMA_TYPES = {
    Claim.ClaimantKind.PERSON: "Person",
    Claim.ClaimantKind.ORGANIZATION: "Organization",
}


def _base() -> str:
    base = settings.FACTCHECK_PUBLISHER_URL
    return base if base.endswith("/") else base + "/"


def site_url(path: str) -> str:
    """An absolute URL on the publisher's site for a site path ("/fact-checks/")."""
    return urljoin(_base(), path.lstrip("/"))


def fact_check_slug(claim: Claim) -> str:
    """The readable part of a fact-check's URL: its statement (else the quote as checked, which a
    revision of the article never changes), cut at a hyphen.

    Only decoration: the claim id finds the page, and a stale slug redirects to this one.
    """
    slug = slugify(claim.statement or claim.checked_quote or "", allow_unicode=True)
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0] or slug[:SLUG_MAX]
    return slug or "claim"


def fact_check_path(claim: Claim) -> str:
    """The site path of a claim's public fact-check page (frontend.urls serves it)."""
    return f"/fact-checks/{claim.pk}/{fact_check_slug(claim)}/"


def public_url(claim: Claim) -> str:
    """The absolute URL of a claim's public fact-check page, on the publisher's site."""
    return site_url(fact_check_path(claim))


def article_public_path(article_id: int) -> str:
    """The site path of the public page listing an article's fact-checks."""
    return f"/fact-checks/articles/{article_id}/"


def article_public_url(article: Article) -> str:
    """The absolute URL of the public page listing an article's fact-checks."""
    return site_url(article_public_path(article.pk))


def publisher_logo_url() -> str:
    """The publisher's logo: the setting, else the shipped logo on the publisher's site."""
    logo = settings.FACTCHECK_PUBLISHER_LOGO_URL
    return logo or urljoin(_base(), settings.STATIC_URL.lstrip("/") + "frontend/logo.svg")


def publisher() -> dict:
    """The organisation that publishes the fact-checks, from settings."""
    return {
        "@type": "Organization",
        "@id": _base() + "#publisher",
        "name": settings.FACTCHECK_PUBLISHER_NAME,
        "url": settings.FACTCHECK_PUBLISHER_URL,
        "logo": {"@type": "ImageObject", "url": publisher_logo_url()},
    }


def claim_reviewed(claim: Claim, verdict: Verdict | None = None) -> str:
    """The claim as reviewed: the verdict's short summary, else the statement, else the quote.

    Never cut: Google advises under 75 characters, and the form warns above that, but a cut can
    drop the word that makes the claim false ("not", "never").
    """
    summary = verdict.claim_summary if verdict is not None else ""
    return " ".join((summary or claim.statement or claim.checked_quote or "").split())


def _rating(verdict: Verdict) -> dict:
    rating = verdict.rating
    data: dict = {"@type": "Rating", "alternateName": rating.label, "name": rating.label}
    if rating.value is not None:
        data |= {
            "ratingValue": rating.value,
            "bestRating": rating.scale.best_rating,
            "worstRating": rating.scale.worst_rating,
        }
    if verdict.summary:
        data["ratingExplanation"] = verdict.summary
    return data


def _article_work(article: Article) -> dict:
    work: dict = {"@type": "CreativeWork", "headline": article.title}
    if article.url:
        work["url"] = article.url
    if article.published_at:
        work["datePublished"] = article.published_at.isoformat()
    if article.publisher:
        work["publisher"] = {"@type": "Organization", "name": article.publisher}
    if article.language:
        work["inLanguage"] = article.language
    return work


def media_fragment_url(url: str, seconds: float) -> str | None:
    """``url`` pointing at a moment: a W3C Media Fragments temporal fragment, ``#t=<seconds>``.

    A fragment of name=value pairs keeps its other pairs (a ``t`` is replaced); a URL whose
    fragment is something else (an anchor such as ``#transcript``) cannot carry a time too: None.
    """
    if not url or seconds is None or not (seconds >= 0) or seconds == float("inf"):
        return None
    base, _, fragment = url.partition("#")
    pairs = [p for p in fragment.split("&") if p]
    if any("=" not in p for p in pairs):
        return None
    value = f"{seconds:.3f}".rstrip("0").rstrip(".")
    kept = [p for p in pairs if p.split("=", 1)[0] != "t"]
    return base + "#" + "&".join([*kept, f"t={value}"])


def claim_moment(claim: Claim) -> tuple[float, str | None] | None:
    """When a transcript's claim was said: (cue start in seconds, the transcript's URL at that
    moment, or None without a URL that can carry it); None for an article, or a claim outside
    the cues that have times. Read from the article's turns at the claim's start, so a claim a
    reviewer marked has its moment as much as a suggested one."""
    article = claim.article
    if article.kind != Article.Kind.TRANSCRIPT or not article.turns:
        return None
    _speaker, seconds = article.spoken_at([claim.start])[0]
    if seconds is None:
        return None
    return seconds, media_fragment_url(article.url, seconds)


def _claim_author(claim: Claim) -> dict | None:
    """Who made the claim: its claimant; a claim nobody is credited with is the article's own,
    so its byline (a person) or its publisher (an organisation)."""
    article = claim.article
    if claim.claimant:
        return {"@type": SCHEMA_TYPES.get(claim.claimant_kind, "Person"), "name": claim.claimant}
    if article.byline:
        return {"@type": "Person", "name": article.byline}
    if article.publisher:
        return {"@type": "Organization", "name": article.publisher}
    return None


def _item_reviewed(claim: Claim) -> dict:
    article = claim.article
    article_work = _article_work(article)
    moment = claim_moment(claim)
    if moment is not None and moment[1]:
        # A transcript's claim appears at its moment of the recording (or its page).
        article_work["url"] = moment[1]
    item: dict = {"@type": "Claim"}
    author = _claim_author(claim)
    if author is not None:
        item["author"] = author
    if claim.claim_date:
        item["datePublished"] = claim.claim_date.isoformat()
    elif article.published_at:
        # The full instant with its offset: a bare UTC date can be the day before or after the
        # article's own date where it was published.
        item["datePublished"] = article.published_at.isoformat()
    if claim.appearance_url:
        first = {"@type": "CreativeWork", "url": claim.appearance_url}
        item["firstAppearance"] = first
        item["appearance"] = [first] + (
            [article_work] if article_work.get("url") != claim.appearance_url else []
        )
    else:
        item["firstAppearance"] = article_work
        item["appearance"] = [article_work]
    return item


def first_published_at(claim: Claim) -> dt.datetime | None:
    """When the claim's fact-check was first published (its corrections keep this date)."""
    return Verdict.objects.filter(claim_id=claim.pk, status__in=PUBLIC_VERDICT_STATES).aggregate(
        first=Min("published_at")
    )["first"]


def claim_review(
    *,
    claim: Claim,
    verdict: Verdict,
    first_published: dt.datetime | None = None,
    earlier: list[dict] | None = None,
) -> dict:
    """The ClaimReview of a claim's published verdict, as a JSON-LD document.

    ``first_published`` is the first publication of the claim's fact-check and ``earlier`` the
    claim's "same claim as" links, exported as ``isBasedOn`` (lists pass both in from one query
    each; alone, each costs one).
    """
    url = public_url(claim)
    first = first_published or first_published_at(claim) or verdict.published_at
    org = publisher()
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "@id": url + "#claimreview",
        "url": url,
        "claimReviewed": claim_reviewed(claim, verdict),
        "itemReviewed": _item_reviewed(claim),
        "reviewRating": _rating(verdict),
        "author": org,
        "publisher": org,
        "inLanguage": settings.FACTCHECK_LANGUAGE,
        "datePublished": first.isoformat(),
    }
    if verdict.rationale or verdict.summary:
        data["reviewBody"] = verdict.rationale or verdict.summary
    if verdict.published_at > first:
        data["dateModified"] = verdict.published_at.isoformat()
    if earlier is None:
        from claims.selectors_matching import claim_links_for  # it reads public_url from here

        earlier = claim_links_for(claim_ids=[claim.pk])[claim.pk]
    if earlier:
        data["isBasedOn"] = [earlier_review(link) for link in earlier]
    return data


def earlier_review(link: dict) -> dict:
    """A "same claim as" link (claims.selectors_matching.claim_links_for) as a ClaimReview reference."""
    item = {"@type": "ClaimReview", "url": link["url"], "claimReviewed": link["claim_reviewed"]}
    if link["author"]:
        item["author"] = {"@type": "Organization", "name": link["author"]}
    if link["date_published"]:
        item["datePublished"] = link["date_published"].isoformat()
    return item
