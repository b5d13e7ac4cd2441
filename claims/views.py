"""Views served by the claims app itself (outside the API and the reviewer UI)."""

from __future__ import annotations

import gzip
import re

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from claims.selectors import source_snapshot_latest

# The archived page is someone else's markup: it must never run as part of this site.
SNAPSHOT_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
}
_EXTENSIONS = {
    "text/html": "html",
    "application/xhtml+xml": "xhtml",
    "text/plain": "txt",
    "application/pdf": "pdf",
}


@require_GET
def source_snapshot_download(request: HttpRequest, source_id: int) -> HttpResponse:
    """The latest archived copy of a source, always as a download (?format=text: its text)."""
    snapshot = source_snapshot_latest(user=request.user, source_id=source_id)
    if snapshot is None:
        raise Http404("No archived copy of this source is available to you.")
    stamp = f"{snapshot.fetched_at:%Y%m%dT%H%M%SZ}"
    if request.GET.get("format") == "text":
        body = snapshot.text.encode("utf-8")
        content_type, extension = "text/plain; charset=utf-8", "txt"
    else:
        body = gzip.decompress(bytes(snapshot.raw_gzip))
        content_type = "application/octet-stream"
        extension = _EXTENSIONS.get(snapshot.content_type, "bin")
    response = HttpResponse(body, content_type=content_type)
    for name, value in SNAPSHOT_HEADERS.items():
        response[name] = value
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", f"source-{source_id}-{stamp}.{extension}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
