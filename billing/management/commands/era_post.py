import json

from django.core.management.base import BaseCommand, CommandError

from billing.exceptions import RemittanceError
from billing.services.remittances import era_post

from ._practice import practice_schema, read_x12


class Command(BaseCommand):
    help = "Post an 835 remittance file to the practice (all or nothing, once per payer+trace)."

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="Practice sub-domain (slug)")
        parser.add_argument("file", help="Path of the 835 file")
        parser.add_argument("--json", action="store_true", help="Print a JSON summary")

    def handle(self, *args, **options):
        name, content = read_x12(options["file"])
        practice, schema = practice_schema(options["practice"])
        with schema:
            try:
                remittance, created = era_post(actor=None, file_name=name, content=content)
            except RemittanceError as exc:
                raise CommandError(f"{name}: {exc}") from None
            result = {
                "practice": practice.slug,
                "file": name,
                "trace_number": remittance.trace_number,
                "already_posted": not created,
                **remittance.summary,
            }
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
        elif not created:
            self.stdout.write(
                f"Remittance {remittance.trace_number} was already posted; nothing changed."
            )
        else:
            self.stdout.write(
                f"Posted {remittance.trace_number}: {result['matched']} of "
                f"{result['claims']} claims matched, paid {result['paid_total']}."
            )
