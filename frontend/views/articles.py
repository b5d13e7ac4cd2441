"""The article list and the workbench page of one article."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.safestring import mark_safe

from claims import selectors
from claims.exports.claimreview import media_fragment_url
from claims.models import Claim
from frontend.claim_list import claim_list_html
from frontend.highlight import Span, render_body
from frontend.views.common import member_required, render_page

STATUS_LABELS = dict(Claim.Status.choices)
TYPE_LABELS = dict(Claim.Type.choices)


@member_required
def article_list(request: HttpRequest) -> HttpResponse:
    """Articles with claim counts by status; search and "assigned to me"."""
    search = request.GET.get("q", "")[:200]
    mine = request.GET.get("mine") == "1"
    articles = selectors.article_list_for_review(
        user=request.user, search=search, assigned_to_user=mine
    )[:200]
    rows = [
        {
            "article": a,
            "counts": [
                (status, label, getattr(a, f"n_{status}"))
                for status, label in Claim.Status.choices
                if getattr(a, f"n_{status}")
            ],
        }
        for a in articles
    ]
    context = {"rows": rows, "q": search, "mine": mine}
    return render_page(
        request, "frontend/article_list.html", context, partial="frontend/_article_rows.html"
    )


def clock(seconds: float) -> str:
    """A cue time as a reader says it: 1:07, or 1:02:07 past the hour."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def workbench_context(request: HttpRequest, article_id: int) -> dict:
    """Everything the workbench page and its fragments show (two queries)."""
    article = selectors.article_get(user=request.user, article_id=article_id)
    claims = selectors.claim_list_for_workbench(user=request.user, article_id=article.pk)
    spans = []
    # Per-claim display values are computed here once: at 500 claims, URL reversal and filters in
    # the template loop cost more than the rest of the page.
    claim_url = reverse("frontend:claim", args=[0]).removesuffix("0/")
    # lost claims (no span in the current revision) come last and are marked nowhere
    placed = [c for c in claims if c.start is not None]
    spoken = article.spoken_at([c.start for c in placed]) if article.turns else None
    spoken_by_id = {c.pk: s for c, s in zip(placed, spoken or [], strict=False)}
    for number, claim in enumerate(claims, start=1):
        # Every attribute the template reads exists: a missing one costs the template engine a
        # dir() of the model instance (Django re-raises attribute errors of properties), and at
        # 2,000 claims four of them a claim were a third of the page's time.
        if spoken is not None:
            claim.speaker, time = spoken_by_id.get(claim.pk, (None, None))
            claim.time = "" if time is None else clock(time)
            # the moment in the recording (or the page) the transcript came from
            claim.time_url = None if time is None else media_fragment_url(article.url, time)
        else:
            claim.speaker = claim.time = ""
            claim.time_url = None
        try:
            match = claim.match_result
        except ObjectDoesNotExist:
            match = None
        claim.checked_before = match if match is not None and match.same_claim else None
        # Numbers as text: the template would localize each integer it prints (the same digits).
        claim.ref = str(claim.pk)
        claim.number = str(number)
        claim.url = f"{claim_url}{claim.pk}/"
        claim.score = "" if claim.checkworthiness is None else f"{claim.checkworthiness:.2f}"
        text = claim.statement or claim.quote_head
        claim.text = text if len(text) <= 220 else text[:219] + "…"
        if claim.start is None:
            continue
        spans.append(
            Span(
                id=claim.pk,
                number=number,
                start=claim.start,
                end=claim.end,
                status=claim.status,
                status_label=STATUS_LABELS.get(claim.status, claim.status),
            )
        )
    n_suggested = sum(1 for c in claims if c.status == Claim.Status.SUGGESTED)
    rows = [_claim_row(claim) for claim in claims]
    return {
        "article": article,
        # Each claim as a dict of what the list shows, and the list itself written in Python
        # (frontend/claim_list.py): 2,000 iterations of a template loop cost a third of the page.
        "claims": rows,
        "claim_list_html": claim_list_html(rows),
        "body_html": mark_safe(render_body(article.body, spans)),  # noqa: S308 (escaped inside)
        "n_suggested": n_suggested,
        "dismissal_reasons": Claim.DismissalReason.choices,
        "claim_types": Claim.Type.choices,
    }


def _claim_row(claim: Claim) -> dict:
    """What the claim list of the workbench reads of a claim (frontend/_workbench.html)."""
    assignee = claim.assignee
    return {
        "ref": claim.ref,
        "number": claim.number,
        "url": claim.url,
        "status": claim.status,
        "get_status_display": STATUS_LABELS.get(claim.status, claim.status),
        "claim_type": claim.claim_type,
        "get_claim_type_display": TYPE_LABELS.get(claim.claim_type, claim.claim_type),
        "score": claim.score,
        "checked_before": claim.checked_before,
        "assignee": {"get_username": assignee.get_username()} if assignee else None,
        "text": claim.text,
        "speaker": claim.speaker,
        "time": claim.time,
        "time_url": claim.time_url,
        "claimant": claim.claimant,
        "reasons": claim.reasons,
    }


@member_required
def article_workbench(request: HttpRequest, article_id: int) -> HttpResponse:
    """The article text with its claims marked in place, and the claims beside it."""
    context = workbench_context(request, article_id)
    return render_page(
        request, "frontend/workbench.html", context, partial="frontend/_workbench.html"
    )
