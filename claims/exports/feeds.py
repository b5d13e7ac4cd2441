"""Feeds of published fact-checks: Atom 1.0 (RFC 4287), JSON Feed 1.1, a ClaimReview DataFeed.

Each entry is one fact-check (a claim's published verdict): its id and link are the fact-check's
page, ``published`` is its first publication and ``updated`` its latest correction, so a reader
that has seen an entry sees a correction as an update of it. Pages are chained with next/previous
links (RFC 5005 paging for Atom, ``next_url`` for JSON Feed, an HTTP Link header for all three).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from claims.exports.claimreview import claim_review, claim_reviewed, public_url, publisher
from claims.models import Verdict
from claims.selectors_matching import claim_links_for

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# XML 1.0 forbids most C0 controls even as character references: drop them from feed text.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Text that an XML 1.0 document may carry (escaping is the generator's job)."""
    return _XML_FORBIDDEN.sub("", value or "")


@dataclass
class FeedPage:
    """One page of a feed: its fact-checks and the absolute URLs around it."""

    verdicts: list[Verdict]
    self_url: str
    index_url: str
    next_url: str | None = None
    previous_url: str | None = None
    first_url: str | None = None


def _title() -> str:
    return f"{settings.FACTCHECK_PUBLISHER_NAME}: fact-checks"


def entry_summary(verdict: Verdict) -> str:
    """What a feed entry says: the rating, the verdict's summary, and a correction's note."""
    text = f"{verdict.rating.label}. {verdict.summary}".strip()
    if verdict.supersedes_id:
        when = verdict.published_at.date().isoformat()
        text += f" Corrected on {when}: {verdict.correction_note}"
    return text


def _claimant(verdict: Verdict) -> str:
    return verdict.claim.claimant


class PagedAtom1Feed(Atom1Feed):
    """Atom with RFC 5005 paging links (first, next, previous)."""

    def add_root_elements(self, handler) -> None:
        super().add_root_elements(handler)
        for rel in ("first", "next", "previous"):
            href = self.feed.get(f"{rel}_url")
            if href:
                handler.addQuickElement("link", "", {"rel": rel, "href": href})


def atom_feed(page: FeedPage) -> str:
    """The page as an Atom 1.0 document."""
    feed = PagedAtom1Feed(
        title=xml_text(_title()),
        link=page.index_url,
        description="",
        language=settings.FACTCHECK_LANGUAGE,
        feed_url=page.self_url,
        feed_guid=page.index_url,
        author_name=xml_text(settings.FACTCHECK_PUBLISHER_NAME),
        author_link=settings.FACTCHECK_PUBLISHER_URL,
        next_url=page.next_url,
        previous_url=page.previous_url,
        first_url=page.first_url,
    )
    for verdict in page.verdicts:
        claim = verdict.claim
        url = public_url(claim)
        feed.add_item(
            title=xml_text(claim_reviewed(claim, verdict)),
            link=url,
            unique_id=url,
            # Atom1Feed writes <summary type="html">: the plain text is escaped as HTML first, so
            # a reader shows "<script>" in a claim as text instead of running it.
            description=escape(xml_text(entry_summary(verdict))),
            pubdate=verdict.first_published,
            updateddate=verdict.published_at,
            categories=[xml_text(verdict.rating.label)],
            author_name=xml_text(settings.FACTCHECK_PUBLISHER_NAME),
        )
    return feed.writeString("utf-8")


def json_feed(page: FeedPage) -> dict:
    """The page as a JSON Feed 1.1 document."""
    items = []
    for verdict in page.verdicts:
        claim = verdict.claim
        url = public_url(claim)
        item = {
            "id": url,
            "url": url,
            "title": claim_reviewed(claim, verdict),
            "content_text": entry_summary(verdict),
            "summary": verdict.summary,
            "date_published": verdict.first_published.isoformat(),
            "date_modified": verdict.published_at.isoformat(),
            "tags": [verdict.rating.label],
            "language": settings.FACTCHECK_LANGUAGE,
        }
        if claim.claimant:
            item["_claimant"] = {"name": _claimant(verdict)}
        items.append(item)
    data = {
        "version": JSON_FEED_VERSION,
        "title": _title(),
        "home_page_url": page.index_url,
        "feed_url": page.self_url,
        "language": settings.FACTCHECK_LANGUAGE,
        "authors": [
            {"name": settings.FACTCHECK_PUBLISHER_NAME, "url": settings.FACTCHECK_PUBLISHER_URL}
        ],
        "items": items,
    }
    if page.next_url:
        data["next_url"] = page.next_url
    return data


def claim_review_data_feed(page: FeedPage) -> dict:
    """The page as a schema.org DataFeed of ClaimReviews (one DataFeedItem per fact-check)."""
    elements = []
    earlier = claim_links_for(claim_ids=[v.claim_id for v in page.verdicts])
    for verdict in page.verdicts:
        review = claim_review(
            claim=verdict.claim,
            verdict=verdict,
            first_published=verdict.first_published,
            earlier=earlier[verdict.claim_id],
        )
        review.pop("@context")
        elements.append(
            {
                "@type": "DataFeedItem",
                "dateCreated": verdict.first_published.isoformat(),
                "dateModified": verdict.published_at.isoformat(),
                "item": [review],
            }
        )
    data = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "@id": page.self_url,
        "url": page.self_url,
        "name": _title(),
        "inLanguage": settings.FACTCHECK_LANGUAGE,
        "publisher": publisher(),
        "dataFeedElement": elements,
    }
    if page.verdicts:
        data["dateModified"] = max(v.published_at for v in page.verdicts).isoformat()
    return data
