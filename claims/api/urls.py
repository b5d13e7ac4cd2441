"""URLs of the REST API, mounted at /api/v1/."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from claims.api import double_review, notifications, stats, views, views_matching

app_name = "api"

router = SimpleRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("verdicts", views.VerdictViewSet, basename="verdict")
router.register("sources", views.SourceViewSet, basename="source")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("webhooks", notifications.WebhookViewSet, basename="webhook")

list_create = {"get": "list", "post": "create"}

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/tokens/", views.TokenListView.as_view(), name="token-list"),
    path("auth/tokens/<int:token_id>/", views.TokenRevokeView.as_view(), name="token-revoke"),
    path(
        "notifications/",
        notifications.NotificationListView.as_view(),
        name="notification-list",
    ),
    path(
        "notifications/read/",
        notifications.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path("mentions/", notifications.MentionListView.as_view(), name="mention-list"),
    path(
        "notifications/email/",
        notifications.EmailChoicesView.as_view(),
        name="notification-email",
    ),
    path(
        "claims/<int:claim_pk>/evidence/",
        views.EvidenceViewSet.as_view(list_create),
        name="claim-evidence",
    ),
    path(
        "claims/<int:claim_pk>/verdicts/",
        views.ClaimVerdictViewSet.as_view(list_create),
        name="claim-verdicts",
    ),
    path(
        "claims/<int:claim_pk>/comments/",
        views.CommentViewSet.as_view(list_create),
        name="claim-comments",
    ),
    path(
        "claims/<int:claim_pk>/matches/",
        views_matching.ClaimMatchView.as_view(),
        name="claim-matches",
    ),
    path(
        "claims/<int:claim_pk>/links/",
        views_matching.ClaimLinkListView.as_view(),
        name="claim-links",
    ),
    path(
        "claims/<int:claim_pk>/links/<int:link_pk>/",
        views_matching.ClaimLinkDetailView.as_view(),
        name="claim-link",
    ),
    path("matches/", views_matching.MatchView.as_view(), name="matches"),
    path(
        "claimreviews/import/",
        views_matching.ClaimReviewImportView.as_view(),
        name="claimreview-import",
    ),
    path(
        "double-review/default/",
        double_review.DeskDoubleReviewView.as_view(),
        name="double-review-default",
    ),
    path(
        "articles/<int:article_pk>/double-review/",
        double_review.ArticleDoubleReviewView.as_view(),
        name="article-double-review",
    ),
    path("stats/agreement/", stats.AgreementView.as_view(), name="stats-agreement"),
    path("stats/desk/", stats.DeskView.as_view(), name="stats-desk"),
    *router.urls,
    # Anything else under the API is a JSON 404, not the site's HTML page.
    re_path(r"^.*$", views.not_found, name="not-found"),
]
