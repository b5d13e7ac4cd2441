"""The Django admin: moderation of the domain, accounts, and the read-only audit trail."""

from claims.admin import accounts, audit, claimreviews, moderation  # noqa: F401  (registers the ModelAdmins)
