"""W3C Web Annotation export: an article's claims as an AnnotationCollection.

Each claim targets the article with a TextPositionSelector (code points, end exclusive) and a
TextQuoteSelector (exact, prefix, suffix), so a client can anchor it even in a corrected body.
"""

from __future__ import annotations

from collections.abc import Iterable

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNO_PROFILE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
# The columns the selectors are built from, then those the body and the annotation show.
SELECTOR_FIELDS = ("start", "end", "quote", "prefix", "suffix")
BODY_FIELDS = ("statement", "claimant", "claim_type", "status")
CLAIM_FIELDS = ("id", *SELECTOR_FIELDS, *BODY_FIELDS, "created_at", "updated_at")


def annotation(row: dict, *, source: str, claim_url_prefix: str) -> dict:
    """One claim (a row with CLAIM_FIELDS) as a Web Annotation."""
    body = [{"type": "TextualBody", "purpose": "tagging", "value": f"claim-status:{row['status']}"}]
    if row["statement"]:
        body.insert(0, {"type": "TextualBody", "purpose": "describing", "value": row["statement"]})
    if row["claim_type"]:
        body.append({"type": "TextualBody", "purpose": "classifying", "value": row["claim_type"]})
    return {
        "id": f"{claim_url_prefix}{row['id']}/",
        "type": "Annotation",
        "motivation": "assessing",
        "created": row["created_at"].isoformat(),
        "modified": row["updated_at"].isoformat(),
        "body": body,
        "target": {
            "source": source,
            "selector": [
                {"type": "TextPositionSelector", "start": row["start"], "end": row["end"]},
                {
                    "type": "TextQuoteSelector",
                    "exact": row["quote"],
                    "prefix": row["prefix"],
                    "suffix": row["suffix"],
                },
            ],
        },
    }


def annotation_collection(
    *, collection_id: str, label: str, source: str, claim_url_prefix: str, rows: Iterable[dict]
) -> dict:
    """All the claims in one AnnotationCollection with its single embedded page."""
    items = [annotation(r, source=source, claim_url_prefix=claim_url_prefix) for r in rows]
    return {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "first": {
            "id": f"{collection_id}#page1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }
