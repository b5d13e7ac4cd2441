"""A token-authenticated DRF endpoint for the audit tests (until the real API is merged)."""

from __future__ import annotations

from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.authentication import TokenAuthentication
from claims.models import Claim


class ClaimRestateView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request, pk: int):
        claim = Claim.objects.get(pk=pk)
        claim.statement = request.data["statement"]
        claim.save(update_fields=["statement", "updated_at"])
        return Response(status=204)


urlpatterns = [path("restate/<int:pk>/", ClaimRestateView.as_view())]
