"""The admin site: moderators only. (Outside claims.admin, which imports models: this module is
loaded while INSTALLED_APPS is read.)"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class ModerationAdminSite(admin.AdminSite):
    """Admins and editors moderate here; reviewers (even if marked staff by mistake) never enter."""

    site_header = "Fact-check moderation"
    site_title = "Fact-check moderation"
    index_title = "Moderation"

    @property
    def login_form(self):
        """The admin's login form, refusing locked accounts (imported late: models load later)."""
        from claims.signin import admin_login_form

        return admin_login_form()

    def login(self, request, extra_context=None):
        from claims.signin import login_response_status

        response = super().login(request, extra_context)
        form = getattr(response, "context_data", {}).get("form") if response else None
        if form is not None and form.is_bound and response.status_code == 200:
            response.status_code = login_response_status(form)
        return response

    def has_permission(self, request) -> bool:
        from claims.permissions import may_use_admin  # models are not loaded when this is imported

        return may_use_admin(request.user)


class ModerationAdminConfig(AdminConfig):
    """django.contrib.admin with the moderation site as the default site."""

    default_site = "claims.admin_site.ModerationAdminSite"
