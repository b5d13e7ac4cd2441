"""The inbox: a person's notifications, the unread count the header polls, mark read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from claims import selectors
from claims.services import notify
from claims.services.errors import ValidationError
from frontend.views.common import int_or_none, member_required, render_page

INBOX_PAGE = 100


def _inbox_context(request: HttpRequest) -> dict:
    return {
        "notifications": list(selectors.notification_list(user=request.user)[:INBOX_PAGE]),
        "unread": selectors.notification_unread_count(user=request.user),
    }


@require_GET
@member_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The newest notifications, with links to their claims."""
    return render_page(
        request, "frontend/inbox.html", _inbox_context(request), partial="frontend/_inbox.html"
    )


@require_GET
@member_required
def inbox_badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count (htmx polls it)."""
    unread = selectors.notification_unread_count(user=request.user)
    return render_page(request, "frontend/_inbox_badge.html", {"unread": unread})


@require_POST
@member_required
def inbox_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (``id``) or all of them (``all``) read."""
    error = ""
    try:
        if request.POST.get("all"):
            notify.notification_mark_read(actor=request.user, mark_all=True)
        else:
            notify.notification_mark_read(
                actor=request.user, ids=[int_or_none(request.POST.get("id"))]
            )
    except ValidationError:
        error = "Choose a notification to mark read."
    if not getattr(request, "htmx", False):
        return redirect("frontend:inbox")
    context = _inbox_context(request)
    context["error"] = error
    return render_page(
        request,
        "frontend/_inbox.html",
        context,
        status=400 if error else 200,
    )
