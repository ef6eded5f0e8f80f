import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from billing.exceptions import AckError
from billing.services.acks import ack_apply

from ._practice import practice_schema


class Command(BaseCommand):
    help = "Apply a 999 or 277CA acknowledgement file to the practice's batches and claims."

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="Practice sub-domain (slug)")
        parser.add_argument("file", help="Path of the 999 or 277CA file")
        parser.add_argument("--json", action="store_true", help="Print a JSON summary")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        raw = path.read_bytes()
        if b"\x00" in raw:
            raise CommandError(f"{path.name}: a binary file, not X12 text.")
        try:
            content = raw.decode("ascii")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path.name}: byte {exc.start + 1} is not ASCII.") from None
        practice, schema = practice_schema(options["practice"])
        with schema:
            try:
                ack, created = ack_apply(actor=None, file_name=path.name, content=content)
            except AckError as exc:
                raise CommandError(f"{path.name}: {exc}") from None
            result = {
                "practice": practice.slug,
                "file": path.name,
                "kind": ack.kind,
                "already_applied": not created,
                "batch": ack.batch.file_name if ack.batch else None,
                **ack.summary,
            }
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
        elif not created:
            self.stdout.write(f"{path.name} was already applied; nothing changed.")
        else:
            self.stdout.write(f"{ack.kind} applied: {json.dumps(ack.summary)}")
