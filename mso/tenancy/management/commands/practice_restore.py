from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mso.tenancy.backup import BackupError, practice_restore


class Command(BaseCommand):
    help = (
        "Restore a practice archive as a new practice (new slug and schema). Verifies the "
        "signed manifest, every table's row count and checksum; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--slug", required=True, help="slug of the new practice")
        parser.add_argument("--name", help="legal name (default: the archived practice's)")

    def handle(self, *args, **options):
        try:
            practice = practice_restore(
                path=options["archive"], slug=options["slug"], name=options["name"]
            )
        except BackupError as exc:
            raise CommandError(f"Restore refused, nothing was written: {exc}") from exc
        self.stdout.write(f"Restored as {practice.slug} (schema {practice.schema_name}).")
