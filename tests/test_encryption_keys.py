"""Field keys: rotation re-encrypts everything and is idempotent, old ciphertext stays
readable until then, a missing or wrong key fails loudly, production refuses to start
without keys. See docs/security.md (encryption)."""

import os
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from mso.audit.models import AuditEvent
from mso.crypto.keys import (
    FieldKeyError,
    derived_test_key,
    ensure_dev_key_file,
    key_id,
    key_ring,
    ring_from,
)
from mso.tenancy.banking import BankAccountInput, practice_bank_account_set
from mso.tenancy.models import Practice
from practices import services
from practices.models import Patient

from .test_encryption import ACCOUNT, ROUTING, SSN, SSN_DIGITS, patient_data

pytestmark = pytest.mark.django_db

K1 = derived_test_key("field-key-1")  # the test settings' key
K2 = derived_test_key("field-key-2")
ROOT = Path(__file__).resolve().parent.parent


def stored_key_ids(schema: str, table: str, column: str) -> set[str]:
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")
        return {value.split(":")[1] for (value,) in cursor.fetchall()}


@pytest.fixture
def encrypted_rows(world):
    """An SSN in practice A's schema and a bank account in the public schema, under K1."""
    with schema_context(world.a.schema_name):
        patient = services.patient_create(actor=world.manager_a, data=patient_data(ssn=SSN))
    practice_bank_account_set(
        actor=world.admin,
        practice=world.a,
        data=BankAccountInput(
            holder="Alpha", routing_number=ROUTING, account_type="checking", account_number=ACCOUNT
        ),
    )
    return patient


def _rotate() -> str:
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    return out.getvalue()


def test_rotation_reencrypts_everything_and_is_idempotent(world, settings, encrypted_rows):
    schema, patients, practices = world.a.schema_name, Patient._meta.db_table, "tenancy_practice"
    assert stored_key_ids(schema, patients, "ssn") == {key_id(K1)}

    settings.MSO_FIELD_KEYS = [K2, K1]
    # Before rotation: old ciphertext is still read, new writes use the newest key.
    with schema_context(schema):
        assert Patient.objects.get(pk=encrypted_rows.pk).ssn.reveal() == SSN_DIGITS
        newer = services.patient_create(
            actor=world.manager_a, data=patient_data(mrn="ENC-K2", ssn="512-34-6780")
        )
    assert stored_key_ids(schema, patients, "ssn") == {key_id(K1), key_id(K2)}

    # TOTP secrets are encrypted too; sign-ins of other tests may have left some devices.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_totpdevice WHERE secret <> ''")
        (devices,) = cursor.fetchone()
    output = _rotate()
    assert f"{2 + devices} value(s) re-encrypted" in output
    assert stored_key_ids(schema, patients, "ssn") == {key_id(K2)}
    assert stored_key_ids("public", practices, "bank_account_number") == {key_id(K2)}
    event = AuditEvent.objects.filter(action="field_keys.rotate").first()
    assert event.changes["rotated"] == 2 + devices and event.changes["key_id"] == key_id(K2)

    assert "0 value(s) re-encrypted" in _rotate()  # idempotent

    settings.MSO_FIELD_KEYS = [K2]  # the old key can now be retired
    with schema_context(schema):
        assert Patient.objects.get(pk=encrypted_rows.pk).ssn.reveal() == SSN_DIGITS
        assert Patient.objects.get(pk=newer.pk).ssn.reveal() == "512346780"
    assert Practice.objects.get(pk=world.a.pk).bank_account_number.reveal() == ACCOUNT


def test_rotation_recomputes_lookup_hashes_for_a_new_hash_key(world, settings, encrypted_rows):
    settings.MSO_FIELD_HASH_KEY = derived_test_key("hash-key-2")
    assert "1 lookup hash(es) recomputed" in _rotate()
    with schema_context(world.a.schema_name), pytest.raises(services.PracticeDataError):
        # The duplicate check works with the new hash key.
        services.patient_create(actor=world.manager_a, data=patient_data(mrn="ENC-D", ssn=SSN))


