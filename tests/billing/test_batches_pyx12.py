"""Files the system writes from its own claims pass pyx12 with zero errors: one claim, many
claims, secondary coverage (patient is not the subscriber), multi-line, corrected and void."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.choices import ClaimStatus
from billing.models import Claim
from billing.services import batches, claims, encounters
from practices.models import Coverage

from .test_x12_helpers import assert_pyx12_clean

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_a(world):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        yield


def _encounter(world, clinic, *, patient=None, days_ago=3, lines=None, diagnoses=("E119",)):
    encounter, _ = encounters.encounter_create(
        actor=world.integrator_a,
        data={
            "patient": patient or clinic.patient,
            "provider": clinic.provider,
            "location": clinic.location,
            "date_of_service": timezone.localdate() - timedelta(days=days_ago),
            "place_of_service": "11",
            "diagnosis_codes": list(diagnoses),
            "lines": lines
            or [
                {"procedure_code": "99213", "units": "1", "charge": None, "diagnosis_pointers": [1]}
            ],
        },
    )
    return encounter


def _batch_content() -> str:
    made = batches.batch_build_all(actor=None)
    assert len(made) == 1
    return made[0].content


def test_single_claim(world, clinic, in_a):
    claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic))
    assert_pyx12_clean(_batch_content())


def test_many_claims_and_multi_line(world, clinic, in_a):
    lines = [
        {
            "procedure_code": "99214",
            "modifiers": ["25"],
            "units": "1",
            "charge": None,
            "diagnosis_pointers": [1, 2, 3, 4],
        },
        {"procedure_code": "36415", "units": "1", "charge": None, "diagnosis_pointers": [1]},
        {"procedure_code": "80053", "units": "1", "charge": None, "diagnosis_pointers": [2]},
    ]
    for day in range(1, 26):
        claim = claims.claim_build(
            actor=world.staff,
            encounter=_encounter(
                world,
                clinic,
                days_ago=day,
                lines=lines,
                diagnoses=("E119", "I10", "E785", "K219", "F411"),
            ),
        )
        assert claim.status == ClaimStatus.READY, [f.message for f in claim.findings.all()]
    content = _batch_content()
    assert content.count("CLM*") == 25 and content.count("LX*") == 75
    assert_pyx12_clean(content)


def test_secondary_coverage_dependant(world, clinic, in_a):
    Coverage.objects.create(
        patient=clinic.dependant,
        payer=clinic.other_payer,
        priority=2,
        member_id="SEC778899",
        relationship="19",
        subscriber_first_name="Robin",
        subscriber_last_name="Testcase",
        subscriber_birth_date=clinic.dependant_coverage.subscriber_birth_date,
        subscriber_sex="F",
        effective_from=clinic.dependant_coverage.effective_from,
    )
    encounter = _encounter(world, clinic, patient=clinic.dependant)
    secondary = clinic.dependant.coverages.get(priority=2)
    claim = claims.claim_build(actor=world.staff, encounter=encounter, coverage=secondary)
    assert claim.status == ClaimStatus.READY, [f.message for f in claim.findings.all()]
    content = _batch_content()
    assert "PAT*19" in content and "SBR*S*" in content and "SBR*P*" in content
    assert_pyx12_clean(content)


def test_corrected_and_void(world, clinic, in_a):
    first = claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic))
    second = claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic, days_ago=8))
    batches.batch_build_all(actor=None)
    for claim, number in ((first, "PAYER-1"), (second, "PAYER-2")):
        claim.refresh_from_db()
        claims.claim_transition(claim=claim, to=ClaimStatus.ACCEPTED)
        Claim.objects.filter(pk=claim.pk).update(payer_claim_number=number)
        claim.refresh_from_db()
    claims.claim_correct(actor=world.staff, claim=Claim.objects.get(pk=first.pk))
    claims.claim_void(
        actor=world.staff, claim=Claim.objects.get(pk=second.pk), reason="Wrong patient"
    )
    content = _batch_content()
    assert "REF*F8*PAYER-1" in content and "REF*F8*PAYER-2" in content
    assert ":B:7*" in content and ":B:8*" in content
    assert_pyx12_clean(content)
