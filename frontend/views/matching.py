"""Claim memory in the reviewer UI: a claim's earlier fact-checks, links, and a free-text check."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from claims import selectors
from claims.matching.text import MAX_QUERY_CHARS
from claims.selectors_matching import MatchQuery, claim_links_for, match_text
from claims.services import matching
from claims.services.errors import DomainError
from frontend.views.common import int_or_none, member_required, render_page


def _panel_context(request: HttpRequest, claim, *, error: str = "") -> dict:
    stored = matching.claim_matches_refresh(claim_id=claim.pk)
    links = claim_links_for(claim_ids=[claim.pk])[claim.pk]
    linked = {(x["kind"], x["url"]) for x in links}
    results = [
        r | {"linked": (r["kind"], r["url"]) in linked} for r in (stored.results if stored else [])
    ]
    return {"claim": claim, "matches": results, "links": links, "match_error": error}


@require_GET
@member_required
def claim_matches_panel(request: HttpRequest, claim_id: int) -> HttpResponse:
    """The "checked before" panel of a claim, computed now."""
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    return render_page(
        request,
        "frontend/_matches.html",
        _panel_context(request, claim),
        partial="frontend/_matches.html",
    )


def _panel_or_claim(request: HttpRequest, claim, error: str = "") -> HttpResponse:
    if getattr(request, "htmx", False):
        status = 400 if error else 200
        return render_page(
            request,
            "frontend/_matches.html",
            _panel_context(request, claim, error=error),
            partial="frontend/_matches.html",
            status=status,
        )
    if error:
        messages.error(request, error)
    return redirect("frontend:claim", claim.pk)


@require_POST
@member_required
def claim_link_add(request: HttpRequest, claim_id: int) -> HttpResponse:
    """A reviewer marks the claim as the same claim as an earlier fact-check."""
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    target_id = int_or_none(request.POST.get("target"))
    if target_id is None:
        return _panel_or_claim(request, claim, "Choose the fact-check to link.")
    try:
        matching.claim_link_create(
            actor=request.user,
            claim=claim,
            kind=request.POST.get("kind", ""),
            target_id=target_id,
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        return _panel_or_claim(request, claim, exc.message)
    return _panel_or_claim(request, claim)


@require_POST
@member_required
def claim_link_remove(request: HttpRequest, claim_id: int, link_id: int) -> HttpResponse:
    """Remove a "same claim as" link (its author or an editor)."""
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    try:
        matching.claim_link_delete(actor=request.user, claim=claim, link_id=link_id)
    except DomainError as exc:
        return _panel_or_claim(request, claim, exc.message)
    return _panel_or_claim(request, claim)


@require_GET
@member_required
def check_text(request: HttpRequest) -> HttpResponse:
    """Has this been checked? Earlier fact-checks for a text typed on the article list."""
    q = " ".join(request.GET.get("q", "").split())
    error = ""
    results: list[dict] = []
    if len(q) > MAX_QUERY_CHARS:
        error = f"Keep the text under {MAX_QUERY_CHARS} characters."
    elif q:
        results = match_text(MatchQuery(text=q))
    context = {"q": q, "matches": results, "check_error": error}
    return render_page(
        request,
        "frontend/check.html",
        context,
        partial="frontend/_check_results.html",
        status=400 if error else 200,
    )
