"""Per-practice backup and restore (HIPAA 164.308(a)(7)(ii)(A),(B), 164.312(c)(1)): an export
restores into a fresh practice with identical rows, and a tampered archive, an archive from a
newer release or one whose rows do not match its manifest leave nothing behind."""

import io
import json
import tarfile
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_exists

from billing import demo
from billing.models import Claim, PatientPayment, Remittance
from mso.accounts.choices import Role
from mso.accounts.models import Membership
from mso.audit.models import AuditEvent
from mso.tenancy import backup, pgtools
from mso.tenancy.models import Domain, Practice
from practices.models import Location, Patient
from tests.conftest import signed_in_client
from tests.scratch import committed, in_schema, practice_remove, scratch_practice

pytestmark = pytest.mark.django_db


def test_every_public_model_pointing_at_a_practice_is_classified():
    labels = {label for label, _, _ in backup.practice_relations()}
    assert labels == set(backup.PUBLIC_ROWS)


def _seed(world, practice: Practice) -> None:
    with in_schema(practice):
        Location.objects.create(
            name="Backup Clinic",
            address_line1="9 Oak St",
            city="Albany",
            state="NY",
            zip_code="12207-5555",
            place_of_service="11",
        )
        demo.seed_practice(
            actor=world.admin,
            provider_user=world.provider_a,
            ehr_user=world.integrator_a,
            npi_base=881000000,
            today=timezone.localdate(),
            encounters_count=40,
        )
    Membership.objects.create(user=world.manager_b, practice=practice, role=Role.PRACTICE_MANAGER)


def _digests(practice: Practice) -> dict:
    with connection.cursor() as cursor:
        return backup.schema_digests(cursor, practice.schema_name)


