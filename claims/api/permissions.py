"""Request-level role gates; the services apply the finer rules (four eyes, drafts, states)."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from claims.permissions import is_member


class IsMember(BasePermission):
    """Reviewers, editors and admins."""

    message = "Only reviewers and editors may do this."

    def has_permission(self, request, view) -> bool:
        return is_member(request.user)


class PublicReadMemberWrite(BasePermission):
    """Anyone reads (the selectors filter to published work); members write."""

    message = "Only reviewers and editors may do this."

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or is_member(request.user)
