from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mso.audit.services import audit_context_reset, audit_context_set
from mso.tenancy.backup import BackupError, practice_export
from mso.tenancy.models import Practice


class Command(BaseCommand):
    help = (
        "Write one practice's archive (pg_dump of its schema, its public rows, a signed "
        "manifest of row counts and checksums). The file holds ePHI: store it encrypted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, metavar="SLUG")
        parser.add_argument("archive", type=Path, help="OUT.tar or OUT.tar.gz")

    def handle(self, *args, **options):
        practice = Practice.objects.filter(slug=options["practice"]).first()
        if practice is None:
            raise CommandError(f"No practice {options['practice']!r}.")
        token = audit_context_set(ip_address=None, channel="cli")
        try:
            manifest = practice_export(practice=practice, path=options["archive"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            audit_context_reset(token)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Exported {practice.slug}: {len(manifest['tables'])} tables, {rows} rows "
            f"-> {options['archive']}"
        )
