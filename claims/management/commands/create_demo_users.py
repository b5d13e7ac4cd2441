from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from claims.audit import AuditedCommand
from claims.services.users import user_create

# Local demo only: refused when DEBUG is off.
DEMO_ACCOUNTS = (
    ("reviewer", "reviewer", "reviewer-demo-pass"),
    ("editor", "editor", "editor-demo-pass"),
    ("admin", "admin", "admin-demo-pass"),
)


class Command(AuditedCommand):
    help = (
        "Create the demo accounts (reviewer, editor, admin) if missing and print their passwords."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo accounts have well-known passwords; refused with DEBUG off")
        User = get_user_model()
        self.stdout.write("Demo accounts (username / password):")
        for username, role, password in DEMO_ACCOUNTS:
            if not User.objects.filter(username=username).exists():
                user_create(username=username, role=role, password=password)
            self.stdout.write(f"  {role:<9} {username} / {password}")
