"""ClaimReview items in a web page's JSON-LD (fact-check pages publish them for search engines)."""

from __future__ import annotations

import json

from lxml import html as lxml_html

MAX_BLOCKS = 50


def _reviews(node, out: list[dict]) -> None:
    if isinstance(node, list):
        for item in node:
            _reviews(item, out)
    elif isinstance(node, dict):
        kind = node.get("@type")
        if kind == "ClaimReview" or (isinstance(kind, list) and "ClaimReview" in kind):
            out.append(node)
        elif isinstance(node.get("@graph"), list):
            _reviews(node["@graph"], out)


def claimreviews_in_html(body: bytes | str) -> list[dict]:
    """Every ClaimReview object in the page's <script type="application/ld+json"> blocks (top
    level, in arrays or in an @graph); blocks that are not valid JSON are skipped."""
    if not body:
        return []
    try:
        tree = lxml_html.fromstring(body)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    out: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]')[:MAX_BLOCKS]:
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, RecursionError):
            continue
        _reviews(data, out)
    return out
