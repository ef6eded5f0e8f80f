import json

from django.core.management.base import BaseCommand, CommandError

from billing.management.commands._practice import practice_schema
from compliance.choices import MatchStatus
from compliance.services import ComplianceError, exclusion_screen


class Command(BaseCommand):
    help = "Screen a practice's providers and owners against the current exclusion list."

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="Practice sub-domain (slug)")
        parser.add_argument("--json", action="store_true", help="Print a JSON summary")

    def handle(self, *args, **options):
        practice, schema = practice_schema(options["practice"])
        with schema:
            try:
                screening = exclusion_screen(actor=None)
            except ComplianceError as exc:
                raise CommandError(str(exc)) from None
            matches = [
                {
                    "subject": m.subject_name,
                    "kind": m.subject_kind,
                    "listed_as": m.listed_name,
                    "strength": m.strength,
                    "status": m.status,
                }
                for m in screening.matches.all()
            ]
        result = {
            "practice": practice.slug,
            "screened": screening.subjects_screened,
            "matches": matches,
            "open": sum(m["status"] == MatchStatus.OPEN for m in matches),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
        else:
            self.stdout.write(
                f"{practice.slug}: screened {result['screened']}, {len(matches)} match(es), "
                f"{result['open']} to review."
            )
