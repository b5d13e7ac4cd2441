"""What every reviewer view shares: the member check, htmx-aware rendering, and the one mapping
of domain errors to what a form shows."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from claims.permissions import is_member
from claims.services.errors import DomainError, NotFound


def member_required(view):
    """Signed in, with a newsroom role (reviewer, editor or admin)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not is_member(request.user):
            raise PermissionDenied("Only reviewers and editors use the workbench.")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper


def render_page(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only ``partial`` when htmx asked for a fragment."""
    if partial and getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, partial, context, status=status)
    return render(request, template, context, status=status)


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def form_errors(exc: DomainError, *, fields: dict[str, str] | None = None) -> dict[str, str]:
    """A refusal as a form shows it: under the field it names, else as a general error.

    ``fields`` renames a service's field to the form's (the add-article form's ``source_url``).
    """
    field = getattr(exc, "field", None) or "general"
    return {(fields or {}).get(field, field): exc.message}
