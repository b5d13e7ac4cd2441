"""Imported fact-checks (other newsrooms' ClaimReview) in the admin: find, read, hide, delete.

What was imported is read-only here: a feed is corrected by importing it again. Editors hide an
item (it stays stored and re-imports leave it hidden, but it is never offered as a match, linked
or shown) and show it again, through the service; admins may delete one that nothing links to.
Each of these is in the item's audit trail (ClaimReviewEvent).
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.core.cache import cache
from django.db.models import Count
from django.utils.html import format_html
from django.utils.text import Truncator

from claims.admin.actions import BulkActions
from claims.admin.audit import AuditEventAdmin, AuditHistoryMixin
from claims.models import ClaimReview, ClaimReviewEvent
from claims.services import claimreviews as claimreview_services


class HideReviewsForm(forms.Form):
    title, submit = "Hide imported fact-checks", "Hide"
    reason = forms.CharField(
        max_length=300, required=False, help_text="Kept in the audit trail (e.g. wrong rating)."
    )


FILTER_CACHE_SECONDS = 300


def _most_frequent(column: str, limit: int) -> list[tuple[str, str]]:
    """A column's most frequent values, for a filter's choices. Counting them reads the whole
    table (about a second at a million rows), so the list is cached for a few minutes: a new
    publisher appears in the filter a little later, and searching finds it at once."""
    key = f"claims:admin:claimreview:{column}:{limit}"
    choices = cache.get(key)
    if choices is None:
        rows = (
            ClaimReview.objects.exclude(**{column: ""})
            .values(column)
            .annotate(n=Count("id"))
            .order_by("-n", column)[:limit]
        )
        choices = [(row[column], row[column]) for row in rows]
        cache.set(key, choices, FILTER_CACHE_SECONDS)
    return choices


class RatingFilter(admin.SimpleListFilter):
    """The rating as the publisher named it (alternateName), most frequent first."""

    title = "rating"
    parameter_name = "rating"
    LIMIT = 30

    def lookups(self, request, model_admin):
        return _most_frequent("rating_name", self.LIMIT)

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(rating_name__iexact=value) if value else queryset


class PublisherFilter(admin.SimpleListFilter):
    """The reviewing organisation, most frequent first."""

    title = "publisher"
    parameter_name = "publisher"
    LIMIT = 30

    def lookups(self, request, model_admin):
        return _most_frequent("author", self.LIMIT)

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(author=value) if value else queryset


@admin.register(ClaimReview)
class ClaimReviewAdmin(BulkActions, AuditHistoryMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "claim_excerpt",
        "rating_shown",
        "author",
        "date_published",
        "language",
        "is_hidden",
    )
    list_display_links = ("id", "claim_excerpt")
    list_filter = (
        "is_hidden",
        PublisherFilter,
        RatingFilter,
        "language",
        ("date_published", admin.DateFieldListFilter),
    )
    search_fields = ("claim_reviewed", "title", "url", "claimant", "author")
    date_hierarchy = "date_published"
    ordering = ("-date_published", "-id")
    show_full_result_count = False  # no second count(*) over a million rows per page
    actions = ["hide_selected", "unhide_selected"]
    fields = (
        "url",
        "claim_reviewed",
        "title",
        "description",
        "rating_value",
        "best_rating",
        "worst_rating",
        "rating_name",
        "author",
        "claimant",
        "claim_date",
        "date_published",
        "language",
        "search_config",
        "is_hidden",
        "hidden_by",
        "hidden_at",
        "hidden_reason",
        "raw_json",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw", "search", "embedding")

    def has_add_permission(self, request):
        return False  # imported (`import_claimreviews`, the API, fetched pages), never typed in

    def delete_model(self, request, obj):
        claimreview_services.claimreview_delete(actor=request.user, reviews=[obj])

    def delete_queryset(self, request, queryset):
        claimreview_services.claimreview_delete(actor=request.user, reviews=list(queryset))

    @admin.display(description="claim reviewed", ordering="claim_reviewed")
    def claim_excerpt(self, review: ClaimReview) -> str:
        return Truncator(review.claim_reviewed).chars(90)

    @admin.display(description="rating", ordering="rating_name")
    def rating_shown(self, review: ClaimReview) -> str:
        if review.rating_name:
            return review.rating_name
        return f"{review.rating_value}/{review.best_rating}" if review.rating_value else ""

    @admin.display(description="imported document")
    def raw_json(self, review: ClaimReview) -> str:
        text = json.dumps(review.raw, ensure_ascii=False, indent=2)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)

    @admin.action(description="Hide selected fact-checks from matching", permissions=["change"])
    def hide_selected(self, request, queryset):
        def hide(review, data):
            return claimreview_services.claimreview_hide(
                actor=request.user, review=review, reason=data["reason"]
            )

        return self.apply_each_with_form(
            request, queryset, hide, verb="hidden", form_class=HideReviewsForm
        )

    @admin.action(description="Show selected fact-checks again", permissions=["change"])
    def unhide_selected(self, request, queryset):
        unhide = claimreview_services.claimreview_unhide
        actor = request.user
        self.apply_each(
            request, queryset, lambda r: unhide(actor=actor, review=r), verb="shown again"
        )


admin.site.register(ClaimReviewEvent, AuditEventAdmin)
