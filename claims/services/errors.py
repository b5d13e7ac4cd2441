"""Every domain error the services raise, in one module.

Each surface maps them once: the API to HTTP statuses (claims.api.errors), the UI to form errors
(frontend.views.common), the admin to messages (claims.admin.actions).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every refusal a service makes; ``message`` is safe to show to the user."""

    code = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UserError(DomainError):
    """An account cannot be created as asked; the message says why."""

    code = "invalid_account"


class PermissionDenied(DomainError):
    """The actor's role does not allow this action (HTTP 403)."""

    code = "permission_denied"


class NotFound(DomainError):
    """The object does not exist or the actor may not see it (HTTP 404)."""

    code = "not_found"


class InvalidTransition(DomainError):
    """The object is in a state from which this action is not possible (HTTP 409)."""

    code = "invalid_transition"

    def __init__(self, message: str, *, current_state: str = ""):
        super().__init__(message)
        self.current_state = current_state


class ValidationError(DomainError):
    """An input value is wrong; ``field`` names it (HTTP 400)."""

    code = "invalid"

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field

    def as_dict(self) -> dict[str, list[str]]:
        return {self.field: [self.message]}


class StaleVersion(DomainError):
    """The caller edited an older version than the one stored (HTTP 412)."""

    code = "stale_version"

    def __init__(self, *, current_version: int, current: dict[str, Any] | None = None):
        super().__init__(
            f"this was changed by someone else meanwhile: the current version is {current_version}"
        )
        self.current_version = current_version
        self.current = current or {}
