"""Reference data every installation needs: the role groups and the default rating scale."""

from __future__ import annotations

from typing import Any

REVIEWERS = "reviewers"
EDITORS = "editors"
ROLE_GROUPS = (REVIEWERS, EDITORS)

DEFAULT_SCALE = {"slug": "default", "name": "Default scale", "best_rating": 5, "worst_rating": 1}
# (slug, label, value, description); value None: off the numeric scale.
DEFAULT_RATINGS = (
    ("true", "True", 5, "The claim is accurate and nothing significant is missing."),
    ("mostly-true", "Mostly true", 4, "Accurate, but needs clarification or added detail."),
    ("half-true", "Half true", 3, "Partly accurate; leaves out important details or context."),
    ("mostly-false", "Mostly false", 2, "Contains some truth but ignores facts that change it."),
    ("false", "False", 1, "The claim is not accurate."),
    ("misleading", "Misleading", None, "Accurate in its parts but creates a false impression."),
    (
        "unverifiable",
        "Unverifiable",
        None,
        "The available evidence can neither confirm nor refute it.",
    ),
)


def ensure_reference_data(*, group_model, scale_model, rating_model) -> None:
    """Create the groups and the default rating scale if missing; never changes edited rows."""
    for name in ROLE_GROUPS:
        group_model.objects.get_or_create(name=name)
    if scale_model.objects.filter(is_default=True).exists():
        return
    scale, _ = scale_model.objects.get_or_create(
        slug=DEFAULT_SCALE["slug"], defaults={**DEFAULT_SCALE, "is_default": True}
    )
    for position, (slug, label, value, description) in enumerate(DEFAULT_RATINGS):
        rating_model.objects.get_or_create(
            scale=scale,
            slug=slug,
            defaults={
                "label": label,
                "value": value,
                "description": description,
                "position": position,
            },
        )


def ensure_reference_data_after_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate receiver."""
    from django.contrib.auth.models import Group

    from claims.models import Rating, RatingScale

    ensure_reference_data(group_model=Group, scale_model=RatingScale, rating_model=Rating)


# What editors may do in the admin (moderation): view and change the domain, read the audit trail.
# Deleting, and managing users and groups, stays with the admins (superusers).
EDITOR_PERMISSIONS = {
    "claims": {
        "article": ("view", "change"),
        "claim": ("view", "change"),
        "source": ("view", "change"),
        "evidence": ("view", "change"),
        "verdict": ("view", "change"),
        "comment": ("view", "change"),
        "claimreview": ("view", "change"),
        "ratingscale": ("view",),
        "rating": ("view",),
        "articleevent": ("view",),
        "claimevent": ("view",),
        "sourceevent": ("view",),
        "evidenceevent": ("view",),
        "verdictevent": ("view",),
        "commentevent": ("view",),
        "claimreviewevent": ("view",),
    }
}


def ensure_editor_permissions(*, group_model, permission_model) -> None:
    """Grant the editors group its moderation permissions (adds, never removes)."""
    editors, _ = group_model.objects.get_or_create(name=EDITORS)
    codenames = [
        f"{action}_{model}"
        for app_models in EDITOR_PERMISSIONS.values()
        for model, actions in app_models.items()
        for action in actions
    ]
    permissions = permission_model.objects.filter(
        content_type__app_label__in=list(EDITOR_PERMISSIONS), codename__in=codenames
    )
    editors.permissions.add(*permissions)


def ensure_editor_permissions_after_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate receiver (after auth has created the permissions, and after a test flush)."""
    from django.contrib.auth.models import Group, Permission

    ensure_editor_permissions(group_model=Group, permission_model=Permission)
