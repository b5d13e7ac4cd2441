"""Writes from the workbench page: claims from a selection or a passage, suggestions, accept, dismiss."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from claims import selectors
from claims.models import Claim
from claims.services.articles import article_extract_later
from claims.services.claims import claim_accept, claim_create, claim_dismiss
from claims.services.errors import DomainError, ValidationError
from claims.services.extraction import article_suggest_claims
from frontend.views.articles import workbench_context
from frontend.views.common import int_or_none, member_required, render_page


def _back_to_workbench(request: HttpRequest, article_id: int, **extra) -> HttpResponse:
    if request.htmx:
        context = workbench_context(request, article_id) | extra
        return render_page(request, "frontend/_workbench.html", context)
    if extra.get("error"):
        messages.error(request, extra["error"])
    return redirect("frontend:article", article_id)


def locate_passage(body: str, passage: str) -> tuple[int, int] | str:
    """The code-point span of a passage typed by hand, or why it cannot be used."""
    passage = passage.strip()
    if not passage:
        return "Type a passage from the text."
    first = body.find(passage)
    if first < 0:
        return "That passage is not in the article text (it must match exactly)."
    if body.find(passage, first + 1) >= 0:
        return "That passage occurs more than once: add a few words to make it unique."
    return first, first + len(passage)


@require_POST
@member_required
def claim_create_view(request: HttpRequest, article_id: int) -> HttpResponse:
    """Create a claim from the browser's selection (code points) or from a typed passage."""
    article = selectors.article_get(user=request.user, article_id=article_id)
    passage = request.POST.get("passage")
    if passage is not None:
        found = locate_passage(article.body, passage)
        if isinstance(found, str):
            return _back_to_workbench(request, article.pk, error=found, passage=passage)
        start, end, quote = found[0], found[1], None
    else:
        start, end = int_or_none(request.POST.get("start")), int_or_none(request.POST.get("end"))
        quote = request.POST.get("quote")
        if start is None or end is None:
            return _back_to_workbench(request, article.pk, error="Select a passage first.")
    try:
        claim = claim_create(actor=request.user, article=article, start=start, end=end, quote=quote)
    except DomainError as exc:
        return _back_to_workbench(request, article.pk, error=exc.message)
    if not request.htmx:
        messages.success(request, f"Claim added: “{claim.quote[:80]}”.")
    return _back_to_workbench(request, article.pk)


@require_POST
@member_required
def article_suggest_view(request: HttpRequest, article_id: int) -> HttpResponse:
    """Run the extractor over the article and store its new suggestions (a long article's are
    found by the worker: the page then shows its progress)."""
    article = selectors.article_get(user=request.user, article_id=article_id)
    if article_extract_later(actor=request.user, article=article):
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return redirect("frontend:article", article.pk)
    created = article_suggest_claims(article=article)
    if not request.htmx:
        messages.success(request, f"{len(created)} new suggestion(s).")
    return _back_to_workbench(request, article.pk)


def _after_claim_action(request: HttpRequest, claim: Claim, error: str = "") -> HttpResponse:
    if request.POST.get("from") == "workbench":
        return _back_to_workbench(request, claim.article_id, error=error)
    if error:
        messages.error(request, error)
    return redirect("frontend:claim", claim.pk)


def _claim_step(request: HttpRequest, claim_id: int, service, **kwargs) -> HttpResponse:
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    version = int_or_none(request.POST.get("version"))
    try:
        service(actor=request.user, claim=claim, expected_version=version, **kwargs)
    except ValidationError as exc:
        # Bad input (a NUL or a direction control in the note) is a 400, as in the API.
        return _invalid_input(request, claim, exc.message)
    except DomainError as exc:
        return _after_claim_action(request, claim, exc.message)
    return _after_claim_action(request, claim)


@require_POST
@member_required
def claim_accept_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Accept one suggestion."""
    return _claim_step(request, claim_id, claim_accept)


@require_POST
@member_required
def claim_dismiss_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Dismiss one claim with a reason (editors)."""
    note = request.POST.get("note", "")
    return _claim_step(
        request, claim_id, claim_dismiss, reason=request.POST.get("reason", ""), note=note
    )


def _invalid_input(request: HttpRequest, claim: Claim, error: str) -> HttpResponse:
    if request.POST.get("from") == "workbench" and request.htmx:
        context = workbench_context(request, claim.article_id) | {"error": error}
        return render_page(request, "frontend/_workbench.html", context, status=400)
    from frontend.views.claims import claim_context

    messages.error(request, error)
    return render_page(
        request, "frontend/claim_detail.html", claim_context(request, claim), status=400
    )


@require_POST
@member_required
def claim_bulk_view(request: HttpRequest, article_id: int) -> HttpResponse:
    """Accept or dismiss several suggestions at once; each goes through the one-claim service."""
    article = selectors.article_get(user=request.user, article_id=article_id)
    action, _, one = request.POST.get("action", "").partition(":")
    suggested = selectors.claim_list(
        user=request.user, article_id=article.pk, status=Claim.Status.SUGGESTED
    )
    if one:  # the Accept or Dismiss button of a single suggestion
        suggested = suggested.filter(pk=int_or_none(one))
    elif action != "accept_all":
        ids = {i for i in map(int_or_none, request.POST.getlist("ids")) if i is not None}
        suggested = suggested.filter(pk__in=ids)
    claims = list(suggested)
    if not claims:
        return _back_to_workbench(request, article.pk, error="Tick the suggestions first.")
    errors = []
    for claim in claims:
        try:
            if action in ("accept", "accept_all"):
                claim_accept(actor=request.user, claim=claim)
            elif action == "dismiss":
                claim_dismiss(
                    actor=request.user, claim=claim, reason=request.POST.get("reason", "")
                )
            else:
                return _back_to_workbench(request, article.pk, error="Unknown action.")
        except DomainError as exc:
            errors.append(exc.message)
    error = f"{len(errors)} not changed: {errors[0]}" if errors else ""
    return _back_to_workbench(request, article.pk, error=error)
