import sys
from pathlib import Path

from django.core.management.base import CommandError

from claims.audit import AuditedCommand
from claims.services.claimreviews import claimreview_import_trusted
from claims.services.errors import ValidationError


class Command(AuditedCommand):
    help = (
        "Import fact-checks published as schema.org ClaimReview: one item, a JSON array, a "
        "DataFeed or JSON Lines, from PATH or - (standard input). Idempotent by the review's url."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a file, or - for standard input")

    def handle(self, *args, **options):
        path = options["path"]
        try:
            data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        try:
            report = claimreview_import_trusted(data=data)
        except ValidationError as exc:
            raise CommandError(f"nothing imported: {exc.message}") from None
        for problem in report.errors:
            self.stderr.write(f"item {problem.position}: {problem.reason}")
        self.stdout.write(
            f"created {report.created}, updated {report.updated}, rejected {len(report.errors)}"
        )
        if report.errors and not report.stored:
            raise CommandError("no item could be imported")
