"""W3C Web Annotation export."""

from __future__ import annotations

import datetime as dt

from claims.exports.annotations import annotation_collection


def row(**overrides):
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return {
        "id": 7,
        "start": 4,
        "end": 8,
        "quote": "city",
        "prefix": "The ",
        "suffix": " council",
        "statement": "",
        "claimant": "",
        "claim_type": "",
        "status": "open",
        "created_at": now,
        "updated_at": now,
    } | overrides


def test_each_claim_is_an_annotation_with_position_and_quote_selectors():
    doc = annotation_collection(
        collection_id="http://x/c",
        label="L",
        source="https://news.example/a",
        claim_url_prefix="http://x/claims/",
        rows=[row(), row(id=8, statement="S", claim_type="event")],
    )
    assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert doc["type"] == "AnnotationCollection" and doc["total"] == 2
    first = doc["first"]["items"][0]
    assert first["id"] == "http://x/claims/7/"
    assert first["target"]["source"] == "https://news.example/a"
    assert first["target"]["selector"] == [
        {"type": "TextPositionSelector", "start": 4, "end": 8},
        {"type": "TextQuoteSelector", "exact": "city", "prefix": "The ", "suffix": " council"},
    ]
    purposes = [b["purpose"] for b in doc["first"]["items"][1]["body"]]
    assert purposes == ["describing", "tagging", "classifying"]
