"""Adding an article: by pasting its text, or by its URL (fetched in the background)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from claims import selectors
from claims.models import Article
from claims.services.articles import article_create
from claims.services.errors import DomainError, ValidationError
from frontend.views.common import form_errors, member_required, render_page

TEXT_FIELDS = ("title", "body", "publisher", "url", "kind")


@member_required
def article_new(request: HttpRequest) -> HttpResponse:
    """The add-article page and its two forms (mode=text, pasted or uploaded, or mode=url)."""
    context: dict = {"form": {}, "errors": {}, "mode": "text", "kinds": Article.Kind.choices}
    if request.method == "POST":
        mode = request.POST.get("mode", "text")
        context["mode"] = mode
        upload = None
        if mode == "url":
            # The same service as the API's: given only a URL, it is fetched in the background.
            url = request.POST.get("source_url", "").strip()
            form, fields = {"url": url, "title": "", "body": ""}, {"url": "source_url"}
            context["form"] = {"source_url": url}
        else:
            form, fields = {k: request.POST.get(k, "") for k in TEXT_FIELDS}, {}
            form["kind"] = form["kind"] or Article.Kind.ARTICLE
            context["form"] = dict(form)
            upload = request.FILES.get("file")
        try:
            if mode == "url" and not url:
                raise ValidationError("url", "Type the address of the article.")
            if upload is not None:
                form["body_bytes"] = _upload_bytes(upload, pasted=form["body"])
            article = article_create(actor=request.user, **form)
        except DomainError as exc:
            context["errors"] = form_errors(exc, fields=fields)
            return render_page(request, "frontend/article_new.html", context, status=400)
        return redirect("frontend:article", article.pk)
    return render_page(request, "frontend/article_new.html", context)


def _upload_bytes(upload, *, pasted: str) -> bytes:
    if pasted.strip():
        raise ValidationError("file", "Paste the text or upload a file, not both.")
    limit = settings.FORM_MAX_BODY_BYTES
    if upload.size > limit:
        raise ValidationError("file", f"The file is {upload.size:,} bytes; the limit is {limit:,}.")
    return upload.read()


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
