"""The reviewer web UI's URLs."""

from django.urls import path
from django.views.generic import RedirectView

app_name = "frontend"

urlpatterns = [
    # Until the reviewer UI lands, the workbench's front page is the admin.
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="home"),
]
