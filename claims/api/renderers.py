"""JSON-LD renderers (ClaimReview, W3C annotations)."""

from __future__ import annotations

from rest_framework.renderers import JSONRenderer

from claims.exports.annotations import ANNO_CONTEXT


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class AnnotationRenderer(JSONRenderer):
    media_type = f'application/ld+json; profile="{ANNO_CONTEXT}"'
    format = "jsonld"
