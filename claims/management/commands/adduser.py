import getpass

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from claims.audit import AuditedCommand
from claims.services.errors import UserError
from claims.services.users import ROLES, user_create


class Command(AuditedCommand):
    help = "Create an account with a role: reviewer, editor or admin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"one of: {', '.join(ROLES)}")
        parser.add_argument("--password", help="asked for on the terminal when omitted")
        parser.add_argument("--email", default="")

    def handle(self, *args, **options):
        password = options["password"]
        if password is None and options.get("interactive", True) and self.stdin_is_tty():
            password = getpass.getpass(f"Password for {options['username']}: ")
        if password:
            try:
                password_validation.validate_password(password)
            except ValidationError as exc:
                raise CommandError("password refused: " + " ".join(exc.messages)) from None
        try:
            user = user_create(
                username=options["username"],
                role=options["role"],
                password=password,
                email=options["email"],
            )
        except UserError as exc:
            raise CommandError(str(exc)) from None
        note = "" if password else " (no password set: it cannot sign in until one is set)"
        self.stdout.write(f"created {options['role']} {user.username!r}{note}")

    @staticmethod
    def stdin_is_tty() -> bool:
        import sys

        return sys.stdin.isatty()
