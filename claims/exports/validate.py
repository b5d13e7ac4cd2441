"""Check a ClaimReview (or a DataFeed of them) against claimreview_rules.toml.

Returns findings instead of raising, so a test can say which rule broke and where. The vocabulary
part walks every node: each property must belong to the node's type (or an ancestor) and each
value must be of an expected type. The Google part checks required and recommended paths of each
ClaimReview; the value checks are the functions named in the file's [[checks]].
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

RULES_PATH = Path(__file__).with_name("claimreview_rules.toml")
DATA_TYPES = frozenset({"Text", "URL", "Date", "DateTime", "Number"})
CLAIM_REVIEWED_ADVISED_MAX = 75


@dataclass(frozen=True)
class Finding:
    level: str  # "error" or "warning"
    rule: str  # a property path, a Google path or a check name
    where: str
    message: str
    source: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message} [{self.rule}; {self.source}]"


@cache
def rules() -> dict:
    """The parsed rules file, its source names resolved to URLs."""
    with RULES_PATH.open("rb") as handle:
        data = tomllib.load(handle)
    sources = data["sources"]
    for type_rule in data["types"].values():
        type_rule["source_url"] = sources[type_rule["source"]]
    for rule in [*data["google"], *data["checks"]]:
        rule["source_url"] = sources[rule["source"]]
    return data


def _ancestors(type_name: str) -> list[str]:
    types = rules()["types"]
    chain = []
    while type_name:
        chain.append(type_name)
        type_name = types[type_name].get("parent", "")
    return chain


def _property_rule(type_name: str, prop: str) -> tuple[list[str], str] | None:
    types = rules()["types"]
    for name in _ancestors(type_name):
        expected = types[name]["properties"].get(prop)
        if expected is not None:
            return expected, types[name]["source_url"]
    return None


def _is_date(value) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_datetime(value) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.tzinfo is not None  # an instant, not a wall-clock time somewhere


def _is_url(value) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def _matches(value, expected: str) -> bool:
    if expected == "Text":
        return isinstance(value, str)
    if expected == "URL":
        return _is_url(value)
    if expected == "Date":
        return _is_date(value)
    if expected == "DateTime":
        return _is_datetime(value)
    if expected == "Number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected == "Language":
        return isinstance(value, str)
    if isinstance(value, dict) and isinstance(value.get("@type"), str):
        return value["@type"] in rules()["types"] and expected in _ancestors(value["@type"])
    return False


class _Walker:
    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, level: str, rule: str, where: str, message: str, source: str) -> None:
        self.findings.append(Finding(level, rule, where, message, source))

    def node(self, data: dict, where: str) -> None:
        type_name = data.get("@type")
        jsonld = rules()["sources"]["jsonld"]
        if not isinstance(type_name, str) or type_name not in rules()["types"]:
            self.add("error", "one-type", where, f"unknown or missing @type {type_name!r}", jsonld)
            return
        for prop, value in data.items():
            if prop.startswith("@"):
                continue
            rule = _property_rule(type_name, prop)
            if rule is None:
                self.add(
                    "error",
                    f"{type_name}.{prop}",
                    f"{where}.{prop}",
                    f"{prop} is not a property of {type_name} in schema.org",
                    rules()["types"][type_name]["source_url"],
                )
                continue
            expected, source = rule
            values = value if isinstance(value, list) else [value]
            for index, item in enumerate(values):
                at = f"{where}.{prop}" + (f"[{index}]" if isinstance(value, list) else "")
                if not any(_matches(item, e) for e in expected):
                    self.add(
                        "error",
                        f"{type_name}.{prop}",
                        at,
                        f"{item!r:.80} is not one of {', '.join(expected)}",
                        source,
                    )
                elif isinstance(item, dict):
                    self.node(item, at)


def _get(data, path: str) -> list:
    """The values at a dotted path ("a.b"), stepping into every element of a list."""
    values = [data]
    for step in path.split("."):
        found = []
        for value in values:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and step in item:
                    found.append(item[step])
        values = found
    return values


def _google(walker: _Walker, review: dict, where: str) -> None:
    numeric = isinstance(review.get("reviewRating"), dict) and "ratingValue" in review.get(
        "reviewRating", {}
    )
    for rule in rules()["google"]:
        if rule.get("when") == "numeric" and not numeric:
            continue
        if not _get(review, rule["path"]):
            level = "error" if rule["level"] == "required" else "warning"
            walker.add(
                level,
                rule["path"],
                where,
                f"{rule['level']} property {rule['path']} is missing",
                rule["source_url"],
            )


def _check_source(name: str) -> str:
    return next(r["source_url"] for r in rules()["checks"] if r["name"] == name)


def _value_checks(walker: _Walker, review: dict, where: str) -> None:
    def fail(name: str, message: str) -> None:
        level = next(r["level"] for r in rules()["checks"] if r["name"] == name)
        walker.add(level, name, where, message, _check_source(name))

    text = review.get("claimReviewed")
    if isinstance(text, str):
        if not text.strip() or "\n" in text or "\r" in text:
            fail("claim-reviewed-single-line", "claimReviewed is empty or spans lines")
        if len(text) > CLAIM_REVIEWED_ADVISED_MAX:
            fail("claim-reviewed-short", f"claimReviewed has {len(text)} characters")
    rating = review.get("reviewRating")
    if isinstance(rating, dict) and "ratingValue" in rating:
        try:
            best, worst = float(rating["bestRating"]), float(rating["worstRating"])
            value = float(rating["ratingValue"])
        except (KeyError, TypeError, ValueError):
            fail("rating-in-range", "ratingValue needs numeric bestRating and worstRating")
        else:
            if not (worst < best and worst <= value <= best):
                fail("rating-in-range", f"{worst} <= {value} <= {best} does not hold")
    published, modified = review.get("datePublished"), review.get("dateModified")
    if modified is not None and published is not None:
        try:
            before = dt.datetime.fromisoformat(modified) < dt.datetime.fromisoformat(published)
        except (TypeError, ValueError):
            before = False  # the vocabulary walk reports a malformed date
        if before:
            fail("modified-after-published", f"dateModified {modified} < datePublished {published}")
    for path in ("url", "author.url", "author.logo.url", "itemReviewed.appearance.url"):
        for value in _get(review, path):
            if not _is_url(value):
                fail("absolute-urls", f"{path} {value!r:.80} is not an absolute http(s) URL")
    node_id, url = review.get("@id"), review.get("url")
    if not (isinstance(node_id, str) and isinstance(url, str) and node_id.startswith(url + "#")):
        fail("id-is-url-fragment", f"@id {node_id!r} is not {url!r} with a fragment")


def validate_claim_review(data: dict, *, top_level: bool = True, where: str = "$") -> list[Finding]:
    """Every finding for one ClaimReview document (empty: it keeps every rule)."""
    walker = _Walker()
    if top_level and data.get("@context") != "https://schema.org":
        walker.add(
            "error",
            "context",
            where,
            "@context is not https://schema.org",
            _check_source("context"),
        )
    if data.get("@type") != "ClaimReview":
        walker.add("error", "one-type", where, "not a ClaimReview", _check_source("one-type"))
        return walker.findings
    walker.node(data, where)
    _google(walker, data, where)
    _value_checks(walker, data, where)
    return walker.findings


def validate_data_feed(data: dict) -> list[Finding]:
    """Every finding for a DataFeed of ClaimReviews: the feed itself and each ClaimReview in it."""
    walker = _Walker()
    if data.get("@context") != "https://schema.org":
        walker.add(
            "error", "context", "$", "@context is not https://schema.org", _check_source("context")
        )
    walker.node(data, "$")
    findings = walker.findings
    for index, element in enumerate(data.get("dataFeedElement", [])):
        for item in element.get("item", []) if isinstance(element, dict) else []:
            where = f"$.dataFeedElement[{index}].item"
            # The vocabulary walk above covered the nodes; add Google's and the value checks.
            review_walker = _Walker()
            if item.get("@type") == "ClaimReview":
                _google(review_walker, item, where)
                _value_checks(review_walker, item, where)
            findings += review_walker.findings
    return findings
