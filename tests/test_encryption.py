"""Sensitive fields encrypted at rest, minimum necessary on the way out (HIPAA
164.312(a)(2)(iv), ASVS V8/V11/V14). Patient SSN (tenant schema) and the practice's ACH
account number (public schema). See docs/security.md (encryption)."""

import json
import logging
import pickle
from datetime import date

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django_tenants.utils import schema_context

from mso.accounts.services import token_create
from mso.audit.models import AuditEvent
from mso.crypto.keys import PREFIX, key_ring
from mso.crypto.sensitive import Sensitive
from mso.identifiers import aba_routing_is_valid, ssn_is_valid, ssn_masked
from mso.tenancy.models import Practice
from practices import services
from practices.models import Patient

pytestmark = pytest.mark.django_db

SSN = "512-34-6789"
SSN_DIGITS = "512346789"
ROUTING = "021000021"  # a valid ABA checksum (synthetic use)
ACCOUNT = "000123456789"


def patient_data(**extra) -> dict:
    return {
        "mrn": "ENC-1",
        "first_name": "Ada",
        "last_name": "Cipher",
        "sex": "F",
        "birth_date": date(1980, 5, 17),
        "address_line1": "1 Main St",
        "city": "Albany",
        "state": "NY",
        "zip_code": "12207",
        **extra,
    }


def raw(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def assert_absent(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text, "a sensitive value leaked"


@pytest.fixture
def patient(world):
    with schema_context(world.a.schema_name):
        return services.patient_create(actor=world.manager_a, data=patient_data(ssn=SSN))


# ------------------------------------------------------------------ pure rules


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("512-34-6789", True),
        ("512346789", True),
        ("000-12-3456", False),
        ("666-12-3456", False),
        ("900-12-3456", False),
        ("999-12-3456", False),
        ("512-00-6789", False),
        ("512-34-0000", False),
        ("51234678", False),
        ("51234678x", False),
    ],
)
def test_ssn_rules(value, valid):
    assert ssn_is_valid(value) is valid


@pytest.mark.parametrize(
    ("routing", "valid"),
    [("021000021", True), ("011000015", True), ("021000022", False), ("12345678", False)],
)
def test_aba_checksum(routing, valid):
    assert aba_routing_is_valid(routing) is valid


def test_sensitive_value_never_prints_its_plaintext():
    value = Sensitive(SSN_DIGITS, ssn_masked)
    assert str(value) == f"{value}" == "***-**-6789"
    assert SSN_DIGITS not in repr(value)
    assert value.reveal() == SSN_DIGITS
    assert value == SSN_DIGITS
    with pytest.raises(TypeError):
        json.dumps({"ssn": value})
    with pytest.raises(TypeError):
        pickle.dumps(value)


# ------------------------------------------------------------------ at rest


def test_raw_ssn_column_holds_ciphertext(world, patient):
    with schema_context(world.a.schema_name):
        [(stored, stored_hash)] = raw(
            f"SELECT ssn, ssn_hash FROM {Patient._meta.db_table} WHERE id = %s", [patient.pk]
        )
        assert stored.startswith(f"{PREFIX}{key_ring().primary_id}:")
        assert_absent(stored + stored_hash, SSN_DIGITS, SSN, "6789")
        assert stored_hash == key_ring().lookup_hash(SSN_DIGITS)
        reloaded = Patient.objects.get(pk=patient.pk)
        assert reloaded.ssn.reveal() == SSN_DIGITS
        assert repr(reloaded.ssn) == "<Sensitive: redacted>"


def test_equal_plaintexts_give_different_ciphertexts():
    ring = key_ring()
    assert ring.encrypt(SSN_DIGITS) != ring.encrypt(SSN_DIGITS)


def test_encrypted_column_refuses_value_lookups(world):
    with schema_context(world.a.schema_name), pytest.raises(FieldError):
        list(Patient.objects.filter(ssn=SSN_DIGITS))


def test_duplicate_ssn_found_through_the_keyed_hash(world, patient):
    with schema_context(world.a.schema_name), pytest.raises(services.PracticeDataError) as exc:
        services.patient_create(actor=world.manager_a, data=patient_data(mrn="ENC-2", ssn=SSN))
    assert "duplicate" in exc.value.errors["ssn"][0]
    assert_absent(str(exc.value), SSN_DIGITS, SSN)


def test_invalid_ssn_error_does_not_repeat_the_value(world):
    with schema_context(world.a.schema_name), pytest.raises(services.PracticeDataError) as exc:
        services.patient_create(actor=world.manager_a, data=patient_data(ssn="666-12-3456"))
    assert "ssn" in exc.value.errors
    assert_absent(str(exc.value), "666123456", "666-12-3456")


def test_ssn_is_optional(world):
    with schema_context(world.a.schema_name):
        patient = services.patient_create(actor=world.manager_a, data=patient_data())
        assert not Patient.objects.get(pk=patient.pk).ssn
        assert raw(f"SELECT ssn_hash FROM {Patient._meta.db_table} WHERE id = %s", [patient.pk])[
            0
        ] == ("",)


# ------------------------------------------------------------------ pages, API, audit, logs


def test_patient_pages_show_the_ssn_masked_only(world, client_for, caplog):
    client = client_for(world.manager_a, world.a)
    caplog.set_level(logging.DEBUG)
    response = client.post("/patients/", {**patient_data(mrn="ENC-P"), "ssn": SSN})
    assert response.status_code == 302
    with schema_context(world.a.schema_name):
        patient = Patient.objects.get(mrn="ENC-P")
    detail = client.get(f"/patients/{patient.pk}/").content.decode()
    assert "***-**-6789" in detail
    listing = client.get("/patients/").content.decode()
    assert "6789" not in listing
    assert_absent(detail + listing + caplog.text, SSN_DIGITS, SSN)


