import json

from django.core.management.base import BaseCommand, CommandError

from billing.exceptions import AckError
from billing.services.acks import ack_apply

from ._practice import practice_schema, read_x12


class Command(BaseCommand):
    help = "Apply a 999 or 277CA acknowledgement file to the practice's batches and claims."

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="Practice sub-domain (slug)")
        parser.add_argument("file", help="Path of the 999 or 277CA file")
        parser.add_argument("--json", action="store_true", help="Print a JSON summary")

    def handle(self, *args, **options):
        name, content = read_x12(options["file"])
        practice, schema = practice_schema(options["practice"])
        with schema:
            try:
                ack, created = ack_apply(actor=None, file_name=name, content=content)
            except AckError as exc:
                raise CommandError(f"{name}: {exc}") from None
            result = {
                "practice": practice.slug,
                "file": name,
                "kind": ack.kind,
                "already_applied": not created,
                "batch": ack.batch.file_name if ack.batch else None,
                **ack.summary,
            }
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
        elif not created:
            self.stdout.write(f"{name} was already applied; nothing changed.")
        else:
            self.stdout.write(f"{ack.kind} applied: {json.dumps(ack.summary)}")
