"""The default double review: the desk's page (/double-review/) and an article's
(/articles/<id>/double-review/). Members read it; editors set it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from claims import selectors
from claims.models import DoubleReviewDefault
from claims.permissions import auto_reviewers, is_editor
from claims.services.double_review import (
    double_review_default_clear,
    double_review_default_for,
    double_review_default_set,
)
from claims.services.errors import DomainError
from frontend.views.common import member_required, render_page


def _page(request: HttpRequest, article) -> HttpResponse:
    if request.method == "POST":
        try:
            if request.POST.get("action") == "clear" and article is not None:
                double_review_default_clear(actor=request.user, article=article)
                messages.success(request, "This article now follows the desk's setting.")
            else:
                choice = request.POST.get("choice", DoubleReviewDefault.Choice.LEAST_LOADED)
                named = choice == DoubleReviewDefault.Choice.NAMED
                _, applied = double_review_default_set(
                    actor=request.user,
                    article=article,
                    enabled=request.POST.get("enabled") == "on",
                    choice=choice,
                    reviewers=[request.POST.get("first", ""), request.POST.get("second", "")]
                    if named
                    else None,
                )
                messages.success(
                    request, f"Saved. {applied} open claim(s) put under double review now."
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        if article is None:
            return redirect("frontend:double-review-default")
        return redirect("frontend:article-double-review", article.pk)
    row = double_review_default_for(article=article)
    editor = is_editor(request.user)
    context = {
        "article": article,
        "row": row,
        "own": row is not None and (article is None or row.article_id == article.pk),
        "can_set": editor,
        "choices": DoubleReviewDefault.Choice.choices,
        "members": selectors.member_list() if editor else [],
        "auto_reviewers": auto_reviewers(get_user_model().objects.all())
        .distinct()
        .order_by("username")
        .values_list("username", flat=True)
        if editor
        else [],
    }
    return render_page(request, "frontend/double_review_default.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def desk_double_review(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@require_http_methods(["GET", "POST"])
@member_required
def article_double_review(request: HttpRequest, article_id: int) -> HttpResponse:
    return _page(request, selectors.article_get(user=request.user, article_id=article_id))
