"""E-mail choices: the settings page (per event type: immediately, daily digest, off) and the
one-click unsubscribe that an e-mail's link and its List-Unsubscribe header point at."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from claims.models import EmailMode
from claims.services import mail
from claims.services.errors import ValidationError
from frontend.views.common import member_required, render_page


def _rows(modes: dict[str, str]) -> list[dict]:
    return [{"type": k, "label": mail.label(k), "mode": v} for k, v in modes.items()]


@require_http_methods(["GET", "POST"])
@member_required
def email_settings(request: HttpRequest) -> HttpResponse:
    """Each event type's e-mail: immediately, in the daily digest, or off."""
    error = ""
    if request.method == "POST":
        chosen = {k: request.POST.get(k) for k in mail.email_types() if k in request.POST}
        try:
            mail.email_preferences_set(actor=request.user, modes=chosen)
        except ValidationError as exc:
            error = exc.message
        else:
            messages.success(request, "Your e-mail choices are saved.")
            return redirect("frontend:email-settings")
    context = {
        "rows": _rows(mail.email_modes(request.user)),
        "modes": EmailMode.choices,
        "address": request.user.email,
        "error": error,
    }
    return render_page(
        request, "frontend/email_settings.html", context, status=400 if error else 200
    )


@csrf_exempt  # the token is the proof; mail clients' one-click POST (RFC 8058) carries no cookie
@require_http_methods(["GET", "POST"])
def email_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the link stops, with a button (link scanners only GET). POST: stop it."""
    try:
        user, scope = mail.read_unsubscribe_token(token)
    except ValidationError as exc:
        return render(
            request, "frontend/email_unsubscribe.html", {"error": exc.message}, status=400
        )
    what = {
        mail.ALL_TYPES: "all e-mail from the workbench",
        mail.DIGEST_TYPES: "the daily digest",
    }.get(scope) or f"e-mails about {mail.label(scope)}"
    context = {"what": what, "address": user.email, "done": False}
    if request.method == "POST":
        mail.email_unsubscribe(token=token)
        context["done"] = True
    return render(request, "frontend/email_unsubscribe.html", context)
