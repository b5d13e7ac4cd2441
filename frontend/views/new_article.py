"""Adding an article: by pasting its text, or by its URL (fetched in the background)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from claims import selectors
from claims.fetching.errors import FetchError
from claims.services.articles import article_create
from claims.services.errors import DomainError
from claims.services.sources import article_create_from_url
from claims.services.text import web_url_clean
from frontend.views.common import member_required, render_page

TEXT_FIELDS = ("title", "body", "publisher", "url")


@member_required
def article_new(request: HttpRequest) -> HttpResponse:
    """The add-article page and its two forms (mode=text or mode=url)."""
    context: dict = {"form": {}, "errors": {}, "mode": "text"}
    if request.method == "POST":
        mode = request.POST.get("mode", "text")
        context["mode"] = mode
        try:
            if mode == "url":
                url = request.POST.get("source_url", "").strip()
                context["form"] = {"source_url": url}
                url = web_url_clean("source_url", url)  # http(s), no credentials
                try:
                    article = article_create_from_url(url=url, created_by=request.user)
                except FetchError as exc:
                    context["errors"] = {"source_url": exc.message}
                    return render_page(request, "frontend/article_new.html", context, status=400)
            else:
                form = {k: request.POST.get(k, "") for k in TEXT_FIELDS}
                context["form"] = form
                article = article_create(actor=request.user, **form)
        except DomainError as exc:
            context["errors"] = {getattr(exc, "field", "general"): exc.message}
            return render_page(request, "frontend/article_new.html", context, status=400)
        return redirect("frontend:article", article.pk)
    return render_page(request, "frontend/article_new.html", context)


@require_GET
@member_required
def article_ingest(request: HttpRequest, article_id: int) -> HttpResponse:
    """The fetch progress of an article added by URL (htmx polls it until it settles)."""
    article = selectors.article_get(user=request.user, article_id=article_id)
    context = {"article": article}
    if article.ingest_status == article.IngestStatus.READY and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render_page(
        request, "frontend/workbench.html", context, partial="frontend/_ingest_status.html"
    )
