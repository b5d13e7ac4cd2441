"""The reviewer web UI's URLs."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from frontend.views import (
    articles,
    claims,
    double_review,
    email,
    inbox,
    matching,
    new_article,
    public,
    queue,
    revisions,
    signin,
    stats,
    workbench,
)

app_name = "frontend"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="frontend:article-list"), name="home"),
    path("accounts/login/", signin.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("articles/", articles.article_list, name="article-list"),
    path("articles/new/", new_article.article_new, name="article-new"),
    path("articles/<int:article_id>/", articles.article_workbench, name="article"),
    path("articles/<int:article_id>/ingest/", new_article.article_ingest, name="article-ingest"),
    path(
        "articles/<int:article_id>/revisions/",
        revisions.article_revisions,
        name="article-revisions",
    ),
    path("articles/<int:article_id>/correct/", revisions.article_correct, name="article-correct"),
    path("articles/<int:article_id>/refetch/", revisions.article_refetch, name="article-refetch"),
    path(
        "claims/<int:claim_id>/confirm-anchor/",
        revisions.claim_confirm_anchor,
        name="claim-confirm-anchor",
    ),
    path("articles/<int:article_id>/claims/", workbench.claim_create_view, name="claim-create"),
    path("articles/<int:article_id>/claims/bulk/", workbench.claim_bulk_view, name="claim-bulk"),
    path(
        "articles/<int:article_id>/suggest/", workbench.article_suggest_view, name="article-suggest"
    ),
    path(
        "articles/<int:article_id>/double-review/",
        double_review.article_double_review,
        name="article-double-review",
    ),
    path("double-review/", double_review.desk_double_review, name="double-review-default"),
    path("claims/<int:claim_id>/", claims.claim_detail, name="claim"),
    path("claims/<int:claim_id>/edit/", claims.claim_edit, name="claim-edit"),
    path("claims/<int:claim_id>/assign/", claims.claim_assign, name="claim-assign"),
    path(
        "claims/<int:claim_id>/double-review/",
        claims.claim_double_review,
        name="claim-double-review",
    ),
    path("claims/<int:claim_id>/accept/", workbench.claim_accept_view, name="claim-accept"),
    path("claims/<int:claim_id>/dismiss/", workbench.claim_dismiss_view, name="claim-dismiss"),
    path("claims/<int:claim_id>/evidence/", claims.evidence_panel, name="evidence"),
    path("claims/<int:claim_id>/evidence/add/", claims.evidence_add, name="evidence-add"),
    path("claims/<int:claim_id>/verdict/", claims.verdict_save, name="verdict-save"),
    path("claims/<int:claim_id>/comments/", claims.comment_add, name="comment-add"),
    path("verdicts/<int:verdict_id>/<str:step>/", claims.verdict_step, name="verdict-step"),
    path("claims/<int:claim_id>/matches/", matching.claim_matches_panel, name="claim-matches"),
    path("claims/<int:claim_id>/links/", matching.claim_link_add, name="claim-link-add"),
    path(
        "claims/<int:claim_id>/links/<int:link_id>/remove/",
        matching.claim_link_remove,
        name="claim-link-remove",
    ),
    path("check/", matching.check_text, name="check"),
    path("queue/", queue.editor_queue, name="queue"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/badge/", inbox.inbox_badge, name="inbox-badge"),
    path("inbox/read/", inbox.inbox_read, name="inbox-read"),
    path("settings/email/", email.email_settings, name="email-settings"),
    path("email/unsubscribe/<str:token>/", email.email_unsubscribe, name="email-unsubscribe"),
    path("stats/agreement/", stats.agreement_page, name="stats-agreement"),
    path("stats/desk/", stats.desk_page, name="stats-desk"),
    path("stats/desk.csv", stats.desk_csv, name="stats-desk-csv"),
    # Public pages. One integer is the old article page (redirects); two segments, a fact-check.
    path("fact-checks/", public.fact_check_index, name="public-index"),
    path("fact-checks/feed.atom", public.feed_atom, name="feed-atom"),
    path("fact-checks/feed.json", public.feed_json, name="feed-json"),
    path("fact-checks/feed.jsonld", public.feed_claim_review, name="feed-claimreview"),
    path("fact-checks/articles/<int:article_id>/", public.public_article, name="public-article"),
    path("fact-checks/<int:claim_id>/<str:slug>/", public.fact_check_detail, name="fact-check"),
    path(
        "fact-checks/<int:article_id>/",
        public.old_article_redirect,
        name="public-article-old",
    ),
    path("robots.txt", public.robots_txt, name="robots-txt"),
]
