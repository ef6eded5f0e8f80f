import json

from django.core.management.base import BaseCommand

from billing.services.batches import batch_build_all

from ._practice import practice_schema


class Command(BaseCommand):
    help = "Batch the practice's ready claims into 837P files now; prints files and counts."

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="Practice sub-domain (slug)")
        parser.add_argument("--json", action="store_true", help="Print a JSON summary")

    def handle(self, *args, **options):
        practice, schema = practice_schema(options["practice"])
        with schema:
            batches = batch_build_all(actor=None)
            rows = [
                {
                    "file": b.file_name,
                    "payer_id": b.payer.payer_id,
                    "claims": b.claim_count,
                    "total_charge": str(b.total_charge),
                    "interchange_control_number": b.interchange_control_number,
                }
                for b in batches
            ]
        summary = {
            "practice": practice.slug,
            "files": rows,
            "claims": sum(r["claims"] for r in rows),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
            return
        if not rows:
            self.stdout.write("No ready claims to batch.")
        for row in rows:
            self.stdout.write(f"{row['file']}: {row['claims']} claim(s), ${row['total_charge']}")
