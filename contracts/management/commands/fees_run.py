import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from contracts.services import fee_run_execute


class Command(BaseCommand):
    help = "Compute every practice's MSA fee for a month (idempotent; re-runs make true-ups)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            year, month = (int(part) for part in options["period"].split("-"))
            period = date(year, month, 1)
        except ValueError:
            raise CommandError("--period must look like 2026-10.") from None
        run = fee_run_execute(actor=None, period=period)
        rows = [
            {
                "practice": c.agreement.practice.slug,
                "model": c.agreement.fee_model,
                "total": str(c.total),
                "true_up": str(c.true_up),
                "flags": c.flags,
                "lines": [line["formula"] for line in c.lines],
            }
            for c in run.calculations.select_related("agreement__practice")
        ]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"period": options["period"], "fees": rows, "failures": run.failures}, indent=2
                )
            )
            return
        for row in rows:
            flags = f"  [{', '.join(row['flags'])}]" if row["flags"] else ""
            self.stdout.write(f"{row['practice']:<20} {row['model']:<22} ${row['total']}{flags}")
        for failure in run.failures:
            self.stderr.write(f"FAILED {failure['practice']}: {failure['error']}")