def test_patient_form_error_does_not_echo_the_ssn(world, client_for):
    response = client_for(world.manager_a, world.a).post(
        "/patients/", {**patient_data(mrn="ENC-E"), "ssn": "666-12-3456"}
    )
    assert response.status_code == 200
    assert "valid 9-digit SSN" in response.content.decode()
    assert_absent(response.content.decode(), "666-12-3456", "666123456")


def test_patient_api_list_has_no_ssn_and_detail_is_masked(world, client_for, caplog):
    client = client_for(world.manager_a, world.a)
    caplog.set_level(logging.DEBUG)
    body = {**patient_data(mrn="ENC-A"), "birth_date": "1980-05-17", "ssn": SSN}
    created = client.post("/api/v1/patients/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["ssn_masked"] == "***-**-6789"
    assert "ssn" not in created.json()
    listing = client.get("/api/v1/patients/?mrn=ENC-A").json()["results"]
    assert listing and not any("ssn" in key for key in listing[0])
    assert "coverages" not in listing[0]  # the list is the identifying minimum
    detail = client.get(f"/api/v1/patients/{created.json()['id']}/")
    assert detail.json()["ssn_masked"] == "***-**-6789"
    everything = created.content + listing.__repr__().encode() + detail.content
    assert_absent(everything.decode() + caplog.text, SSN_DIGITS, SSN)


def test_integrator_token_sees_the_ssn_masked_only(world, client_for, patient):
    _, plain = token_create(
        actor=world.manager_a,
        practice=world.a,
        user=world.integrator_a,
        name="EHR",
        scopes=["patients:read"],
    )
    client = client_for(None, world.a)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {plain}"
    detail = client.get(f"/api/v1/patients/{patient.pk}/")
    assert detail.status_code == 200
    assert detail.json()["ssn_masked"] == "***-**-6789"
    listing = client.get("/api/v1/patients/")
    assert_absent(detail.content.decode() + listing.content.decode(), SSN_DIGITS, SSN)


def test_api_error_does_not_echo_the_ssn(world, client_for):
    body = {**patient_data(mrn="ENC-X"), "birth_date": "1980-05-17", "ssn": "900-12-3456"}
    response = client_for(world.manager_a, world.a).post(
        "/api/v1/patients/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "ssn" in response.json()["errors"]
    assert_absent(response.content.decode(), "900-12-3456", "900123456")


def test_audit_records_that_an_ssn_was_recorded_not_its_value(world, patient):
    events = AuditEvent.objects.filter(object_type="practices.patient", object_id=str(patient.pk))
    event = events.get(action="patient.create")
    assert event.changes == {"ssn": "recorded"}
    dumped = json.dumps(list(events.values()), default=str)
    assert_absent(dumped, SSN_DIGITS, SSN)


# ------------------------------------------------------------------ the practice's bank account


def test_bank_account_is_encrypted_masked_and_audited_as_changed(world, client_for, caplog):
    client = client_for(world.admin, None)
    caplog.set_level(logging.DEBUG)
    response = client.post(
        f"/practices/{world.a.pk}/bank-account/",
        {
            "holder": "Alpha Medical Group",
            "routing_number": ROUTING,
            "account_type": "checking",
            "account_number": ACCOUNT,
        },
    )
    assert response.status_code == 302, response.content
    [(stored,)] = raw(
        f"SELECT bank_account_number FROM {Practice._meta.db_table} WHERE id = %s", [world.a.pk]
    )
    assert stored.startswith(PREFIX)
    assert_absent(stored, ACCOUNT, "6789")
    assert Practice.objects.get(pk=world.a.pk).bank_account_number.reveal() == ACCOUNT

    detail = client.get(f"/practices/{world.a.pk}/").content.decode()
    assert "****6789" in detail
    form = client.get(f"/practices/{world.a.pk}/bank-account/").content.decode()
    api = client.get("/api/v1/practices/").content.decode()
    event = AuditEvent.objects.get(action="practice.bank_account.update")
    assert event.changes["bank_account_number"] == "changed"
    assert event.practice_id == world.a.pk
    audit_dump = json.dumps(
        list(AuditEvent.objects.filter(practice_id=world.a.pk).values()), default=str
    )
    assert_absent(detail + form + api + audit_dump + caplog.text, ACCOUNT)


def test_bank_account_rules_and_no_echo(world, client_for):
    response = client_for(world.admin, None).post(
        f"/practices/{world.a.pk}/bank-account/",
        {
            "holder": "Alpha",
            "routing_number": "021000022",
            "account_type": "checking",
            "account_number": "98765432100",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "valid checksum" in html
    assert_absent(html, "98765432100")
    assert not Practice.objects.get(pk=world.a.pk).bank_account_number


@pytest.mark.parametrize("role", ["staff", "manager_a", "provider_a"])
def test_only_mso_admins_manage_the_bank_account(world, client_for, role):
    user = getattr(world, role)
    host = None if role == "staff" else world.a
    response = client_for(user, host).get(f"/practices/{world.a.pk}/bank-account/")
    assert response.status_code in (403, 404)
    if role == "staff":
        detail = client_for(user, None).get(f"/practices/{world.a.pk}/").content.decode()
        assert "Fee account" not in detail
