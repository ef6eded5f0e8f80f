"""Claims: build, scrub, status pipeline, corrections and voids, batching into 837P files."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.choices import ClaimStatus
from billing.exceptions import BillingError, TransitionError
from billing.models import Claim, ClaimBatchFile
from billing.services import batches, claims, encounters
from billing.x12.reader837 import read_837p

pytestmark = pytest.mark.django_db


def _encounter(
    world,
    clinic,
    *,
    patient=None,
    days_ago=3,
    codes=("E119", "I10"),
    procedures=("99214",),
    external_id=None,
):
    data = {
        "external_id": external_id,
        "patient": patient or clinic.patient,
        "provider": clinic.provider,
        "location": clinic.location,
        "date_of_service": timezone.localdate() - timedelta(days=days_ago),
        "place_of_service": "11",
        "diagnosis_codes": list(codes),
        "lines": [
            {
                "procedure_code": code,
                "modifiers": [],
                "units": "1",
                "charge": None,
                "diagnosis_pointers": [1],
            }
            for code in procedures
        ],
    }
    encounter, _ = encounters.encounter_create(actor=world.integrator_a, data=data)
    return encounter


@pytest.fixture
def in_a(world):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        yield


def test_clean_claim_is_ready_with_history(world, clinic, in_a):
    claim = claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic))
    assert claim.status == ClaimStatus.READY, [f.message for f in claim.findings.all()]
    assert claim.total_charge == sum(line.charge for line in claim.lines.all())
    assert [h.to_status for h in claim.history.all()] == ["draft", "ready"]
    assert claim.clinical_decided_by == world.provider_a


def test_scrub_failure_lists_findings(world, clinic, in_a):
    clinic.dependant_coverage.subscriber_birth_date = None
    clinic.dependant_coverage.save()
    claim = claims.claim_build(
        actor=world.staff, encounter=_encounter(world, clinic, patient=clinic.dependant)
    )
    assert claim.status == ClaimStatus.SCRUB_FAILED
    assert any("subscriber" in f.field for f in claim.findings.all() if f.severity == "error")


def test_timely_filing_edit(world, clinic, in_a):
    claim = claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic, days_ago=200))
    assert claim.status == ClaimStatus.SCRUB_FAILED


def test_duplicate_claim_edit(world, clinic, in_a):
    first = claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic))
    second = claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic))
    assert first.status == ClaimStatus.READY
    assert second.status == ClaimStatus.SCRUB_FAILED


def test_claim_needs_coverage(world, clinic, in_a):
    clinic.coverage.is_active = False
    clinic.coverage.save()
    with pytest.raises(BillingError) as error:
        claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic))
    assert "coverage" in error.value.errors


def test_one_live_claim_per_encounter_and_coverage(world, clinic, in_a):
    encounter = _encounter(world, clinic)
    claims.claim_build(actor=world.staff, encounter=encounter)
    with pytest.raises(BillingError):
        claims.claim_build(actor=world.staff, encounter=encounter)


def test_pipeline_refuses_illegal_moves(world, clinic, in_a):
    claim = claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic))
    with pytest.raises(TransitionError):
        claims.claim_transition(claim=claim, to=ClaimStatus.PAID, actor=world.staff)
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.READY


def test_batch_writes_one_file_per_payer_and_is_idempotent(world, clinic, in_a):
    for days in (3, 4, 5):
        claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic, days_ago=days))
    claims.claim_build(
        actor=world.staff, encounter=_encounter(world, clinic, patient=clinic.dependant)
    )
    made = batches.batch_build_all(actor=world.staff)
    assert len(made) == 1 and made[0].claim_count == 4
    assert batches.batch_build_all(actor=world.staff) == []  # nothing left: no claim twice
    batch = made[0]
    assert set(batch.claims.values_list("status", flat=True)) == {ClaimStatus.BATCHED}
    parsed = read_837p(batch.content)
    assert parsed  # the file reads back
    assert f"*{batch.interchange_control_number:09d}*" in batch.content


def test_control_numbers_are_unique_and_increase(world, clinic, in_a):
    claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic, days_ago=3))
    first = batches.batch_build_all(actor=world.staff)[0]
    claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic, days_ago=6))
    second = batches.batch_build_all(actor=world.staff)[0]
    assert second.interchange_control_number > first.interchange_control_number
    assert second.group_control_number > first.group_control_number


def test_crash_mid_batch_leaves_no_half_batch(world, clinic, in_a, monkeypatch):
    claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic))

    def boom(*args, **kwargs):
        raise RuntimeError("writer crashed")

    monkeypatch.setattr(batches, "write_837p", boom)
    with pytest.raises(RuntimeError):
        batches.batch_build_all(actor=world.staff)
    assert not ClaimBatchFile.objects.exists()
    assert Claim.objects.get().status == ClaimStatus.READY


def _accepted_claim(world, clinic):
    claim = claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic))
    batches.batch_build_all(actor=world.staff)
    claim.refresh_from_db()
    claims.claim_transition(claim=claim, to=ClaimStatus.ACCEPTED, actor=None, note="277CA")
    Claim.objects.filter(pk=claim.pk).update(payer_claim_number="PCN-777")
    claim.refresh_from_db()
    return claim


def test_corrected_claim_frequency_7(world, clinic, in_a):
    claim = _accepted_claim(world, clinic)
    replacement = claims.claim_correct(actor=world.staff, claim=claim)
    assert replacement.frequency_code == "7" and replacement.payer_claim_number == "PCN-777"
    assert replacement.status == ClaimStatus.READY, [f.message for f in replacement.findings.all()]
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.REPLACED
    batch = batches.batch_build_all(actor=world.staff)[0]
    assert "CLM*" in batch.content and ":B:7*" in batch.content
    assert "REF*F8*PCN-777" in batch.content


def test_void_claim_frequency_8(world, clinic, in_a):
    claim = _accepted_claim(world, clinic)
    with pytest.raises(BillingError):
        claims.claim_void(actor=world.staff, claim=claim, reason="")
    claims.claim_void(actor=world.staff, claim=claim, reason="Billed to wrong payer")
    void = Claim.objects.get(original_claim=claim)
    assert void.frequency_code == "8" and void.status == ClaimStatus.READY
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.VOIDED
    batch = batches.batch_build_all(actor=world.staff)[0]
    assert ":B:8*" in batch.content and "REF*F8*PCN-777" in batch.content


def test_correction_requires_payer_claim_number(world, clinic, in_a):
    claim = _accepted_claim(world, clinic)
    Claim.objects.filter(pk=claim.pk).update(payer_claim_number="")
    claim.refresh_from_db()
    with pytest.raises(BillingError) as error:
        claims.claim_correct(actor=world.staff, claim=claim)
    assert "payer_claim_number" in error.value.errors


def test_unsent_claim_void_needs_no_frequency_8(world, clinic, in_a):
    claim = claims.claim_build(actor=world.staff, encounter=_encounter(world, clinic))
    claims.claim_void(actor=world.staff, claim=claim, reason="Duplicate entry")
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.VOIDED
    assert not Claim.objects.filter(original_claim=claim).exists()
