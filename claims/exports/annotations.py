"""W3C Web Annotation export: an article's claims as an AnnotationCollection, one claim as an Annotation.

Each claim targets the article's text with a TextPositionSelector (code points, end exclusive) and a
TextQuoteSelector (exact, prefix, suffix), so a client can anchor it even in a corrected body. The
documents follow the Web Annotation Data Model's MUSTs and the SHOULDs that apply (see
docs/design.md, "W3C Web Annotations"); tests/claims/exports/w3c_rules.py checks each one.

Who made a claim is shown as far as the reader may see people: members get the reviewer (an
opaque id, the display name and the username as nickname); anonymous readers get the newsroom.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable

from django.conf import settings

from claims.models import Article, Claim
from claims.services.errors import NotFound

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNO_PROFILE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
# The Web Annotation Protocol's type link for an annotation (§4.1).
ANNO_LINK = '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
# Where the workbench serves things, relative to the site root (factcheck/urls.py).
API_ROOT = "api/v1/"
SCHEMA_PATH = "api/schema/"
DOCS_PATH = "api/docs/"
# BCP 47 "no linguistic content": the status and type tags are codes, not prose.
CODE_LANGUAGE = "zxx"
TEXT_FORMAT = "text/plain"

CLAIM_FIELDS = (
    "id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "statement",
    "claim_type",
    "status",
    "origin",
    "created_at",
    "updated_at",
    "created_by_id",
    "created_by__username",
    "created_by__first_name",
    "created_by__last_name",
)


def _iso(value: dt.datetime) -> str:
    """xsd:dateTime in UTC with its zone (the model SHOULDs a timezone)."""
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return value.isoformat()[:-6] + "Z"  # "+00:00" -> "Z"


def _base(site: str) -> str:
    return site if site.endswith("/") else site + "/"


# --- Agents ---------------------------------------------------------------------------------------
def workbench_agent(*, site: str) -> dict:
    """The software that writes these documents (the `generator`)."""
    base = _base(site)
    return {
        "id": base + SCHEMA_PATH,
        "type": "Software",
        "name": "Fact-check workbench",
        "homepage": base + DOCS_PATH,
    }


def extractor_agent(*, site: str) -> dict:
    """The claim extractor, the creator of a suggested claim."""
    return {
        "id": _base(site) + SCHEMA_PATH + "#claim-extractor",
        "type": "Software",
        "name": "Fact-check workbench claim extractor",
    }


def publisher_agent() -> dict:
    """The newsroom (as in the ClaimReview `author`): what anonymous readers see as creator."""
    return {
        "id": settings.FACTCHECK_PUBLISHER_URL,
        "type": "Organization",
        "name": settings.FACTCHECK_PUBLISHER_NAME,
    }


def person_id(user_id: int) -> str:
    """A stable, opaque IRI for a newsroom member (no user endpoint exists to point at)."""
    name = f"{settings.FACTCHECK_PUBLISHER_URL}#user-{user_id}"
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def person_agent(row: dict) -> dict:
    """A member, from a row's created_by__ fields: the display name, the username as nickname."""
    username = row["created_by__username"]
    full_name = f"{row['created_by__first_name']} {row['created_by__last_name']}".strip()
    return {
        "id": person_id(row["created_by_id"]),
        "type": "Person",
        "name": full_name or username,
        "nickname": username,
    }


# --- Annotations ----------------------------------------------------------------------------------
def article_api_url(*, site: str, article_id: int) -> str:
    return f"{_base(site)}{API_ROOT}articles/{article_id}/"


def target_source(*, article: Article, site: str) -> dict:
    """The article's text: its public URL when it has one, else the workbench's copy."""
    api_url = article_api_url(site=site, article_id=article.pk)
    source: dict = {"id": article.url or api_url, "type": "Text", "format": TEXT_FORMAT}
    if article.language:
        source["language"] = article.language
    if article.url:
        # The offsets count code points of the text the workbench stored, retrieved from here.
        source["via"] = api_url
    return source


def _body(value: str, purpose: str, language: str) -> dict:
    body = {"type": "TextualBody", "purpose": purpose, "value": value, "format": TEXT_FORMAT}
    if language:
        body["language"] = language
    return body


