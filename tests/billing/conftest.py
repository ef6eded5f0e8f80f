"""Billing fixtures: reference data and one insured patient in practice A (per test, inside the
test's transaction)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from billing.models import FeeSchedule, FeeScheduleItem
from mso.identifiers import npi_check_digit
from mso.reference.models import Payer
from practices.models import Coverage, Location, Patient, Provider


def npi(seed: int) -> str:
    body = f"{seed:09d}"
    return body + str(npi_check_digit(body))


@dataclass
class Clinic:
    payer: Payer
    other_payer: Payer
    location: Location
    provider: Provider
    patient: Patient
    coverage: Coverage
    dependant: Patient
    dependant_coverage: Coverage


def make_clinic(world) -> Clinic:
    today = timezone.localdate()
    payer, _ = Payer.objects.get_or_create(
        payer_id="TST01",
        defaults={"name": "Test Health Plan", "filing_indicator": "CI", "timely_filing_days": 180},
    )
    other, _ = Payer.objects.get_or_create(
        payer_id="TST02",
        defaults={"name": "Second Plan", "filing_indicator": "MB", "timely_filing_days": 365},
    )
    location = Location.objects.create(
        name="Billing Test Clinic",
        address_line1="10 Main St",
        city="Albany",
        state="NY",
        zip_code="12207-1234",
        place_of_service="11",
    )
    provider = Provider.objects.create(
        first_name="Pat",
        last_name="Provider",
        credential="MD",
        npi=npi(555000001),
        taxonomy="207Q00000X",
        user=world.provider_a,
    )
    schedule = FeeSchedule.objects.create(name="Standard", effective_from=date(2020, 1, 1))
    for code, amount in {
        "99213": "130.00",
        "99214": "190.00",
        "36415": "15.00",
        "80053": "42.00",
    }.items():
        FeeScheduleItem.objects.create(
            schedule=schedule, procedure_code=code, amount=Decimal(amount)
        )
    patient = Patient.objects.create(
        mrn="T0001",
        external_id="EHR-T1",
        first_name="Robin",
        last_name="Testcase",
        birth_date=date(1970, 3, 4),
        sex="F",
        address_line1="5 Elm St",
        city="Albany",
        state="NY",
        zip_code="12207-4321",
    )
    coverage = Coverage.objects.create(
        patient=patient,
        payer=payer,
        priority=1,
        member_id="MEM123456",
        group_number="G100",
        effective_from=today - timedelta(days=400),
    )
    dependant = Patient.objects.create(
        mrn="T0002",
        first_name="Kit",
        last_name="Testcase",
        birth_date=date(2012, 6, 1),
        sex="M",
        address_line1="5 Elm St",
        city="Albany",
        state="NY",
        zip_code="12207-4321",
    )
    dependant_coverage = Coverage.objects.create(
        patient=dependant,
        payer=payer,
        priority=1,
        member_id="MEM123456",
        relationship="19",
        subscriber_first_name="Robin",
        subscriber_last_name="Testcase",
        subscriber_birth_date=date(1970, 3, 4),
        subscriber_sex="F",
        effective_from=today - timedelta(days=400),
    )
    return Clinic(
        payer, other, location, provider, patient, coverage, dependant, dependant_coverage
    )


def encounter_body(clinic: Clinic, **overrides) -> dict:
    body = {
        "external_id": "EHR-VISIT-1",
        "patient": clinic.patient.pk,
        "provider_npi": clinic.provider.npi,
        "location": clinic.location.pk,
        "date_of_service": str(timezone.localdate() - timedelta(days=3)),
        "place_of_service": "11",
        "diagnosis_codes": ["E11.9", "I10"],
        "lines": [
            {
                "procedure_code": "99214",
                "modifiers": ["25"],
                "units": "1",
                "diagnosis_pointers": [1, 2],
            },
            {"procedure_code": "36415", "units": "1", "diagnosis_pointers": [1]},
        ],
    }
    body.update(overrides)
    return body
