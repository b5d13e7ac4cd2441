"""An article's text over time: correct it, re-fetch it, read its revisions and their diffs;
confirm a claim's place after a revision."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from claims import selectors
from claims.permissions import may_revise_article
from claims.services import revisions as revision_services
from claims.services.errors import DomainError, StaleVersion
from frontend.diffview import inline_diff
from frontend.views.common import form_errors, int_or_none, member_required, render_page


def _context(request: HttpRequest, article, number=None, **extra) -> dict:
    user = request.user
    revisions = selectors.article_revisions(user=user, article=article)
    shown = None
    diff = None
    if revisions:
        number = int_or_none(number) or revisions[0].number
        shown = selectors.article_revision_get(user=user, article=article, number=number)
        if shown.number > 1:
            before = selectors.article_revision_get(
                user=user, article=article, number=shown.number - 1
            )
            diff = inline_diff(before.body, shown.body)
    return {
        "article": article,
        "revisions": revisions,
        "shown": shown,
        "diff": diff,
        "can_revise": may_revise_article(user, article),
        "form": {"body": article.body, "note": ""},
        "errors": {},
        "conflict": None,
        **extra,
    }


@require_GET
@member_required
def article_revisions(request: HttpRequest, article_id: int) -> HttpResponse:
    """The revisions, newest first, one shown as a diff against the one before (``?n=``)."""
    article = selectors.article_get(user=request.user, article_id=article_id)
    context = _context(request, article, request.GET.get("n"))
    return render_page(request, "frontend/revisions.html", context)


@require_POST
@member_required
def article_correct(request: HttpRequest, article_id: int) -> HttpResponse:
    """Save a corrected text as a new revision; a stale form is refused with the text kept."""
    article = selectors.article_get(user=request.user, article_id=article_id)
    body = request.POST.get("body", "")
    note = request.POST.get("note", "")
    form = {"body": body, "note": note}
    try:
        outcome = revision_services.article_revise(
            actor=request.user,
            article=article,
            body=body,
            expected_version=int_or_none(request.POST.get("version")),
            note=note,
        )
    except StaleVersion:
        article.refresh_from_db()
        context = _context(
            request,
            article,
            form=form,
            conflict="Someone changed this article while you were editing it. Your text is "
            "below; compare it with the current revision and save again.",
        )
        return render_page(request, "frontend/revisions.html", context, status=409)
    except DomainError as exc:
        context = _context(request, article, form=form, errors=form_errors(exc))
        return render_page(request, "frontend/revisions.html", context, status=400)
    if outcome.revision is None:
        messages.info(request, "The text is the same as the current one: nothing was recorded.")
    else:
        counts = outcome.counts
        messages.success(
            request,
            f"Revision {outcome.revision.number} saved: {counts.get('moved', 0)} claim(s) moved, "
            f"{counts.get('changed', 0)} changed, {counts.get('lost', 0)} lost.",
        )
    return redirect("frontend:article-revisions", article_id=article.pk)


@require_POST
@member_required
def article_refetch(request: HttpRequest, article_id: int) -> HttpResponse:
    """Ask the worker to fetch the article's URL again; a changed text becomes a publisher
    update under the asker's name."""
    article = selectors.article_get(user=request.user, article_id=article_id)
    try:
        revision_services.article_refetch(
            actor=request.user,
            article=article,
            expected_version=int_or_none(request.POST.get("version")),
        )
    except StaleVersion:
        messages.error(request, "Someone changed this article meanwhile: look again and retry.")
    except DomainError as exc:
        messages.error(request, f"Could not re-fetch: {exc.message}")
    else:
        messages.success(
            request,
            "Re-fetch started: if the page's text changed, a new revision appears here "
            "(reload in a moment).",
        )
    return redirect("frontend:article-revisions", article_id=article.pk)


@require_POST
@member_required
def claim_confirm_anchor(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Confirm a moved or changed claim's place, or place a lost one at [start, end)."""
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    start = int_or_none(request.POST.get("start"))
    end = int_or_none(request.POST.get("end"))
    try:
        revision_services.claim_anchor_confirm(
            actor=request.user,
            claim=claim,
            expected_version=int_or_none(request.POST.get("version")),
            start=start,
            end=end,
        )
    except StaleVersion:
        messages.error(request, "Someone changed this claim meanwhile: look again and retry.")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The claim's place in the current text is confirmed.")
    return redirect("frontend:claim", claim_id=claim.pk)
