"""The audit trail in the admin: read-only event lists, and each object's history page."""

from __future__ import annotations

import json

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.html import format_html_join

from claims.audit import UNKNOWN_ACTOR
from claims.models import (
    ArticleEvent,
    ClaimEvent,
    CommentEvent,
    EvidenceEvent,
    SourceEvent,
    Verdict,
    VerdictEvent,
)
from claims.permissions import visible_verdicts
from claims.selectors_audit import claim_history_for, object_history


def _value(value) -> str:
    return "—" if value is None else json.dumps(value, ensure_ascii=False)[:300]


class AuditEventAdmin(admin.ModelAdmin):
    """An event table, readable by whoever may view it and changeable by nobody."""

    list_display = ("pgh_created_at", "pgh_label", "pgh_obj_id", "actor", "changed")
    list_filter = ("pgh_label",)
    # The search box (shown because search_fields is set) is get_search_results' below: the
    # admin's own would ask for pgh_obj_id__iexact, a lookup a foreign key does not have.
    search_fields = ("pgh_obj_id",)
    search_help_text = "An object's id, or part of the name of who made the change."
    ordering = ("-pgh_created_at", "-pgh_id")
    date_hierarchy = "pgh_created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def get_search_results(self, request, queryset, search_term):
        """Each word must match: a whole number is an object's id or part of an actor's name,
        anything else part of an actor's name."""
        for term in search_term.split()[:10]:
            matches = Q(pgh_context__actor__icontains=term)
            if term.isdigit() and int(term) < 2**63:
                matches |= Q(pgh_obj_id=int(term))
            queryset = queryset.filter(matches)
        return queryset, False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="actor")
    def actor(self, event) -> str:
        return (event.pgh_context or {}).get("actor") or UNKNOWN_ACTOR

    @admin.display(description="changed (before → after)")
    def changed(self, event) -> str:
        if not event.pgh_changes:
            return ""
        return format_html_join(
            "; ",
            "{}: {} → {}",
            ((k, _value(v[0]), _value(v[1])) for k, v in sorted(event.pgh_changes.items())),
        )


class VerdictEventAdmin(AuditEventAdmin):
    def get_queryset(self, request):
        # The events of verdicts hidden from this editor (a blind double review of which they
        # are one of the two reviewers) stay hidden here too.
        visible = visible_verdicts(request.user, Verdict.objects.all()).values("pk")
        hidden = Verdict.objects.exclude(pk__in=visible).values("pk")
        return super().get_queryset(request).exclude(pgh_obj_id__in=hidden)


for _event_model in (
    ArticleEvent,
    ClaimEvent,
    SourceEvent,
    EvidenceEvent,
    CommentEvent,
):
    admin.site.register(_event_model, AuditEventAdmin)
admin.site.register(VerdictEvent, VerdictEventAdmin)


class AuditHistoryMixin:
    """Replaces the admin's "History" page of an object with its audit trail."""

    object_history_template = "admin/claims/audit_history.html"

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        is_claim = self.opts.model_name == "claim"
        entries = claim_history_for(user=request.user, claim=obj) if is_claim else None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Audit trail: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "entries": entries if entries is not None else object_history(obj=obj),
            "with_related": entries is not None,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)
