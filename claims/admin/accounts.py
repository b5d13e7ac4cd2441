"""Users and groups: only admins (superusers) see or manage them, whatever permissions say."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from claims.models import ApiToken


class SuperuserOnlyMixin:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class AccountAdmin(SuperuserOnlyMixin, UserAdmin):
    pass


class RoleGroupAdmin(SuperuserOnlyMixin, GroupAdmin):
    pass


User = get_user_model()
for model, model_admin in ((User, AccountAdmin), (Group, RoleGroupAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)


@admin.register(ApiToken)
class ApiTokenAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    """API tokens: who, what for, made and expiring when. The secret is never stored, and even its
    digest is not shown; an admin revokes a token by deleting it."""

    list_display = ["name", "prefix", "user", "created", "expiry"]
    list_filter = ["expiry"]
    search_fields = ["name", "user__username"]
    fields = ["user", "name", "prefix", "created", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False  # tokens are made by signing in at /api/v1/auth/token/

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="key starts")
    def prefix(self, token: ApiToken) -> str:
        return f"{token.token_key[:8]}…"
