import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.extraction import ExtractionInputError, analyse, extract_claims
from claims.extraction.transcript import TranscriptError, analyse_transcript, decode, parse


class Command(BaseCommand):
    help = (
        "Print the claims the extractor suggests for a text file (or - for stdin). "
        "Offsets are Python string indexes (code points) into the text as read."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="UTF-8 text file, or - to read stdin")
        parser.add_argument("--json", action="store_true", help='print {"claims": [...]}')
        parser.add_argument(
            "--threshold", type=float, default=None, help="minimum check-worthiness, 0..1"
        )
        parser.add_argument(
            "--kind",
            choices=("article", "transcript"),
            default="article",
            help="transcript: speaker turns, WebVTT or SRT, scored in transcript mode",
        )
        parser.add_argument(
            "--all", action="store_true", help="every segment, suggested or not, with its score"
        )

    def handle(self, *args, **options):
        text = self._read(options["path"], transcript=options["kind"] == "transcript")
        turns = None
        try:
            if options["kind"] == "transcript":
                turns = parse(text).as_list()
                claims = analyse_transcript(
                    text, turns, threshold=options["threshold"], suggested_only=not options["all"]
                )
            else:
                run = analyse if options["all"] else extract_claims
                claims = run(text, threshold=options["threshold"])
        except (ExtractionInputError, TranscriptError) as exc:
            raise CommandError(f"{options['path']}: {exc}") from None
        if options["json"]:
            payload = {"claims": [c.as_dict() for c in claims]}
            if turns is not None:
                payload["turns"] = turns
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self._table(claims)

    def _read(self, path: str, *, transcript: bool) -> str:
        try:
            data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        if transcript:  # a transcript names the line of a bad byte, and refuses 0 bytes
            try:
                return decode(data)
            except TranscriptError as exc:
                raise CommandError(f"{path}: {exc}") from None
        try:
            # newline="" semantics: keep \r\n as is, so offsets index the exact text
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not valid UTF-8 at byte {exc.start}") from None

    def _table(self, claims) -> None:
        if not claims:
            self.stdout.write("no claims suggested")
            return
        self.stdout.write(f"{'span':>13}  {'score':>5}  {'type':<10}  {'claimant':<24}  text")
        for c in claims:
            if c.time is not None:
                self.stdout.write(f"{'':>42}at {c.time:.3f} s")
            text = " ".join(c.text.split())
            if len(text) > 90:
                text = text[:89] + "…"
            self.stdout.write(
                f"{c.start:>6}-{c.end:<6}  {c.checkworthiness:5.2f}  {c.claim_type or '-':<10}  "
                f"{(c.claimant or '-')[:24]:<24}  {text}"
            )
            for reason in c.reasons:
                self.stdout.write(f"{'':>42}- {reason}")
        self.stdout.write(f"{len(claims)} claims suggested")
