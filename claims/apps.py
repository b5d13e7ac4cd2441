from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Fact-checking"

    def ready(self) -> None:
        from claims import checks  # noqa: F401 (registers the publishing system checks)
        from claims.audit import connect_celery_signals
        from claims.reference import (
            ensure_editor_permissions_after_migrate,
            ensure_reference_data_after_migrate,
        )

        # Celery tasks write as system:<task name> in the audit trail.
        connect_celery_signals()

        # Also after a test database flush, which empties the tables the data migration filled.
        post_migrate.connect(ensure_reference_data_after_migrate, sender=self)
        post_migrate.connect(ensure_editor_permissions_after_migrate, sender=self)

        # A password change by any path revokes the user's API tokens (they also fail their
        # fingerprint check at authentication; this deletes them so the admin shows none).
        from django.contrib.auth import get_user_model

        post_save.connect(_revoke_stale_tokens, sender=get_user_model())


def _revoke_stale_tokens(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    if raw or (update_fields is not None and "password" not in update_fields):
        return
    from claims.services.tokens import api_tokens_revoke_stale

    api_tokens_revoke_stale(user=instance)
