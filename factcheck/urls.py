"""Top-level URL configuration."""

import base64
import hashlib
import re
from pathlib import Path

import drf_spectacular
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from claims.views import source_snapshot_download
from factcheck.health import healthz
from frontend.sitemaps import SITEMAPS


def _swagger_style_hash() -> str:
    """The CSP hash of the one inline <style> in drf-spectacular's Swagger UI page.

    The page's scripts are files from this site (the split view serves its initialiser as one),
    so the site's policy holds there too, with this one style block allowed by its hash.
    """
    template = Path(drf_spectacular.__file__).parent / "templates/drf_spectacular/swagger_ui.html"
    found = re.search(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), re.S)
    text = found.group(1) if found else ""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


swagger_ui = csp_update({"style-src": [_swagger_style_hash()]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # An index of one sitemap per section, each paged (frontend.sitemaps says why at 2,000 URLs).
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path(
        "sources/<int:source_id>/snapshot/",
        source_snapshot_download,
        name="source-snapshot-download",
    ),
    path("api/v1/", include("claims.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", swagger_ui, name="swagger-ui"),
    path("", include("frontend.urls")),
]
