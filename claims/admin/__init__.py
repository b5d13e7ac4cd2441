"""The Django admin: moderation of the domain, and the read-only audit trail."""

from claims.admin import audit, moderation  # noqa: F401  (registers the ModelAdmins)
