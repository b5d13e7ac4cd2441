"""Webhooks in the admin: editors see every endpoint, whether it is active or paused and why,
filter on that, take paused ones over (services.webhooks.webhook_resume) and delete them
(services.webhooks.webhook_delete). Registering stays with the API, which checks the URL and
shows the secret once; the secret is never shown here."""

from __future__ import annotations

from django.contrib import admin

from claims.admin.actions import BulkActions
from claims.models import Webhook
from claims.permissions import is_editor, webhook_owner_refusal
from claims.services import webhooks as webhook_services


class WebhookStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "active"), ("paused", "paused")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(paused_at__isnull=True)
        if self.value() == "paused":
            return queryset.filter(paused_at__isnull=False)
        return queryset


@admin.register(Webhook)
class WebhookAdmin(BulkActions, admin.ModelAdmin):
    list_display = (
        "url",
        "state",
        "paused_reason",
        "created_by",
        "event_types",
        "paused_at",
        "created_at",
    )
    list_filter = (WebhookStateFilter, "paused_reason")
    search_fields = ("url",)
    list_select_related = ("created_by",)
    fields = (
        "url",
        "event_types",
        "created_by",
        "state",
        "paused_at",
        "paused_reason",
        "paused_detail",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    actions = ["resume_selected"]

    @admin.display(description="state")
    def state(self, hook: Webhook) -> str:
        return "active" if hook.active else "paused"

    @admin.display(description="events")
    def event_types(self, hook: Webhook) -> str:
        return ", ".join(hook.events)

    def has_module_permission(self, request):
        return is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_add_permission(self, request):
        return False  # the API registers (it checks the URL and shows the secret once)

    def has_change_permission(self, request, obj=None):
        return False  # what a webhook is changes only by taking it over (the action)

    def has_delete_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_resume_permission(self, request):
        return webhook_owner_refusal(request.user) is None

    @admin.action(
        description="Take over and resume the selected paused webhooks", permissions=["resume"]
    )
    def resume_selected(self, request, queryset):
        actor = request.user
        self.apply_each(
            request,
            queryset,
            lambda hook: webhook_services.webhook_resume(actor=actor, webhook=hook),
            verb="resumed",
        )

    def delete_model(self, request, obj):
        webhook_services.webhook_delete(actor=request.user, webhook=obj)

    def delete_queryset(self, request, queryset):
        for hook in queryset:
            self.delete_model(request, hook)
