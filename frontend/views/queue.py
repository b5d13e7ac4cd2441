"""The editor queue: submitted verdicts, oldest first."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from claims import selectors
from claims.permissions import is_editor
from frontend.views.common import member_required, render_page


@require_GET
@member_required
def editor_queue(request: HttpRequest) -> HttpResponse:
    """Verdicts awaiting approval; approve, or reject with a reason."""
    if not is_editor(request.user):
        raise PermissionDenied("Only editors review verdicts.")
    verdicts = list(selectors.verdict_queue_for_editor(user=request.user)[:200])
    return render_page(
        request, "frontend/queue.html", {"verdicts": verdicts}, partial="frontend/_queue.html"
    )
