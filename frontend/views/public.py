"""The public fact-check page of an article: published verdicts, ClaimReview JSON-LD, transparency."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from claims import selectors_ui
from claims.exports.claimreview import claim_review
from claims.models import Verdict
from claims.selectors_matching import claim_links_for

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data) -> str:
    """JSON for a <script type="application/ld+json"> block: <, > and & escaped as \\u00XX."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_ESCAPES)
    return mark_safe(text)  # noqa: S308 (no <, > or & left)


@require_GET
def public_article(request: HttpRequest, article_id: int) -> HttpResponse:
    """Readable by anyone: each published verdict with its sources, the scale and corrections."""
    article, claims = selectors_ui.public_article_fact_checks(article_id=article_id)
    if article is None or not claims:
        raise Http404("No published fact-checks for this article.")
    verdicts = selectors_ui.public_verdicts_for(claims=claims)
    evidence = selectors_ui.public_evidence_for(claims=claims)
    by_claim = {
        c.pk: {"claim": c, "published": None, "corrections": [], "evidence": []} for c in claims
    }
    for verdict in verdicts:
        entry = by_claim[verdict.claim_id]
        if verdict.status == Verdict.Status.PUBLISHED:
            entry["published"] = verdict
        if verdict.supersedes_id:
            entry["corrections"].append(verdict)
    for item in evidence:
        by_claim[item.claim_id]["evidence"].append(item)
    checks = [e for e in by_claim.values() if e["published"]]
    earlier = claim_links_for(claim_ids=[e["claim"].pk for e in checks])
    for entry in checks:
        entry["earlier"] = earlier[entry["claim"].pk]
        entry["json_ld"] = json_ld(claim_review(claim=entry["claim"], verdict=entry["published"]))
    context = {
        "article": article,
        "checks": checks,
        "ratings": selectors_ui.rating_scale_for_readers(),
    }
    return render(request, "frontend/public_article.html", context)
