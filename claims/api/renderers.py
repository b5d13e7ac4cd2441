"""JSON-LD renderers (ClaimReview, W3C annotations) and the Accept matching the annotations need."""

from __future__ import annotations

from django.utils.http import parse_header_parameters
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer

from claims.exports.annotations import ANNO_PROFILE


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class AnnotationRenderer(JSONRenderer):
    """JSON-LD with the Web Annotation profile; an error body is plain JSON, not an annotation."""

    media_type = ANNO_PROFILE
    format = "jsonld"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            response["Content-Type"] = "application/json"
        return super().render(data, accepted_media_type, renderer_context)


class _Range:
    """One media range of an Accept header (RFC 9110 §12.5.1)."""

    def __init__(self, token: str):
        full_type, params = parse_header_parameters(token)
        self.main, _, self.sub = full_type.partition("/")
        self.params = {k: v for k, v in params.items() if k != "q"}
        try:
            q = float(params.get("q", "1"))
        except ValueError:
            q = -1.0
        self.q = q if 0.0 <= q <= 1.0 else -1.0  # an unreadable weight drops the range
        self.specificity = 0 if self.main == "*" else 1 if self.sub == "*" else 2
        if "profile" in self.params:
            self.specificity = 3

    def matches(self, offered: _Range) -> bool:
        if self.main not in ("*", offered.main) or self.sub not in ("*", offered.sub):
            return False
        # A range without a profile matches any profile; JSON-LD's profile is a list of IRIs.
        wanted = self.params.get("profile")
        return wanted is None or offered.params.get("profile") in wanted.split()


class AnnotationNegotiation(DefaultContentNegotiation):
    """HTTP's own matching, where DRF's differs: `application/ld+json` without parameters matches
    the profiled annotation type, q-values count (0 refuses), ties go to the view's renderer order.
    Parameters other than `profile` (e.g. DRF's `indent`) do not restrict a match."""

    def select_renderer(self, request, renderers, format_suffix=None):
        fmt = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if fmt:
            renderers = self.filter_renderers(renderers, fmt)
        tokens = self.get_accept_list(request) if request.headers.get("accept") else ["*/*"]
        ranges = [r for r in map(_Range, tokens) if r.q >= 0 and r.main]
        best, best_q, best_range = None, 0.0, None
        for renderer in renderers:
            offered = _Range(renderer.media_type)
            matching = [r for r in ranges if r.matches(offered)]
            if not matching:
                continue
            top = max(r.specificity for r in matching)
            chosen = max((r for r in matching if r.specificity == top), key=lambda r: r.q)
            if chosen.q > best_q:
                best, best_q, best_range = renderer, chosen.q, chosen
        if best is None:
            raise exceptions.NotAcceptable(available_renderers=renderers)
        # DRF's JSON renderers read `indent` from the accepted type; nothing else is carried over.
        indent = best_range.params.get("indent")
        return best, best.media_type + (f"; indent={indent}" if indent else "")