class AnnotationWriter:
    """Writes an article's claims as annotations; what they share is built once per document
    (and shared between them: treat the documents as read-only)."""

    def __init__(self, *, article: Article, site: str, people_visible: bool):
        self.article = article
        self.people_visible = people_visible
        self.claim_prefix = f"{_base(site)}{API_ROOT}claims/"
        self.generator = workbench_agent(site=site)
        self.extractor = extractor_agent(site=site)
        self.publisher = publisher_agent()
        self.source = target_source(article=article, site=site)
        self._people: dict[int, dict] = {}

    def creator(self, row: dict) -> dict:
        """Who made the claim, as far as the reader may see people."""
        user_id = row["created_by_id"]
        if user_id is None and row["origin"] == Claim.Origin.SUGGESTED:
            return self.extractor
        if user_id is None or not self.people_visible:
            return self.publisher
        if user_id not in self._people:
            self._people[user_id] = person_agent(row)
        return self._people[user_id]

    def annotation(self, row: dict, *, generator: dict | str | None = None) -> dict:
        """One claim (a row with CLAIM_FIELDS) as a Web Annotation."""
        language = self.article.language
        body = [_body(f"claim-status:{row['status']}", "tagging", CODE_LANGUAGE)]
        if row["statement"]:
            body.insert(0, _body(row["statement"], "describing", language))
        if row["claim_type"]:
            body.append(_body(row["claim_type"], "classifying", CODE_LANGUAGE))
        return {
            "id": f"{self.claim_prefix}{row['id']}/",
            "type": "Annotation",
            "motivation": "assessing",
            "created": _iso(row["created_at"]),
            "modified": _iso(row["updated_at"]),
            "creator": self.creator(row),
            "generator": generator or self.generator,
            "body": body,
            "target": {
                "type": "SpecificResource",
                "source": self.source,
                # a claim lost in a revision of the text has no position in it: its quote only
                "selector": [
                    *(
                        []
                        if row["start"] is None
                        else [
                            {
                                "type": "TextPositionSelector",
                                "start": row["start"],
                                "end": row["end"],
                            }
                        ]
                    ),
                    {
                        "type": "TextQuoteSelector",
                        "exact": row["quote"],
                        "prefix": row["prefix"],
                        "suffix": row["suffix"],
                    },
                ],
            },
        }


def annotation(row: dict, *, article: Article, site: str, people_visible: bool) -> dict:
    """One claim (a row with CLAIM_FIELDS) as a standalone Annotation document, with @context."""
    writer = AnnotationWriter(article=article, site=site, people_visible=people_visible)
    return {"@context": ANNO_CONTEXT} | writer.annotation(row)


def claim_annotation(*, claim: Claim, article: Article, site: str, people_visible: bool) -> dict:
    """A single claim's Annotation document (what its id dereferences to)."""
    user = claim.created_by
    row = {name: getattr(claim, name) for name in CLAIM_FIELDS[:-3]}
    row |= {
        "created_by__username": user.get_username() if user else None,
        "created_by__first_name": user.first_name if user else "",
        "created_by__last_name": user.last_name if user else "",
    }
    return annotation(row, article=article, site=site, people_visible=people_visible)


# --- Collection and page --------------------------------------------------------------------------
def annotation_collection(
    *,
    article: Article,
    rows: Iterable[dict],
    collection_id: str,
    site: str,
    people_visible: bool,
    page: str | None = None,
) -> dict:
    """The article's claims as an AnnotationCollection with its one page embedded, or (`page`)
    that page alone. The page holds every claim: one pass over the rows, as before."""
    rows = list(rows)
    writer = AnnotationWriter(article=article, site=site, people_visible=people_visible)
    # Each item names the export's generator by its IRI; the collection describes it once.
    items = [writer.annotation(r, generator=writer.generator["id"]) for r in rows]
    modified = max([article.updated_at, *(r["updated_at"] for r in rows)])
    collection = {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Claims in: {article.title}",
        "total": len(items),
        "created": _iso(article.created_at),
        "modified": _iso(modified),
        "generator": writer.generator,
    }
    page_id = f"{collection_id}?page=1"
    if page is not None:
        if page != "1" or not items:
            raise NotFound(f"no such page: the collection has {1 if items else 0} page(s)")
        part_of = {
            k: collection[k] for k in ("id", "type", "label", "total", "created", "modified")
        }
        return {"@context": ANNO_CONTEXT} | _page(page_id, part_of, items)
    if items:
        # The model SHOULDs first and last only for a collection with annotations.
        collection |= {"first": _page(page_id, collection_id, items), "last": page_id}
    return collection


def _page(page_id: str, part_of: str | dict, items: list[dict]) -> dict:
    return {
        "id": page_id,
        "type": "AnnotationPage",
        "partOf": part_of,
        "startIndex": 0,
        "items": items,
    }


def document_etag(document: dict, *, kind: str, pk: int) -> str:
    """A strong ETag of a rendered document (it changes with the article, not only the claim)."""
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:20]
    return f'"{kind}:{pk}:{digest}"'
