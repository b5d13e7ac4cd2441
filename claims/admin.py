"""Django admin registrations (moderation features grow here)."""

from django.contrib import admin

from claims.models import Article, Claim, Comment, Evidence, Rating, RatingScale, Source, Verdict


class ClaimInline(admin.TabularInline):
    model = Claim
    fields = ("start", "end", "quote", "claim_type", "status", "checkworthiness")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "published_at", "language", "ingest_status", "created_at")
    search_fields = ("title", "publisher", "url")
    readonly_fields = ("body_sha256", "seed_key", "created_at", "updated_at")
    inlines = [ClaimInline]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("__str__", "article", "status", "claim_type", "checkworthiness", "assignee")
    list_filter = ("status", "claim_type", "origin")
    search_fields = ("quote", "statement", "claimant")
    raw_id_fields = ("article", "assignee", "created_by")


admin.site.register([Source, Evidence, Verdict, Comment, RatingScale, Rating])
