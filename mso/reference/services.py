"""Writes of shared reference data: importing the OIG exclusion list (LEIE)."""

import hashlib

from django.conf import settings
from django.db import connection, transaction

from mso.audit.services import audit_record
from mso.errors import FieldErrors

from . import leie
from .models import ExclusionEntry, ExclusionList

BATCH = 5000


class ExclusionListError(FieldErrors):
    """An exclusion list file that was not imported; the current list is unchanged."""


def _entries(content: bytes, file_name: str) -> list[leie.LeieEntry]:
    limit = settings.MSO_MAX_UPLOAD_BYTES
    if len(content) > limit:
        raise ExclusionListError(
            {"file": [f"{file_name} is {len(content):,} bytes; the limit is {limit:,}."]}
        )
    if b"\x00" in content:
        raise ExclusionListError({"file": [f"{file_name} is a binary file, not the LEIE CSV."]})
    try:
        return leie.read_leie(leie.decode(content))
    except leie.LeieFileError as exc:
        raise ExclusionListError(
            {"file": [f"Line {line}: {reason}." for line, reason in exc.problems]}
        ) from None


# PostgreSQL advisory lock on the list: an import holds it alone, screenings share it, so a
# screening never reads a list whose entries an import is replacing.
_LIST_LOCK = 83_541_001


def exclusion_list_lock(*, shared: bool) -> None:
    """Hold the list lock until the current transaction ends."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [_LIST_LOCK])


@transaction.atomic
def exclusion_list_import(*, actor, file_name: str, content: bytes) -> tuple[ExclusionList, bool]:
    """Make `content` (the LEIE CSV) the current exclusion list, whole or not at all. The
    current file again changes nothing and returns (that import, False); an earlier file is
    made current again."""
    digest = hashlib.sha256(content).hexdigest()
    entries = _entries(content, file_name)
    exclusion_list_lock(shared=False)
    earlier = ExclusionList.objects.filter(sha256=digest).first()
    if earlier is not None and earlier.is_current:
        return earlier, False
    # One current list: the older ones keep their row (screenings name it), not their entries.
    ExclusionEntry.objects.all().delete()
    ExclusionList.objects.update(is_current=False)
    if earlier is not None:
        earlier.is_current = True
        earlier.save(update_fields=["is_current"])
    imported = earlier or ExclusionList.objects.create(
        file_name=file_name[:200],
        sha256=digest,
        entry_count=len(entries),
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    ExclusionEntry.objects.bulk_create(
        (
            ExclusionEntry(
                exclusion_list=imported,
                line=e.line,
                last_name=e.last_name[:100],
                first_name=e.first_name[:100],
                middle_name=e.middle_name[:100],
                business_name=e.business_name[:200],
                general=e.general[:100],
                specialty=e.specialty[:100],
                upin=e.upin[:20],
                npi=e.npi,
                birth_date=e.birth_date,
                address=e.address[:200],
                city=e.city[:100],
                state=e.state[:2],
                zip_code=e.zip_code[:10],
                exclusion_type=e.exclusion_type[:20],
                exclusion_date=e.exclusion_date,
                reinstatement_date=e.reinstatement_date,
                waiver_date=e.waiver_date,
                waiver_state=e.waiver_state[:2],
                name_key=e.name_key[:200],
            )
            for e in entries
        ),
        batch_size=BATCH,
    )
    audit_record(
        actor=actor,
        action="exclusion_list.import",
        obj=imported,
        changes={
            "file_name": imported.file_name,
            "entries": len(entries),
            "sha256": digest,
            "restored": earlier is not None,
        },
    )
    return imported, True


def exclusion_list_current() -> ExclusionList | None:
    return ExclusionList.objects.filter(is_current=True).first()
