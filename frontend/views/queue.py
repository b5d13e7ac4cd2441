"""The editor queue: submitted verdicts, oldest first."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from claims import selectors
from claims.permissions import is_editor, may_approve_verdict
from claims.services import double_review as double_review_services
from claims.services import verdicts as verdict_services
from frontend.views.common import member_required, render_page


@require_GET
@member_required
def editor_queue(request: HttpRequest) -> HttpResponse:
    """Verdicts awaiting approval; approve, or reject with a reason."""
    if not is_editor(request.user):
        raise PermissionDenied("Only editors review verdicts.")
    verdicts = list(selectors.verdict_queue_for_editor(user=request.user)[:200])
    archived = selectors.claim_ids_with_archived_sources(claim_ids={v.claim_id for v in verdicts})
    for verdict in verdicts:
        # Why this editor may not approve it (shown instead of the button), and the sources check.
        verdict.review_blocked = may_approve_verdict(request.user, verdict)
        verdict.approve_blocked = verdict.sources_warning = None
        if verdict.review_blocked is None:
            verdict.approve_blocked = double_review_services.double_review_approve_blocker(
                verdict=verdict
            )
        blocked = verdict.review_blocked or verdict.approve_blocked
        if blocked is None and verdict.claim_id not in archived:
            if settings.VERDICT_APPROVE_REQUIRES_ARCHIVED_SOURCE:
                verdict.approve_blocked = verdict_services.SOURCES_WARNING
            else:
                verdict.sources_warning = verdict_services.SOURCES_WARNING
    moved = list(selectors.claims_for_anchor_review(user=request.user)[:200])
    return render_page(
        request,
        "frontend/queue.html",
        {"verdicts": verdicts, "anchor_reviews": moved},
        partial="frontend/_queue.html",
    )
