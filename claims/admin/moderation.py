"""Moderation in the admin. Workflow changes go through the same services as the API (so the
four-eyes rule, the state machine and the audit trail apply); direct edits are limited to fields
without workflow meaning and are guarded against concurrent changes."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from claims.admin.actions import BulkActions, refusal
from claims.admin.audit import AuditHistoryMixin
from claims.admin.concurrency import SEEN_FIELD, ConcurrencyGuardedForm, ConcurrencyGuardMixin
from claims.admin.export import claims_csv, claims_for_export
from claims.models import (
    Article,
    Claim,
    Comment,
    Evidence,
    Rating,
    RatingScale,
    Source,
    Verdict,
)
from claims.permissions import ClaimAction, claim_actions, visible_verdicts
from claims.services import articles as article_services
from claims.services import claims as claim_services
from claims.services import fetch as fetch_services
from claims.services import moderation as moderation_services
from claims.services import verdicts as verdict_services
from claims.services.errors import DomainError
from claims.services.errors import ValidationError as DomainValidationError
from claims.services.text import clean_text, clean_web_url

# --- Articles -----------------------------------------------------------------------------------


class ClaimInline(admin.TabularInline):
    model = Claim
    fields = (
        "start",
        "end",
        "quote",
        "anchor_status",
        "claim_type",
        "status",
        "checkworthiness",
        "assignee",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ArticleAdminForm(ConcurrencyGuardedForm):
    """The service's checks as form errors (http(s) URLs only; no NUL or direction controls)."""

    def clean(self):
        cleaned = super().clean()
        for name in Article.METADATA_FIELDS:
            if name in cleaned and isinstance(cleaned[name], str):
                try:
                    if name == "url":
                        cleaned[name] = clean_web_url(Article, name, cleaned[name])
                    else:
                        cleaned[name] = clean_text(Article, name, cleaned[name])
                except DomainValidationError as exc:
                    self.add_error(name, exc.message)
        return cleaned


@admin.register(Article)
class ArticleAdmin(AuditHistoryMixin, ConcurrencyGuardMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = (
        "title",
        "kind",
        "publisher",
        "published_at",
        "language",
        "ingest_status",
        "created_at",
    )
    list_filter = ("kind", "ingest_status", "language", "publisher")
    search_fields = ("title", "publisher", "url")
    date_hierarchy = "published_at"
    # The body is every claim's coordinate system: it is corrected through a revision (the
    # workbench's "text and revisions" page or the API), so everything but the metadata is
    # read-only here.
    readonly_fields = (
        "kind",
        "body",
        "revision",
        "turns",
        "ingest_status",
        "ingest_error",
        "body_sha256",
        "seed_key",
        "created_by",
        "created_at",
        "updated_at",
    )
    fields = (*Article.METADATA_FIELDS, *readonly_fields)
    raw_id_fields = ("created_by",)
    inlines = [ClaimInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False  # articles are ingested through the workbench or the API

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        changes.pop(SEEN_FIELD, None)
        article_services.article_update(actor=request.user, article=obj, **changes)


# --- Claims -------------------------------------------------------------------------------------


class DismissForm(forms.Form):
    title, submit = "Dismiss claims", "Dismiss"
    reason = forms.ChoiceField(choices=Claim.DismissalReason.choices)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


def _latest_verdict(field: str, user) -> Subquery:
    latest = (
        visible_verdicts(user, Verdict.objects.filter(claim=OuterRef("pk")))
        .exclude(status=Verdict.Status.SUPERSEDED)
        .order_by("-created_at", "-id")
    )
    return Subquery(latest.values(field)[:1])


@admin.register(Claim)
class ClaimAdmin(BulkActions, AuditHistoryMixin, ConcurrencyGuardMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "article",
        "quote_excerpt",
        "status",
        "verdict",
        "assignee",
        "checkworthiness",
    )
    list_display_links = ("id", "quote_excerpt")
    list_filter = ("status", "claim_type", "origin", "assignee", "article", "created_at")
    search_fields = ("quote", "statement", "claimant")
    list_select_related = ("article", "assignee")
    date_hierarchy = "created_at"
    actions = ["dismiss_selected", "export_csv"]
    fields = (
        "article",
        *Claim.SPAN_FIELDS,
        *Claim.ANCHOR_FIELDS,
        *Claim.DESCRIPTION_FIELDS,
        *Claim.CONTEXT_FIELDS,
        "checkworthiness",
        "reasons",
        "details",
        *Claim.WORKFLOW_FIELDS,
        "assignee",
        "created_by",
        "created_at",
        "updated_at",
    )
    # A pasted address without a scheme is taken as https (Django 6's default, set now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Only the wording is edited here; span, status and assignment follow the workflow.
    readonly_fields = tuple(
        f for f in fields if f not in (*Claim.DESCRIPTION_FIELDS, *Claim.CONTEXT_FIELDS)
    )

    def get_readonly_fields(self, request, obj=None):
        frozen = obj is not None and claim_services.claim_frozen_reason(claim=obj) is not None
        if obj is not None and (frozen or ClaimAction.EDIT not in claim_actions(request.user, obj)):
            # As the service refuses: published and dismissed claims stay, and so does a claim
            # whose verdict is under review (approval freezes what was approved).
            return self.fields
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        # The form checked (under a row lock) that nobody changed the claim since it was shown;
        # the service applies the edit and bumps the version, as the API does.
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        changes.pop(SEEN_FIELD, None)
        if "claim_date" in changes and changes["claim_date"] is None:
            changes["claim_date"] = ""  # cleared (the service reads None as unchanged)
        if changes:
            claim_services.claim_update(actor=request.user, claim=obj, **changes)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                verdict_rating=_latest_verdict("rating__label", request.user),
                verdict_status=_latest_verdict("status", request.user),
            )
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description="quote", ordering="quote")
    def quote_excerpt(self, claim: Claim) -> str:
        return Truncator(claim.quote).chars(80)

    @admin.display(description="verdict", ordering="verdict_rating")
    def verdict(self, claim: Claim) -> str:
        if not getattr(claim, "verdict_rating", None):
            return ""
        return f"{claim.verdict_rating} ({claim.verdict_status})"

    @admin.action(description="Dismiss selected claims (with a reason)", permissions=["change"])
    def dismiss_selected(self, request, queryset):
        def dismiss(claim, data):
            actor, reason, note = request.user, data["reason"], data["note"]
            return claim_services.claim_dismiss(actor=actor, claim=claim, reason=reason, note=note)

        return self.apply_each_with_form(
            request, queryset, dismiss, verb="dismissed", form_class=DismissForm
        )

    @admin.action(description="Export selected claims with verdicts and evidence (CSV)")
    def export_csv(self, request, queryset):
        claims = claims_for_export(
            queryset.order_by("article_id", "start", "id"), user=request.user
        )
        response = HttpResponse(claims_csv(claims), content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="claims-{stamp}.csv"'
        return response


# --- Verdicts: the moderation queue -------------------------------------------------------------


class RejectForm(forms.Form):
    title, submit = "Reject verdicts", "Reject"
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="The author sees it."
    )