def _rewrite(source: Path, target: Path, *, edit=None, replace: dict | None = None) -> None:
    """Copy an archive, changing the manifest and/or members and signing it again with the
    installation's key: what an insider with the key (or a bug) could produce."""
    with tarfile.open(source) as tar:
        members = {name: tar.extractfile(name).read() for name in backup.MEMBERS}
    members.update(replace or {})
    manifest = json.loads(members["manifest.json"])
    for name in ("public.json", "schema.dump"):
        manifest["files"][name] = backup.hashlib.sha256(members[name]).hexdigest()
    if edit:
        edit(manifest)
    text = json.dumps(manifest, indent=2, sort_keys=True)
    members["manifest.json"] = text.encode()
    members["manifest.sig"] = backup._signer().sign(text).rsplit(":", 1)[1].encode()
    with tarfile.open(target, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _refused(archive: Path, slug: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("practice_restore", str(archive), "--slug", slug, stdout=StringIO())
    assert not Practice.objects.filter(slug=slug).exists()
    assert not Domain.objects.filter(domain__startswith=f"{slug}.").exists()
    assert not schema_exists(slug.replace("-", "_"))
    assert AuditEvent.objects.filter(action="practice.restore_refused", changes__slug=slug).exists()


def test_export_then_restore_into_a_fresh_practice(world, tmp_path):
    committed(lambda: _round_trip(world, tmp_path))


def _round_trip(world, tmp_path: Path) -> None:
    with scratch_practice("bkp-source", npi_seed=100000091) as source:
        _seed(world, source)
        archive = tmp_path / "source.tar.gz"
        call_command("practice_export", "--practice", source.slug, str(archive), stdout=StringIO())
        assert archive.stat().st_mode & 0o777 == 0o600  # it holds ePHI
        with tarfile.open(archive) as tar:
            manifest = json.loads(tar.extractfile("manifest.json").read())
        try:
            call_command("practice_restore", str(archive), "--slug", "bkp-copy", stdout=StringIO())
            copy = Practice.objects.get(slug="bkp-copy")
            _check_copy(world, source, copy, manifest)
        finally:
            if copy := Practice.objects.filter(slug="bkp-copy").first():
                practice_remove(copy)
        _check_refusals(source, archive, tmp_path)


def _check_copy(world, source: Practice, copy: Practice, manifest: dict) -> None:
    assert copy.schema_name == "bkp_copy" and copy.is_ready and copy.pk != source.pk
    assert (copy.name, copy.state, copy.group_npi, copy.tin) == (
        source.name,
        source.state,
        source.group_npi,
        source.tin,
    )
    # Table by table: the source now, the manifest and the restored copy agree.
    source_digests, copy_digests = _digests(source), _digests(copy)
    assert source_digests == manifest["tables"] == copy_digests
    for table in ("billing_claim", "billing_remittance", "billing_patientpayment"):
        assert copy_digests[table]["rows"] > 0, table
    assert copy.owners.count() == source.owners.count() == 1
    assert Membership.objects.get(practice=copy).user == world.manager_b
    assert Domain.objects.get(tenant=copy).domain == "bkp-copy.localhost"
    # The copy works: through the ORM in its schema and through its own host.
    with in_schema(copy):
        assert Claim.objects.count() == manifest["tables"]["billing_claim"]["rows"]
        assert Remittance.objects.exists() and PatientPayment.objects.exists()
        Patient.objects.create(
            mrn="NEW1",
            first_name="After",
            last_name="Restore",
            birth_date=timezone.localdate() - timedelta(days=9000),
            sex="F",
        )  # the id sequences were restored too: no clash with restored rows
    response = signed_in_client(world.admin, copy).get("/claims/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="practice.export", practice_id=source.pk).exists()
    restored = AuditEvent.objects.get(action="practice.restore", practice_id=copy.pk)
    assert restored.changes["source"]["slug"] == "bkp-source"


def _check_refusals(source: Practice, archive: Path, tmp_path: Path) -> None:
    # A byte changed in a member: its checksum no longer matches the manifest.
    with tarfile.open(archive) as tar:
        members = {name: tar.extractfile(name).read() for name in backup.MEMBERS}
    altered = tmp_path / "altered.tar"
    with tarfile.open(altered, "w") as tar:
        for name, data in members.items():
            if name == "public.json":
                data = data.replace(b"Dr. Test Owner", b"Dr. Evil Owner")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    _refused(altered, "bkp-altered", "Checksum mismatch for public.json")

    # The manifest edited to match, without the key: the signature fails.
    forged = tmp_path / "forged.tar"
    manifest = json.loads(members["manifest.json"])
    manifest["tables"]["billing_claim"]["rows"] += 1
    members["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(forged, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    _refused(forged, "bkp-forged", "signature does not match")

    # Signed, but the dump holds other rows than the manifest says (a patient deleted
    # since): detected after loading, and the whole restore is rolled back.
    with in_schema(source):
        payment = PatientPayment.objects.order_by("pk").first()
        PatientPayment.objects.filter(pk=payment.pk).delete()
    later = tmp_path / "later.tar"
    call_command("practice_export", "--practice", source.slug, str(later), stdout=StringIO())
    with tarfile.open(later) as tar:
        later_dump = tar.extractfile("schema.dump").read()
    mixed = tmp_path / "mixed.tar.gz"
    _rewrite(archive, mixed, replace={"schema.dump": later_dump})
    _refused(mixed, "bkp-mixed", "billing_patientpayment: expected")

    # From a newer release: a migration this code does not know.
    newer = tmp_path / "newer.tar.gz"
    _rewrite(archive, newer, edit=lambda m: m["migrations"].append(["billing", "9999_future"]))
    _refused(newer, "bkp-newer", "newer release")

    # A slug in use is refused before anything is written.
    with pytest.raises(CommandError, match="exists already"):
        call_command("practice_restore", str(archive), "--slug", source.slug, stdout=StringIO())


def test_pg_dump_matches_the_server_major_version():
    """Embedded mode (pgserver, PostgreSQL 16) and Debian's client (15) pick the right one."""
    program = pgtools.pg_program("pg_dump")
    assert pgtools._major(program) == connection.pg_version // 10000
