"""Top-level URL configuration."""

from django.contrib import admin
from django.urls import include, path

from claims.views import source_snapshot_download
from factcheck.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "sources/<int:source_id>/snapshot/",
        source_snapshot_download,
        name="source-snapshot-download",
    ),
    path("", include("frontend.urls")),
]
