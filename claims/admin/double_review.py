"""The default double review in the admin: the desk's row and the articles' own rows. Saving goes
through claims.services.double_review (which checks the editor and applies the default to the
open claims at once); only editors see, add, change or delete these rows."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from claims.models import DoubleReviewDefault
from claims.permissions import is_editor
from claims.services.double_review import (
    double_review_default_check,
    double_review_default_clear,
    double_review_default_set,
)
from claims.services.errors import DomainError
from claims.services.errors import ValidationError as DomainValidationError

# The service's field names as the form's (the pair of reviewers: the first one's field).
FIELD_OF = {"choice": "choice", "enabled": "enabled"}


class DoubleReviewDefaultForm(forms.ModelForm):
    class Meta:
        model = DoubleReviewDefault
        fields = ("scope", "article", "enabled", "choice", "first_reviewer", "second_reviewer")

    def clean(self):
        cleaned = super().clean()
        scope, article = cleaned.get("scope"), cleaned.get("article")
        if (scope == DoubleReviewDefault.Scope.DESK) != (article is None):
            self.add_error("article", "The desk's row has no article; an article's row names one.")
        named = [
            u.get_username()
            for u in (cleaned.get("first_reviewer"), cleaned.get("second_reviewer"))
            if u is not None
        ]
        try:
            double_review_default_check(
                enabled=bool(cleaned.get("enabled")),
                choice=cleaned.get("choice") or "",
                reviewers=named
                if cleaned.get("choice") == DoubleReviewDefault.Choice.NAMED
                else named or None,
            )
        except DomainValidationError as exc:
            self.add_error(FIELD_OF.get(exc.field, "first_reviewer"), exc.message)
        return cleaned

    def _post_clean(self):
        # The model's constraints are the service's to keep (it validates the same above).
        pass


@admin.register(DoubleReviewDefault)
class DoubleReviewDefaultAdmin(admin.ModelAdmin):
    form = DoubleReviewDefaultForm
    list_display = ("__str__", "scope", "article", "enabled", "choice", "updated_by", "updated_at")
    list_filter = ("scope", "enabled", "choice")
    raw_id_fields = ("article", "first_reviewer", "second_reviewer")
    readonly_fields = ("updated_by", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        # Which row it is cannot change: make another one instead.
        return (*self.readonly_fields, "scope", "article") if obj else self.readonly_fields

    def has_module_permission(self, request):
        return is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_add_permission(self, request):
        return is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        # The desk's row is switched off, not deleted; an article's row goes back to the desk's.
        return is_editor(request.user) and (obj is None or obj.scope != obj.Scope.DESK)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        named = data["choice"] == DoubleReviewDefault.Choice.NAMED
        try:
            row, applied = double_review_default_set(
                actor=request.user,
                article=obj.article if change else data.get("article"),
                enabled=bool(data["enabled"]),
                choice=data["choice"],
                reviewers=[
                    data["first_reviewer"].get_username(),
                    data["second_reviewer"].get_username(),
                ]
                if named
                else None,
            )
        except DomainError as exc:  # checked in the form already; a race may still refuse
            messages.error(request, exc.message)
            return
        obj.pk = row.pk
        messages.info(request, f"{applied} open claim(s) put under double review now.")

    def delete_model(self, request, obj):
        if obj.article_id is not None:
            double_review_default_clear(actor=request.user, article=obj.article)

    def delete_queryset(self, request, queryset):
        for obj in queryset.exclude(scope=DoubleReviewDefault.Scope.DESK).select_related("article"):
            self.delete_model(request, obj)
