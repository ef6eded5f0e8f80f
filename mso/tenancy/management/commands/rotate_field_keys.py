from django.core.management.base import BaseCommand, CommandError

from mso.audit.services import audit_record
from mso.crypto.keys import generate_key, key_ring
from mso.crypto.rotation import rotate_all
from mso.tenancy.models import Practice


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field (public schema and every practice schema) with the "
        "newest key of MSO_FIELD_KEYS and recompute lookup hashes. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--generate-key",
            action="store_true",
            help="Print a new random key (to put first in MSO_FIELD_KEYS) and exit.",
        )

    def handle(self, *args, **options):
        if options["generate_key"]:
            self.stdout.write(generate_key())
            return
        ring = key_ring()
        practices = Practice.objects.tenants().order_by("schema_name")
        report = rotate_all(practices)
        for count in report.counts:
            if count.rotated or count.rehashed or count.current:
                self.stdout.write(
                    f"{count.schema}: {count.field}: {count.rotated} re-encrypted, "
                    f"{count.rehashed} re-hashed, {count.current} already current"
                )
        for schema in report.skipped:
            self.stdout.write(f"{schema}: skipped (no schema yet: the practice is provisioning)")
        for schema, error in report.failed:
            self.stderr.write(f"{schema}: FAILED: {error}")
        audit_record(
            actor=None,
            action="field_keys.rotate",
            changes={
                "key_id": ring.primary_id,
                "rotated": report.rotated,
                "rehashed": report.rehashed,
                "current": report.current,
                "skipped": report.skipped,
                "failed": [schema for schema, _ in report.failed],
            },
        )
        self.stdout.write(
            f"Newest key {ring.primary_id}: {report.rotated} value(s) re-encrypted, "
            f"{report.rehashed} lookup hash(es) recomputed, {report.current} already current."
        )
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} practice schema(s) could not be rotated; keep the old "
                "key in MSO_FIELD_KEYS, fix them and run the command again."
            )
