from django.core.management.base import CommandError

from claims.audit import AuditedCommand
from claims.services.webhooks import webhook_secrets_rotate


class Command(AuditedCommand):
    help = (
        "Re-encrypt every webhook secret with the first key of WEBHOOK_SECRET_KEYS. Rotation: put "
        "the new key first (keep the old one after it), run this, then drop the old key."
    )

    def handle(self, *args, **options):
        result = webhook_secrets_rotate()
        self.stdout.write(
            f"re-encrypted {result.rotated} webhook secret(s) with the first key; "
            f"{result.current} already were"
        )
        if result.unreadable:
            raise CommandError(
                f"webhooks {result.unreadable}: no key in WEBHOOK_SECRET_KEYS decrypts their "
                "secrets, so they were left as they are and cannot be delivered (each delivery "
                "fails with secret_unreadable). Put the key they were encrypted with back in "
                "WEBHOOK_SECRET_KEYS and run this again, or delete and register them again."
            )
