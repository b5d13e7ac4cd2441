from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from claims.audit import AuditedCommand
from claims.services.seeds import SeedError, seed_load_all


class Command(AuditedCommand):
    help = "Load every seed article in seeds/ (idempotent: running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", type=Path, default=Path(settings.BASE_DIR) / "seeds", help="seed folder"
        )

    def handle(self, *args, **options):
        try:
            result = seed_load_all(directory=options["dir"])
        except SeedError as exc:
            raise CommandError(f"seeds not loaded, nothing changed: {exc}") from None
        for label, articles in (
            ("created", result.created),
            ("updated", result.updated),
            ("unchanged", result.unchanged),
        ):
            for article in articles:
                self.stdout.write(
                    f"{label}: {article.seed_key} (article {article.pk}) {article.title}"
                )
        self.stdout.write(f"new suggested claims: {result.suggested_claims}")
