"""The Django admin: moderation of the domain, accounts, and the read-only audit trail."""

from claims.admin import (  # noqa: F401  (registers the ModelAdmins)
    accounts,
    audit,
    claimreviews,
    double_review,
    moderation,
    webhooks,
)
