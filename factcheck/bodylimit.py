"""A request body over the limit is refused before anything reads it.

Django bounds a form's fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams any number of file bytes
to disk first, and its refusal of too many field bytes is a bare 400. Outside the API (which
answers its own 413 in JSON, with a limit per endpoint: ``claims.api.views.ApiView``) a request
whose declared length passes FORM_MAX_BODY_BYTES is answered 413 here, naming the limit.
A request without a length (chunked) reads as empty in Django, so the length is all there is.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html

API_PREFIX = "/api/"


def declared_length(request: HttpRequest) -> int:
    """The request's Content-Length (0 when absent or not a number)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.FORM_MAX_BODY_BYTES
        length = declared_length(request)
        if limit is not None and length > limit and not request.path.startswith(API_PREFIX):
            return too_large(length, limit)
        return self.get_response(request)


def too_large(length: int, limit: int) -> HttpResponse:
    """A 413 page that names the limit (the form is still in the browser: go back)."""
    chars = settings.ARTICLE_BODY_MAX_CHARS
    page = format_html(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Too large · Fact-check workbench</title></head><body>"
        "<h1>What you sent is too large</h1>"
        "<p>The form sent {} bytes; the limit is {} bytes. An article's text may have up to {} "
        "characters. Nothing was saved: go back, and your text is still in the form.</p>"
        "</body></html>",
        f"{length:,}",
        f"{limit:,}",
        f"{chars:,}",
    )
    return HttpResponse(page, status=413)
