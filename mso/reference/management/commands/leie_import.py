import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mso.errors import FieldErrors
from mso.reference.services import exclusion_list_import


class Command(BaseCommand):
    help = "Import the OIG LEIE file (CSV) as the current exclusion list, whole or not at all."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the LEIE CSV (UPDATED.csv)")
        parser.add_argument("--json", action="store_true", help="Print a JSON summary")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            imported, created = exclusion_list_import(
                actor=None, file_name=path.name, content=path.read_bytes()
            )
        except FieldErrors as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        result = {
            "file": imported.file_name,
            "entries": imported.entry_count,
            "already_imported": not created,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
        elif created:
            self.stdout.write(f"Imported {imported.entry_count:,} exclusion list entries.")
        else:
            self.stdout.write("This file was already imported; nothing changed.")
