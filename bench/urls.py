"""The project's URLs plus a trivial JSON endpoint served the same way (DRF, token auth)."""

from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.views import ApiView


class Trivial(ApiView, APIView):
    """The floor: authentication, DRF and JSON rendering, no domain work."""

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("bench/trivial/", Trivial.as_view()),
    path("", include("factcheck.urls")),
]