class SubmittedFirstFilter(admin.SimpleListFilter):
    """The queue: submitted verdicts unless another status is chosen."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Verdict.Status.choices, ("all", "All")]

    def queryset(self, request, queryset):
        value = self.value() or Verdict.Status.SUBMITTED
        return queryset if value == "all" else queryset.filter(status=value)

    def choices(self, changelist):
        current = self.value() or Verdict.Status.SUBMITTED
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(Verdict)
class VerdictAdmin(BulkActions, AuditHistoryMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "claim_excerpt",
        "rating",
        "author",
        "status",
        "submitted_at",
        "reviewed_by",
    )
    list_filter = (SubmittedFirstFilter, "rating", "author")
    list_select_related = ("claim", "rating", "author", "reviewed_by")
    search_fields = ("summary", "claim_summary", "rationale", "claim__quote", "claim__statement")
    ordering = ("submitted_at", "id")
    actions = ["approve_selected", "reject_selected", "publish_selected"]
    readonly_fields = [f.name for f in Verdict._meta.fields]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # The list, the change page and the history: never a blind double review's verdict
        # to an editor who is one of its two reviewers.
        return visible_verdicts(request.user, super().get_queryset(request))

    def get_urls(self):
        review = self.admin_site.admin_view(require_POST(self.review_view))
        return [
            path("<path:object_id>/review/", review, name="claims_verdict_review"),
            *super().get_urls(),
        ]

    def review_view(self, request, object_id):
        """Approve, reject (with a reason) or publish one verdict from its page."""
        verdict = self.get_object(request, unquote(object_id))
        if verdict is None:
            raise Http404("no such verdict")
        if not self.has_change_permission(request, verdict):
            raise PermissionDenied
        try:
            seen = int(request.POST.get("version", ""))
        except ValueError:
            seen = None
        decision = request.POST.get("decision", "")
        common = {"actor": request.user, "verdict": verdict, "expected_version": seen}
        decisions = {
            "approve": lambda: verdict_services.verdict_approve(**common),
            "reject": lambda: verdict_services.verdict_reject(
                **common, reason=request.POST.get("reason", "")
            ),
            "publish": lambda: verdict_services.verdict_publish(**common),
        }
        if decision not in decisions:
            self.message_user(request, "Choose approve, reject or publish.", messages.ERROR)
        else:
            try:
                decisions[decision]()
            except DomainError as exc:
                self.message_user(request, f"Not done: {refusal(exc)}", messages.ERROR)
            else:
                done = {"approve": "approved", "reject": "rejected", "publish": "published"}
                self.message_user(request, f"Verdict {done[decision]}.", messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(
                "admin:claims_verdict_change", args=[verdict.pk], current_app=self.admin_site.name
            )
        )

    @admin.display(description="claim")
    def claim_excerpt(self, verdict: Verdict) -> str:
        return Truncator(str(verdict.claim)).chars(80)

    @admin.action(description="Approve selected verdicts", permissions=["change"])
    def approve_selected(self, request, queryset):
        approve = verdict_services.verdict_approve
        actor = request.user
        self.apply_each(
            request, queryset, lambda v: approve(actor=actor, verdict=v), verb="approved"
        )

    @admin.action(description="Reject selected verdicts (with a reason)", permissions=["change"])
    def reject_selected(self, request, queryset):
        def reject(verdict, data):
            actor, reason = request.user, data["reason"]
            return verdict_services.verdict_reject(actor=actor, verdict=verdict, reason=reason)

        return self.apply_each_with_form(
            request, queryset, reject, verb="rejected", form_class=RejectForm
        )

    @admin.action(description="Publish selected approved verdicts", permissions=["change"])
    def publish_selected(self, request, queryset):
        publish = verdict_services.verdict_publish
        actor = request.user
        self.apply_each(
            request, queryset, lambda v: publish(actor=actor, verdict=v), verb="published"
        )


# --- Sources and evidence -----------------------------------------------------------------------


@admin.register(Source)
class SourceAdmin(BulkActions, AuditHistoryMixin, ConcurrencyGuardMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "__str__",
        "fetch_status",
        "error_code",
        "http_status",
        "attempts",
        "fetched_at",
        "last_checked_at",
        "link_status",
    )
    list_filter = ("fetch_status", "error_code", "link_status")
    search_fields = ("url", "normalized_url", "final_url", "title", "publisher")
    date_hierarchy = "created_at"
    actions = ["refetch_selected"]
    editable = ("title", "publisher", "author", "published_date", "language")

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in Source._meta.fields if f.name not in self.editable]
        return [*super().get_readonly_fields(request, obj), *fields]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Re-fetch selected sources", permissions=["change"])
    def refetch_selected(self, request, queryset):
        refetch = fetch_services.source_refetch
        actor, verb = request.user, "queued for re-fetch"
        self.apply_each(request, queryset, lambda s: refetch(actor=actor, source=s), verb=verb)


@admin.register(Evidence)
class EvidenceAdmin(AuditHistoryMixin, ConcurrencyGuardMixin, admin.ModelAdmin):
    list_display = ("id", "claim", "stance", "source", "quote_found", "added_by", "created_at")
    list_filter = ("stance", "quote_found")
    search_fields = ("quoted_passage", "note", "source__url", "claim__quote")
    list_select_related = ("claim", "source", "added_by")
    raw_id_fields = ("claim", "source", "added_by")
    editable = ("stance", "note")

    def get_readonly_fields(self, request, obj=None):
        editable = self.editable
        if obj is not None and (
            obj.claim.status == Claim.Status.PUBLISHED
            or claim_services.claim_frozen_reason(claim=obj.claim) is not None
        ):
            editable = ()  # cited by a verdict under review or published: frozen
        fields = [f.name for f in Evidence._meta.fields if f.name not in editable]
        return [*super().get_readonly_fields(request, obj), *fields]

    def has_add_permission(self, request):
        return False


# --- Comments -----------------------------------------------------------------------------------


class HideForm(forms.Form):
    title, submit = "Hide comments", "Hide"
    reason = forms.CharField(max_length=300, required=False)


@admin.register(Comment)
class CommentAdmin(BulkActions, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ("id", "claim", "author", "body_excerpt", "is_hidden", "hidden_by", "created_at")
    list_filter = ("is_hidden", "author")
    search_fields = ("body", "author__username")
    list_select_related = ("claim", "author", "hidden_by")
    actions = ["hide_selected", "unhide_selected"]
    readonly_fields = [f.name for f in Comment._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description="comment")
    def body_excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(80)

    @admin.action(description="Hide selected comments (text kept)", permissions=["change"])
    def hide_selected(self, request, queryset):
        def hide(comment, data):
            actor, reason = request.user, data["reason"]
            return moderation_services.comment_hide(actor=actor, comment=comment, reason=reason)

        return self.apply_each_with_form(
            request, queryset, hide, verb="hidden", form_class=HideForm
        )

    @admin.action(description="Unhide selected comments", permissions=["change"])
    def unhide_selected(self, request, queryset):
        unhide = moderation_services.comment_unhide
        actor = request.user
        self.apply_each(
            request, queryset, lambda c: unhide(actor=actor, comment=c), verb="unhidden"
        )


# --- Rating scales: managed by admins, read by editors ------------------------------------------


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "best_rating", "worst_rating", "is_default")
    inlines = [RatingInline]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("label", "scale", "slug", "value", "position")
    list_filter = ("scale",)