def test_a_missing_key_fails_loudly_without_revealing_the_value(world, settings, encrypted_rows):
    settings.MSO_FIELD_KEYS = [K2]
    with schema_context(world.a.schema_name), pytest.raises(FieldKeyError) as exc:
        Patient.objects.get(pk=encrypted_rows.pk)
    message = str(exc.value)
    assert f"encrypted with key {key_id(K1)}" in message
    assert "practices.Patient.ssn" in message
    assert SSN_DIGITS not in message and "enc1:" not in message
    # Rotation refuses too, and changes nothing.
    with pytest.raises(FieldKeyError):
        _rotate()
    assert stored_key_ids(world.a.schema_name, Patient._meta.db_table, "ssn") == {key_id(K1)}


def test_altered_ciphertext_fails_loudly(world, encrypted_rows):
    table = Patient._meta.db_table
    with schema_context(world.a.schema_name):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT ssn FROM {table} WHERE id = %s", [encrypted_rows.pk])
            stored = cursor.fetchone()[0]
            middle = len(stored) // 2
            flipped = "B" if stored[middle] == "A" else "A"
            altered = stored[:middle] + flipped + stored[middle + 1 :]
            cursor.execute(
                f"UPDATE {table} SET ssn = %s WHERE id = %s",
                [altered, encrypted_rows.pk],
            )
        with pytest.raises(FieldKeyError, match="wrong or the value was altered"):
            Patient.objects.get(pk=encrypted_rows.pk)


@pytest.mark.parametrize(
    ("keys", "hash_key", "message"),
    [
        ([], "", "No field encryption key is configured"),
        ([K1], "", "No lookup hash key is configured"),
        (["not-a-key"], K2, "MSO_FIELD_KEYS entry 1 is not a valid key"),
        ([K1, "short"], K2, "MSO_FIELD_KEYS entry 2 is not a valid key"),
    ],
)
def test_bad_key_configuration_is_refused(settings, keys, hash_key, message):
    settings.MSO_FIELD_KEYS, settings.MSO_FIELD_HASH_KEY = keys, hash_key
    with pytest.raises(FieldKeyError, match=message) as exc:
        key_ring()
    assert "not-a-key" not in str(exc.value)


def test_dev_key_file_is_made_once_and_private(tmp_path):
    path = tmp_path / "data" / "field-keys.json"
    ensure_dev_key_file(path)
    first = path.read_text()
    ensure_dev_key_file(path)
    assert path.read_text() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    ring = ring_from(keys=[], hash_key="", key_file=str(path))
    assert ring.decrypt(ring.encrypt("x")) == "x"


def _start_production(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MSO_FIELD_")}
    clean.update(DJANGO_SETTINGS_MODULE="mso.settings.production", DJANGO_SECRET_KEY="x" * 50)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_refuse_to_start_without_keys(tmp_path):
    missing = _start_production()
    assert missing.returncode != 0
    assert "No field encryption key is configured" in missing.stderr
    malformed = _start_production(MSO_FIELD_KEYS="nope", MSO_FIELD_HASH_KEY=K2)
    assert malformed.returncode != 0
    assert "not a valid key" in malformed.stderr
    assert _start_production(MSO_FIELD_KEYS=f"{K2},{K1}", MSO_FIELD_HASH_KEY=K1).returncode == 0
    key_file = tmp_path / "keys.json"
    ensure_dev_key_file(key_file)
    assert _start_production(MSO_FIELD_KEYS_FILE=str(key_file)).returncode == 0


def test_rotation_skips_a_practice_still_provisioning(world, settings, encrypted_rows):
    """A practice whose schema is not made yet has nothing to rotate: it is reported, and the
    practices after it are still rotated."""
    from mso.tenancy.services import practice_onboard
    from tests.conftest import practice_input

    pending, _ = practice_onboard(
        actor=None, data=practice_input("aaa-pending", npi_seed=100000019)
    )
    settings.MSO_FIELD_KEYS = [K2, K1]
    output = _rotate()
    assert f"{pending.schema_name}: skipped" in output
    assert stored_key_ids(world.a.schema_name, Patient._meta.db_table, "ssn") == {key_id(K2)}
