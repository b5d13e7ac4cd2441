from django.apps import AppConfig
from django.db.models.signals import post_migrate


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
