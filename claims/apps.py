from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Fact-checking"

    def ready(self) -> None:
        from claims.reference import ensure_reference_data_after_migrate

        # Also after a test database flush, which empties the tables the data migration filled.
        post_migrate.connect(ensure_reference_data_after_migrate, sender=self)
