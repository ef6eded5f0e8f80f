"""Correcting practice data after it was entered: patients (demographics, SSN), coverage (member
id, subscriber, dates, ending it) and providers, through the pages and the API, with the rules
that claims already billed impose, the audit trail, and who may do it."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from mso.audit.models import AuditEvent
from practices import services
from practices.models import Coverage, Patient, Provider

from .billing.test_remittances import _submitted_claim
from .conftest import user_for_role

pytestmark = pytest.mark.django_db

SSN = "123-45-6789"
OTHER_SSN = "234-56-7890"
EDITORS = ("mso_admin", "mso_staff", "practice_manager", "integrator")
REFUSED = ("provider", "outsider")


@pytest.fixture
def in_a(world, clinic):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        yield clinic


def _event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


# --- services --------------------------------------------------------------------------------


def test_patient_update_audits_changed_fields_never_values(world, in_a):
    patient = in_a.patient
    services.patient_update(
        actor=world.staff,
        patient=patient,
        data={"address_line1": "77 Oak Ave", "zip_code": "12208", "ssn": SSN},
    )
    patient.refresh_from_db()
    assert (patient.address_line1, patient.zip_code) == ("77 Oak Ave", "12208")
    assert patient.ssn.masked == "***-**-6789"
    event = _event("patient.update")
    # The shared audit log names what changed, never the patient's old or new details.
    assert event.changes == {"address_line1": "changed", "zip_code": "changed", "ssn": "changed"}
    assert event.patient_ids == [patient.pk]
    assert "6789" not in str(event.changes)
    # A blank SSN keeps the one on file; remove_ssn deletes it.
    services.patient_update(actor=world.staff, patient=patient, data={"ssn": "", "city": "Troy"})
    patient.refresh_from_db()
    assert patient.ssn.masked == "***-**-6789" and patient.city == "Troy"
    services.patient_update(actor=world.staff, patient=patient, data={"remove_ssn": True})
    patient.refresh_from_db()
    assert not patient.ssn and patient.ssn_hash == ""
    assert _event("patient.update").changes == {"ssn": "removed"}


def test_patient_update_rules_name_the_field_and_write_nothing(world, in_a):
    patient, other = in_a.patient, in_a.dependant
    services.patient_update(actor=world.staff, patient=other, data={"ssn": OTHER_SSN})
    cases = [
        ({"mrn": other.mrn}, "mrn"),
        ({"external_id": "EHR-T1"}, None),  # its own external id is no clash
        ({"ssn": OTHER_SSN}, "ssn"),
        ({"ssn": "666-12-3456"}, "ssn"),
        ({"birth_date": timezone.localdate() + timedelta(days=1)}, "birth_date"),
        ({"state": "ZZ", "zip_code": "1"}, "state"),
        ({"first_name": " "}, "first_name"),
    ]
    for data, field in cases:
        if field is None:
            services.patient_update(actor=world.staff, patient=patient, data=data)
            continue
        with pytest.raises(services.PracticeDataError) as error:
            services.patient_update(actor=world.staff, patient=patient, data=data)
        assert field in error.value.errors, data
        assert "12-3456" not in str(error.value.errors)
    stored = Patient.objects.get(pk=patient.pk)
    assert (stored.mrn, stored.state, stored.first_name) == ("T0001", "NY", "Robin")
    assert not stored.ssn


def test_coverage_update_corrects_and_ends_a_coverage(world, in_a):
    coverage = in_a.coverage
    services.coverage_update(
        actor=world.staff,
        coverage=coverage,
        data={"member_id": "MEM999", "group_number": "G200"},
    )
    end = timezone.localdate() - timedelta(days=1)
    services.coverage_update(
        actor=world.staff, coverage=coverage, data={"effective_to": end, "is_active": False}
    )
    coverage.refresh_from_db()
    assert (coverage.member_id, coverage.effective_to, coverage.is_active) == (
        "MEM999",
        end,
        False,
    )
    assert not coverage.covers(timezone.localdate())
    event = _event("coverage.update")
    assert event.changes == {"effective_to": "changed", "is_active": "changed"}
    assert event.patient_ids == [in_a.patient.pk]
    # With the old coverage ended, another may take its priority.
    replacement = services.coverage_create(
        actor=world.staff,
        data={
            "patient": in_a.patient,
            "payer": in_a.other_payer,
            "priority": 1,
            "member_id": "NEW1",
            "effective_from": timezone.localdate(),
        },
    )
    # ...and the ended one cannot be reactivated over it.
    with pytest.raises(services.PracticeDataError) as error:
        services.coverage_update(actor=world.staff, coverage=coverage, data={"is_active": True})
    assert "priority" in error.value.errors
    assert replacement.is_active


def test_billed_coverage_keeps_its_payer_and_the_dates_of_its_claims(world, in_a):
    claim = _submitted_claim(world, in_a, days_ago=20)
    coverage = in_a.coverage
    visit = claim.encounter.date_of_service
    refused = [
        ({"payer": in_a.other_payer}, "payer"),
        ({"effective_to": visit - timedelta(days=1)}, "effective_to"),
        ({"effective_from": visit + timedelta(days=1)}, "effective_from"),
        ({"member_id": "bad id!"}, "member_id"),
    ]
    for data, field in refused:
        with pytest.raises(services.PracticeDataError) as error:
            services.coverage_update(actor=world.staff, coverage=coverage, data=data)
        assert field in error.value.errors, data
    coverage.refresh_from_db()
    assert (coverage.payer, coverage.effective_to) == (in_a.payer, None)
    # Ending it on the visit day is fine, and a coverage without claims may change payer.
    services.coverage_update(actor=world.staff, coverage=coverage, data={"effective_to": visit})
    services.coverage_update(
        actor=world.staff, coverage=in_a.dependant_coverage, data={"payer": in_a.other_payer}
    )
    assert Coverage.objects.get(pk=in_a.dependant_coverage.pk).payer == in_a.other_payer


def test_provider_update_and_the_npi_of_recorded_encounters(world, in_a):
    provider = in_a.provider
    services.provider_update(
        actor=world.staff, provider=provider, data={"credential": "DO", "taxonomy": "207R00000X"}
    )
    assert _event("provider.update").changes["credential"] == ["MD", "DO"]
    with pytest.raises(services.PracticeDataError) as error:
        services.provider_update(actor=world.staff, provider=provider, data={"taxonomy": "x"})
    assert "taxonomy" in error.value.errors
    _submitted_claim(world, in_a)
    with pytest.raises(services.PracticeDataError) as error:
        services.provider_update(actor=world.staff, provider=provider, data={"npi": "1234567893"})
    assert "Encounters were recorded" in error.value.errors["npi"][0]
    services.provider_update(actor=world.staff, provider=provider, data={"is_active": False})
    assert Provider.objects.get(pk=provider.pk).is_active is False


# --- API -------------------------------------------------------------------------------------


def test_api_patch_patient_coverage_provider(world, client_for, in_a):
    client = client_for(world.manager_a, world.a)
    response = client.patch(
        f"/api/v1/patients/{in_a.patient.pk}/",
        {"phone": "518-555-0100", "ssn": SSN},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "518-555-0100"
    assert response.json()["ssn_masked"] == "***-**-6789" and "ssn" not in response.json()
    response = client.patch(
        f"/api/v1/coverages/{in_a.coverage.pk}/",
        {"group_number": "G777"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["group_number"] == "G777"
    response = client.patch(
        f"/api/v1/providers/{in_a.provider.pk}/",
        {"credential": "DO"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["credential"] == "DO"


def test_api_bad_patches_are_field_errors(world, client_for, in_a):
    client = client_for(world.manager_a, world.a)
    cases = [
        (f"/api/v1/patients/{in_a.patient.pk}/", {"zip_code": "1"}, "zip_code"),
        (f"/api/v1/patients/{in_a.patient.pk}/", {"birth_date": "yesterday"}, "birth_date"),
        (f"/api/v1/patients/{in_a.patient.pk}/", {"mrn": in_a.dependant.mrn}, "mrn"),
        (f"/api/v1/coverages/{in_a.coverage.pk}/", {"patient": in_a.dependant.pk}, "patient"),
        (
            f"/api/v1/coverages/{in_a.coverage.pk}/",
            {"effective_to": str(date(2000, 1, 1))},
            "effective_to",
        ),
        (f"/api/v1/providers/{in_a.provider.pk}/", {"npi": "1234567890"}, "npi"),
    ]
    for path, body, field in cases:
        response = client.patch(path, body, content_type="application/json")
        assert response.status_code == 400, (path, body, response.content)
        assert field in response.json()["errors"], (body, response.json())
    in_a.patient.refresh_from_db()
    in_a.coverage.refresh_from_db()
    assert in_a.patient.zip_code == "12207-4321" and in_a.coverage.patient == in_a.patient


@pytest.mark.parametrize("role", [*EDITORS, *REFUSED])
def test_api_patch_roles(world, client_for, in_a, role):
    """Demographics and coverage are not clinical: managers and the EHR correct them, a
    provider reads them (CPOM is about clinical decisions, not this)."""
    client = client_for(user_for_role(world, role), world.a)
    for path, body in (
        (f"/api/v1/patients/{in_a.patient.pk}/", {"city": "Troy"}),
        (f"/api/v1/coverages/{in_a.coverage.pk}/", {"group_number": "G9"}),
        (f"/api/v1/providers/{in_a.provider.pk}/", {"credential": "DO"}),
    ):
        response = client.patch(path, body, content_type="application/json")
        assert response.status_code == (200 if role in EDITORS else 403), (role, path)
        read = client.get(path)
        assert read.status_code == (403 if role == "outsider" else 200), (role, path)


def test_api_get_coverage_is_an_audited_read(world, client_for, in_a):
    client = client_for(world.staff, world.a)
    assert client.get(f"/api/v1/coverages/{in_a.coverage.pk}/").status_code == 200
    event = _event("coverage.view")
    assert event.patient_ids == [in_a.patient.pk] and event.actor_id == world.staff.pk


# --- pages -----------------------------------------------------------------------------------


def _patient_form(patient, **changes) -> dict:
    data = {name: getattr(patient, name) or "" for name in services.PATIENT_FIELDS}
    return {**data, "birth_date": patient.birth_date.isoformat(), "ssn": "", **changes}


def test_patient_edit_page(world, client_for, in_a):
    client = client_for(world.manager_a, world.a)
    patient = in_a.patient
    services.patient_update(actor=world.staff, patient=patient, data={"ssn": SSN})
    page = client.get(f"/patients/{patient.pk}/edit/")
    html = page.content.decode()
    assert page.status_code == 200 and "Remove the SSN on file" in html
    assert "6789" not in html  # the SSN on file is never put in the page
    response = client.post(
        f"/patients/{patient.pk}/edit/", _patient_form(patient, city="Schenectady")
    )
    assert response.status_code == 302 and response["Location"] == f"/patients/{patient.pk}/"
    patient.refresh_from_db()
    assert patient.city == "Schenectady" and patient.ssn.masked == "***-**-6789"
    response = client.post(
        f"/patients/{patient.pk}/edit/",
        _patient_form(patient, zip_code="12", ssn="666-12-3456"),
    )
    html = response.content.decode()
    assert response.status_code == 200 and "ZIP code like" in html and "valid 9-digit SSN" in html
    assert "666-12-3456" not in html and "666123456" not in html
    assert Patient.objects.get(pk=patient.pk).zip_code == "12207-4321"


def test_coverage_and_provider_edit_pages(world, client_for, in_a):
    client = client_for(world.staff, world.a)
    coverage = in_a.coverage
    path = f"/patients/{in_a.patient.pk}/coverages/{coverage.pk}/edit/"
    assert client.get(path).status_code == 200
    form = {
        "payer": coverage.payer_id,
        "priority": 1,
        "member_id": "MEM-NEW-1",
        "group_number": "G100",
        "relationship": "18",
        "effective_from": coverage.effective_from.isoformat(),
        "effective_to": "",
        "is_active": "on",
    }
    response = client.post(path, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Coverage.objects.get(pk=coverage.pk).member_id == "MEM-NEW-1"
    # The coverage of another patient is not reachable through this patient's page.
    other = f"/patients/{in_a.patient.pk}/coverages/{in_a.dependant_coverage.pk}/edit/"
    assert client.get(other).status_code == 404
    detail = client.get(f"/patients/{in_a.patient.pk}/").content.decode()
    assert path in detail and f"/patients/{in_a.patient.pk}/edit/" in detail
    provider_path = f"/providers/{in_a.provider.pk}/edit/"
    assert provider_path in client.get("/providers/").content.decode()
    response = client.post(
        provider_path,
        {
            "first_name": "Pat",
            "last_name": "Provider",
            "credential": "DO",
            "npi": in_a.provider.npi,
            "taxonomy": "207Q00000X",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Provider.objects.get(pk=in_a.provider.pk).credential == "DO"


@pytest.mark.parametrize("role", ["mso_staff", "practice_manager", "provider", "outsider"])
def test_edit_pages_roles(world, client_for, in_a, role):
    client = client_for(user_for_role(world, role), world.a)
    paths = (
        f"/patients/{in_a.patient.pk}/edit/",
        f"/patients/{in_a.patient.pk}/coverages/{in_a.coverage.pk}/edit/",
        f"/providers/{in_a.provider.pk}/edit/",
    )
    for path in paths:
        expected = 200 if role in EDITORS else 403
        assert client.get(path).status_code == expected, (role, path)
        assert client.post(path, {"city": "X"}).status_code in (
            (200,) if role in EDITORS else (403,)
        ), (role, path)
    if role == "provider":
        detail = client.get(f"/patients/{in_a.patient.pk}/").content.decode()
        assert "/edit/" not in detail  # no edit links for who may not edit
