"""W3C Web Annotation export: the documents, and the W3C model's rules they are checked against."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.exports.annotations import annotation, annotation_collection
from claims.models import Article
from claims.services.errors import NotFound
from tests.claims.exports.w3c_rules import RULES, checked_kinds, failures

SITE = "http://x/"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def row(**overrides):
    return {
        "id": 7,
        "start": 4,
        "end": 8,
        "quote": "city",
        "prefix": "The ",
        "suffix": " council",
        "statement": "",
        "claim_type": "",
        "status": "open",
        "origin": "manual",
        "created_at": NOW,
        "updated_at": NOW,
        "created_by_id": 3,
        "created_by__username": "rita",
        "created_by__first_name": "Rita",
        "created_by__last_name": "Levi",
    } | overrides


def article(**overrides):
    fields = {"pk": 5, "title": "T", "url": "https://news.example/a", "language": "en"}
    fields |= overrides
    made = Article(**fields)
    made.created_at, made.updated_at = NOW, NOW
    return made


def collection(rows, **kw):
    return annotation_collection(
        article=kw.pop("article", None) or article(),
        rows=rows,
        collection_id="http://x/api/v1/articles/5/annotations/",
        site=SITE,
        people_visible=kw.pop("people_visible", True),
        **kw,
    )


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.key)
def test_every_w3c_rule_rejects_its_counter_example(rule):
    assert rule.errors(rule.bad), f"{rule.key} passes the document that breaks it"


def test_each_claim_is_an_annotation_with_position_and_quote_selectors():
    doc = collection([row(), row(id=8, statement="S", claim_type="event")])
    assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert doc["type"] == "AnnotationCollection" and doc["total"] == 2
    first = doc["first"]["items"][0]
    assert first["id"] == "http://x/api/v1/claims/7/"
    assert first["target"]["source"]["id"] == "https://news.example/a"
    assert first["target"]["selector"] == [
        {"type": "TextPositionSelector", "start": 4, "end": 8},
        {"type": "TextQuoteSelector", "exact": "city", "prefix": "The ", "suffix": " council"},
    ]
    purposes = [b["purpose"] for b in doc["first"]["items"][1]["body"]]
    assert purposes == ["describing", "tagging", "classifying"]


@pytest.mark.parametrize("level", ["MUST", "SHOULD"])
def test_the_collection_its_page_and_an_annotation_keep_the_w3c_rules(level):
    rows = [
        row(),
        row(id=8, statement="S", claim_type="event", origin="suggested", created_by_id=None),
    ]
    documents = {
        "collection": collection(rows),
        "page": collection(rows, page="1"),
        "annotation": annotation(rows[1], article=article(), site=SITE, people_visible=False),
    }
    for kind, doc in documents.items():
        assert failures(doc, kind, level) == [], kind
    # Every kind of node the rules know was reached, so no rule was skipped for want of a node.
    assert checked_kinds(documents["collection"], "collection") == {r.node for r in RULES}


def test_the_bodies_and_the_target_say_their_format_and_language():
    item = annotation(row(statement="S", claim_type="event"), article=article(), site=SITE,
                      people_visible=True)  # fmt: skip
    statement, status, kind = item["body"]
    assert statement == {
        "type": "TextualBody",
        "purpose": "describing",
        "value": "S",
        "format": "text/plain",
        "language": "en",
    }
    # Codes, not prose: BCP 47's "no linguistic content".
    assert status["value"] == "claim-status:open" and status["language"] == "zxx"
    assert kind["value"] == "event" and kind["language"] == "zxx"
    assert item["target"]["source"] == {
        "id": "https://news.example/a",
        "type": "Text",
        "format": "text/plain",
        "language": "en",
        "via": "http://x/api/v1/articles/5/",
    }


def test_an_article_without_url_or_language_is_targeted_at_the_workbench_copy_and_says_no_more():
    item = annotation(
        row(statement="S"), article=article(url="", language=""), site=SITE, people_visible=True
    )
    assert item["target"]["source"] == {
        "id": "http://x/api/v1/articles/5/",
        "type": "Text",
        "format": "text/plain",
    }
    assert item["body"][0]["purpose"] == "describing" and "language" not in item["body"][0]


def test_the_creator_is_the_member_for_members_the_newsroom_for_others_and_the_extractor(
    settings,
):
    settings.FACTCHECK_PUBLISHER_NAME = "The Daily Check"
    settings.FACTCHECK_PUBLISHER_URL = "https://check.example/"
    person = annotation(row(), article=article(), site=SITE, people_visible=True)["creator"]
    assert person["type"] == "Person" and person["id"].startswith("urn:uuid:")
    assert (person["name"], person["nickname"]) == ("Rita Levi", "rita")
    no_name = annotation(
        row(created_by__first_name="", created_by__last_name=""),
        article=article(),
        site=SITE,
        people_visible=True,
    )["creator"]
    assert no_name["name"] == "rita" and no_name["id"] == person["id"]
    public = annotation(row(), article=article(), site=SITE, people_visible=False)
    assert public["creator"] == {
        "id": "https://check.example/",
        "type": "Organization",
        "name": "The Daily Check",
    }
    assert "rita" not in str(public).lower() and "levi" not in str(public).lower()
    suggested = annotation(
        row(origin="suggested", created_by_id=None), article=article(), site=SITE,
        people_visible=True,
    )  # fmt: skip
    assert suggested["creator"]["type"] == "Software"
    assert suggested["generator"]["type"] == "Software"
    assert suggested["creator"]["id"] != suggested["generator"]["id"]


def test_the_collection_has_its_dates_generator_last_page_and_page_part_of():
    later = NOW + dt.timedelta(hours=2)
    doc = collection([row(), row(id=8, updated_at=later)])
    assert doc["created"] == "2026-01-01T00:00:00Z"
    assert doc["modified"] == "2026-01-01T02:00:00Z"
    assert doc["generator"]["type"] == "Software"
    assert doc["last"] == doc["first"]["id"] == f"{doc['id']}?page=1"
    assert doc["first"]["partOf"] == doc["id"]
    page = collection([row()], page="1")
    assert page["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert page["partOf"]["id"] == doc["id"] and page["partOf"]["total"] == 1
    assert page["items"] == doc["first"]["items"][:1]


def test_an_empty_collection_has_no_pages():
    doc = collection([])
    assert doc["total"] == 0 and "first" not in doc and "last" not in doc
    with pytest.raises(NotFound):
        collection([], page="1")
    with pytest.raises(NotFound):
        collection([row()], page="2")
