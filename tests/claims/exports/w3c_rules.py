"""The W3C Web Annotation Data Model's assertions, rewritten as JSON Schemas for our tests.

The W3C's own conformance schemas (web-platform-tests, annotation-model/) cannot be downloaded on
this machine, so each assertion that bears on our documents is written here in our own words and
code, citing the section of the Recommendation it encodes ("Web Annotation Data Model", W3C
Recommendation 23 February 2017, https://www.w3.org/TR/annotation-model/).

Sections cited: §3.1 Annotations, §3.2.1 External Web Resources, §3.2.2 Classes, §3.2.4 Embedded
Textual Body, §3.3.1 Lifecycle Information, §3.3.3 Agents, §3.3.5 Motivation and Purpose, §3.3.7
Other Identities, §4 Specific Resources, §4.2.4 Text Quote Selector, §4.2.5 Text Position Selector,
§5.1 Annotation Collection, §5.2 Annotation Page.

A rule checks one kind of node (an annotation, a page, an agent, a selector ...); `nodes()` finds
every node of every kind in a document. Each rule carries a counter-example that breaks it, so a
test can prove that no rule passes everything. The levels are the specification's: MUST and SHOULD
(MAY properties are only checked for their form, at MUST level, when present).

SHOULDs that do not apply to our documents, and why (see docs/design.md):
- a Body's own creator/created (§3.3.1): our bodies are embedded in the annotation and share its
  lifecycle; any member may edit a statement and no per-body author is recorded ("MAY be 0 ... as
  multiple agents may have worked together on it");
- a Page's next/prev (§5.2): the collection has a single page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from jsonschema import Draft202012Validator

ANNO = "http://www.w3.org/ns/anno.jsonld"
MOTIVATIONS = [
    "assessing",
    "bookmarking",
    "classifying",
    "commenting",
    "describing",
    "editing",
    "highlighting",
    "identifying",
    "linking",
    "moderating",
    "questioning",
    "replying",
    "tagging",
]

IRI = {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$"}
DATETIME = {
    "type": "string",
    "pattern": r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$",
}
DATETIME_ZONED = {"type": "string", "pattern": r"(Z|[+-]\d\d:\d\d)$"}
MEDIA_TYPE = {"type": "string", "pattern": r"^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$"}
BCP47 = {"type": "string", "pattern": r"^([A-Za-z]{2,3}|[A-Za-z]{5,8})(-[A-Za-z0-9]{1,8})*$"}
NON_NEGATIVE_INT = {"type": "integer", "minimum": 0}


def one(schema: dict) -> dict:
    """Exactly one value: the value itself, or a list holding just it."""
    return {"oneOf": [schema, {"type": "array", "items": schema, "minItems": 1, "maxItems": 1}]}


def one_or_more(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "array", "items": schema, "minItems": 1}]}


def has_type(*names: str) -> dict:
    """`type` is one of `names`, or a list that holds one of them."""
    choice = {"enum": list(names)}
    return {"anyOf": [choice, {"type": "array", "contains": choice}]}


def required(name: str, schema: dict | None = None) -> dict:
    return {"required": [name], "properties": {name: schema or {}}}


def optional(name: str, schema: dict) -> dict:
    return {"properties": {name: schema}}


@dataclass(frozen=True)
class Rule:
    key: str
    level: str  # "MUST" or "SHOULD"
    node: str  # the kind of node it checks (see nodes())
    cite: str  # the section, and the assertion in our words
    schema: dict
    bad: dict  # a node that breaks the rule

    def errors(self, node: dict) -> list[str]:
        return [e.message for e in Draft202012Validator(self.schema).iter_errors(node)]


RESOURCE = {"anyOf": [IRI, {"type": "object", "required": ["id"]}]}
BODY_OR_TARGET = {"anyOf": [IRI, {"type": "object"}]}
AGENT_REF = {"anyOf": [IRI, {"type": "object"}]}

RULES = [
    # --- Any top-level document ------------------------------------------------------------------
    Rule(
        "context",
        "MUST",
        "document",
        "§3.1 / §5.1 / §5.2: 1 or more @context values, the anno.jsonld context among them; a "
        "single value is given as a string",
        {
            "required": ["@context"],
            "properties": {
                "@context": {
                    "anyOf": [
                        {"const": ANNO},
                        {"type": "array", "minItems": 2, "contains": {"const": ANNO}},
                    ]
                }
            },
        },
        {"@context": [ANNO]},
    ),
    # --- Annotation -------------------------------------------------------------------------------
    Rule(
        "annotation-id",
        "MUST",
        "annotation",
        "§3.1: exactly 1 IRI as id",
        required("id", IRI),
        {"type": "Annotation"},
    ),
    Rule(
        "annotation-type",
        "MUST",
        "annotation",
        "§3.1: 1 or more types, Annotation among them",
        required("type", has_type("Annotation")),
        {"type": "Note"},
    ),
    Rule(
        "annotation-target",
        "MUST",
        "annotation",
        "§3.1: 1 or more targets, each an IRI or a resource",
        required("target", one_or_more(BODY_OR_TARGET)),
        {"target": []},
    ),
    Rule(
        "annotation-body-form",
        "MUST",
        "annotation",
        "§3.1: bodies (0 or more) are each an IRI or a resource",
        optional("body", one_or_more(BODY_OR_TARGET)),
        {"body": 5},
    ),
    Rule(
        "annotation-created-form",
        "MUST",
        "annotation",
        "§3.3.1: at most 1 created, an xsd:dateTime",
        optional("created", DATETIME),
        {"created": ["2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z"]},
    ),
    Rule(
        "annotation-modified-form",
        "MUST",
        "annotation",
        "§3.3.1: at most 1 modified, an xsd:dateTime",
        optional("modified", DATETIME),
        {"modified": "yesterday"},
    ),
    Rule(
        "annotation-generated-form",
        "MUST",
        "annotation",
        "§3.3.1: at most 1 generated, an xsd:dateTime",
        optional("generated", DATETIME),
        {"generated": "2020"},
    ),
    Rule(
        "annotation-creator-form",
        "MUST",
        "annotation",
        "§3.3.1 / §3.3.3: each creator is an IRI or an Agent",
        optional("creator", one_or_more(AGENT_REF)),
        {"creator": 3},
    ),
    Rule(
        "annotation-generator-form",
        "MUST",
        "annotation",
        "§3.3.1 / §3.3.3: each generator is an IRI or an Agent",
        optional("generator", one_or_more(AGENT_REF)),
        {"generator": [3]},
    ),
    Rule(
        "annotation-created",
        "SHOULD",
        "annotation",
        "§3.3.1: exactly 1 created",
        required("created", one(DATETIME)),
        {"id": "urn:a"},
    ),
    Rule(
        "annotation-timezones",
        "SHOULD",
        "annotation",
        "§3.3.1: created, modified and generated carry a timezone",
        {"properties": {k: DATETIME_ZONED for k in ("created", "modified", "generated")}},
        {"created": "2020-01-01T00:00:00"},
    ),
    Rule(
        "annotation-creator",
        "SHOULD",
        "annotation",
        "§3.3.1: exactly 1 creator",
        required("creator", one(AGENT_REF)),
        {"creator": ["urn:a", "urn:b"]},
    ),
    Rule(
        "annotation-motivation",
        "SHOULD",
        "annotation",
        "§3.3.5: at least 1 motivation",
        required("motivation"),
        {"id": "urn:a"},
    ),
    Rule(
        "annotation-motivation-terms",
        "SHOULD",
        "annotation",
        "§3.3.5: motivations are the W3C's defined ones (new ones would be IRIs)",
        optional("motivation", one_or_more({"anyOf": [{"enum": MOTIVATIONS}, IRI]})),
        {"motivation": "fact-checking"},
    ),
    # --- Agent (creator, generator) ----------------------------------------------------------------
    Rule(
        "agent-id-form",
        "MUST",
        "agent",
        "§3.3.3: not more than 1 IRI as id",
        optional("id", IRI),
        {"id": ["urn:a", "urn:b"]},
    ),
    Rule(
        "agent-id",
        "SHOULD",
        "agent",
        "§3.3.3: exactly 1 IRI that identifies the agent",
        required("id", IRI),
        {"type": "Person", "name": "A"},
    ),
    Rule(
        "agent-type",
        "SHOULD",
        "agent",
        "§3.3.3: a type among Person, Organization, Software",
        required("type", has_type("Person", "Organization", "Software")),
        {"type": "Robot"},
    ),
    Rule(
        "agent-name",
        "SHOULD",
        "agent",
        "§3.3.3: exactly 1 name",
        required("name", one({"type": "string", "minLength": 1})),
        {"id": "urn:a"},
    ),
    Rule(
        "agent-nickname",
        "SHOULD",
        "agent",
        "§3.3.3: at most 1 nickname",
        optional("nickname", {"type": "string", "minLength": 1}),
        {"nickname": ["a", "b"]},
    ),
    Rule(
        "agent-homepage-form",
        "MUST",
        "agent",
        "§3.3.3: homepages are IRIs",
        optional("homepage", one_or_more(IRI)),
        {"homepage": "our site"},
    ),
    # --- Embedded textual body -------------------------------------------------------------------
    Rule(
        "textual-body-value",
        "MUST",
        "textual_body",
        "§3.2.4: exactly 1 value, a string",
        required("value", {"type": "string"}),
        {"type": "TextualBody"},
    ),
    Rule(
        "textual-body-type",
        "SHOULD",
        "textual_body",
        "§3.2.4: the TextualBody type",
        required("type", has_type("TextualBody")),
        {"value": "x"},
    ),
    Rule(
        "textual-body-format",
        "SHOULD",
        "textual_body",
        "§3.2.4 / §3.2.1: exactly 1 format, a media type",
        required("format", one(MEDIA_TYPE)),
        {"type": "TextualBody", "value": "x"},
    ),
    Rule(
        "textual-body-language",
        "SHOULD",
        "textual_body",
        "§3.2.4 / §3.2.1: exactly 1 language, a BCP 47 tag",
        required("language", one(BCP47)),
        {"type": "TextualBody", "value": "x", "language": "English language"},
    ),
    Rule(
        "textual-body-purpose",
        "SHOULD",
        "textual_body",
        "§3.3.5: purposes are the W3C's defined motivations",
        optional("purpose", one_or_more({"anyOf": [{"enum": MOTIVATIONS}, IRI]})),
        {"purpose": "status"},
    ),
    # --- Specific resource (our targets) -----------------------------------------------------------
    Rule(
        "specific-resource-source",
        "MUST",
        "specific_resource",
        "§4: exactly 1 source, an IRI or a resource with an id",
        required("source", RESOURCE),
        {"selector": {"type": "TextPositionSelector", "start": 0, "end": 1}},
    ),
    Rule(
        "specific-resource-selector-form",
        "MUST",
        "specific_resource",
        "§4.2: each selector is an IRI or a typed selector",
        optional(
            "selector", one_or_more({"anyOf": [IRI, {"type": "object", "required": ["type"]}]})
        ),
        {"source": "http://x", "selector": [3]},
    ),
    Rule(
        "specific-resource-type",
        "SHOULD",
        "specific_resource",
        "§4: the SpecificResource type",
        required("type", has_type("SpecificResource")),
        {"source": "http://x"},
    ),
    # --- External web resource (a target's source) -------------------------------------------------
    Rule(
        "resource-id",
        "MUST",
        "external_resource",
        "§3.2.1: exactly 1 IRI as id",
        required("id", IRI),
        {"type": "Text"},
    ),
    Rule(
        "resource-format",
        "SHOULD",
        "external_resource",
        "§3.2.1: exactly 1 format, a media type",
        required("format", one(MEDIA_TYPE)),
        {"id": "http://x", "format": "plain text"},
    ),
    Rule(
        "resource-language",
        "SHOULD",
        "external_resource",
        "§3.2.1: exactly 1 language, a BCP 47 tag",
        required("language", one(BCP47)),
        {"id": "http://x"},
    ),
    Rule(
        "resource-class",
        "SHOULD",
        "external_resource",
        "§3.2.2: a type, if any, among Dataset, Image, Video, Sound, Text",
        optional("type", has_type("Dataset", "Image", "Video", "Sound", "Text")),
        {"id": "http://x", "type": "Page"},
    ),
    Rule(
        "resource-via-form",
        "MUST",
        "external_resource",
        "§3.3.7: via values are IRIs",
        optional("via", one_or_more(IRI)),
        {"id": "http://x", "via": 3},
    ),
    # --- Selectors -------------------------------------------------------------------------------
    Rule(
        "text-position-selector",
        "MUST",
        "position_selector",
        "§4.2.5: exactly 1 start and 1 end, each an xsd:nonNegativeInteger",
        {
            "required": ["start", "end"],
            "properties": {"start": NON_NEGATIVE_INT, "end": NON_NEGATIVE_INT},
        },
        {"type": "TextPositionSelector", "start": -1, "end": 2},
    ),
    Rule(
        "text-quote-selector",
        "MUST",
        "quote_selector",
        "§4.2.4: exactly 1 exact; at most 1 prefix and 1 suffix; all strings",
        {
            "required": ["exact"],
            "properties": {k: {"type": "string"} for k in ("exact", "prefix", "suffix")},
        },
        {"type": "TextQuoteSelector", "prefix": "a"},
    ),
    # --- Annotation collection -------------------------------------------------------------------
    Rule(
        "collection-id",
        "MUST",
        "collection",
        "§5.1: exactly 1 IRI as id",
        required("id", IRI),
        {"type": "AnnotationCollection"},
    ),
    Rule(
        "collection-type",
        "MUST",
        "collection",
        "§5.1: the AnnotationCollection type",
        required("type", has_type("AnnotationCollection")),
        {"type": "Collection"},
    ),
    Rule(
        "collection-total-form",
        "MUST",
        "collection",
        "§5.1: total, if present, an xsd:nonNegativeInteger",
        optional("total", NON_NEGATIVE_INT),
        {"total": -1},
    ),
    Rule(
        "collection-first-form",
        "MUST",
        "collection",
        "§5.1: first is an IRI or the embedded first page",
        optional("first", {"anyOf": [IRI, {"type": "object", "required": ["id", "items"]}]}),
        {"first": 1},
    ),
    Rule(
        "collection-last-form",
        "MUST",
        "collection",
        "§5.1: last is an IRI, not an embedded page",
        optional("last", IRI),
        {"last": {"id": "http://x/p1"}},
    ),
    Rule(
        "collection-dates-form",
        "MUST",
        "collection",
        "§3.3.1 (lifecycle of the collection): created and modified are xsd:dateTime",
        {"properties": {"created": DATETIME, "modified": DATETIME}},
        {"created": "monday"},
    ),
    Rule(
        "collection-label",
        "SHOULD",
        "collection",
        "§5.1: 1 or more labels",
        required("label", one_or_more({"type": "string", "minLength": 1})),
        {"id": "http://x"},
    ),
    Rule(
        "collection-total",
        "SHOULD",
        "collection",
        "§5.1: exactly 1 total",
        required("total"),
        {"id": "http://x"},
    ),
    Rule(
        "collection-first-last",
        "SHOULD",
        "collection",
        "§5.1: a first and a last page when there are annotations",
        {"if": required("total", {"exclusiveMinimum": 0}), "then": {"required": ["first", "last"]}},
        {"total": 3, "first": "http://x/p1"},
    ),
    # --- Annotation page -------------------------------------------------------------------------
    Rule(
        "page-id",
        "MUST",
        "page",
        "§5.2: exactly 1 IRI as id",
        required("id", IRI),
        {"type": "AnnotationPage", "items": []},
    ),
    Rule(
        "page-type",
        "MUST",
        "page",
        "§5.2: the AnnotationPage type",
        required("type", has_type("AnnotationPage")),
        {"type": "Page"},
    ),
    Rule(
        "page-items",
        "MUST",
        "page",
        "§5.2: exactly 1 items list, of 1 or more annotations",
        required("items", {"type": "array", "minItems": 1, "items": BODY_OR_TARGET}),
        {"items": {"id": "http://x/a1"}},
    ),
    Rule(
        "page-part-of-form",
        "MUST",
        "page",
        "§5.2: partOf is the collection's IRI or the collection with its id",
        optional("partOf", RESOURCE),
        {"partOf": {"label": "L"}},
    ),
    Rule(
        "page-links-form",
        "MUST",
        "page",
        "§5.2: next and prev are IRIs",
        {"properties": {"next": IRI, "prev": IRI}},
        {"next": {"id": "http://x/p2"}},
    ),
    Rule(
        "page-start-index-form",
        "MUST",
        "page",
        "§5.2: startIndex, if present, an xsd:nonNegativeInteger",
        optional("startIndex", NON_NEGATIVE_INT),
        {"startIndex": "0"},
    ),
    Rule(
        "page-part-of",
        "SHOULD",
        "page",
        "§5.2: exactly 1 partOf",
        required("partOf", RESOURCE),
        {"id": "http://x/p1"},
    ),
    Rule(
        "page-start-index",
        "SHOULD",
        "page",
        "§5.2: exactly 1 startIndex",
        required("startIndex"),
        {"id": "http://x/p1"},
    ),
]

SELECTOR_KINDS = {
    "TextPositionSelector": "position_selector",
    "TextQuoteSelector": "quote_selector",
}


def _many(value) -> list:
    return value if isinstance(value, list) else [value]


def _annotation_nodes(node: dict, path: str) -> Iterator[tuple[str, str, dict]]:
    yield "annotation", path, node
    for field in ("creator", "generator"):
        for i, agent in enumerate(_many(node.get(field, []))):
            if isinstance(agent, dict):
                yield "agent", f"{path}.{field}[{i}]", agent
    for i, body in enumerate(_many(node.get("body", []))):
        if isinstance(body, dict) and ("value" in body or body.get("type") == "TextualBody"):
            yield "textual_body", f"{path}.body[{i}]", body
    for i, target in enumerate(_many(node.get("target", []))):
        if not isinstance(target, dict):
            continue
        where = f"{path}.target[{i}]"
        if "source" in target:
            yield "specific_resource", where, target
            if isinstance(target["source"], dict):
                yield "external_resource", f"{where}.source", target["source"]
            for j, selector in enumerate(_many(target.get("selector", []))):
                if isinstance(selector, dict) and selector.get("type") in SELECTOR_KINDS:
                    yield SELECTOR_KINDS[selector["type"]], f"{where}.selector[{j}]", selector
        else:
            yield "external_resource", where, target


def _page_nodes(node: dict, path: str) -> Iterator[tuple[str, str, dict]]:
    yield "page", path, node
    for i, item in enumerate(node.get("items", [])):
        if isinstance(item, dict):
            yield from _annotation_nodes(item, f"{path}.items[{i}]")


def nodes(document: dict, kind: str) -> Iterator[tuple[str, str, dict]]:
    """Every (node kind, path, node) in a top-level document of `kind`."""
    yield "document", "$", document
    if kind == "annotation":
        yield from _annotation_nodes(document, "$")
    elif kind == "page":
        yield from _page_nodes(document, "$")
    elif kind == "collection":
        yield "collection", "$", document
        if isinstance(document.get("first"), dict):
            yield from _page_nodes(document["first"], "$.first")
    else:
        raise ValueError(kind)


def failures(document: dict, kind: str, level: str) -> list[str]:
    """Each broken rule of `level`, with where and what."""
    found = []
    for node_kind, path, node in nodes(document, kind):
        for rule in RULES:
            if rule.level == level and rule.node == node_kind:
                found += [f"{rule.key} at {path} ({rule.cite}): {e}" for e in rule.errors(node)]
    return found


def checked_kinds(document: dict, kind: str) -> set[str]:
    """The node kinds a document exposed to the rules (a test asserts none went unchecked)."""
    return {node_kind for node_kind, _, _ in nodes(document, kind)}
