"""Posting 835 remittances: exact, all or nothing, exactly once."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.choices import ClaimStatus
from billing.era_builder import claim_outcome, era_text
from billing.exceptions import RemittanceError
from billing.models import (
    Adjustment,
    Claim,
    ClaimPayment,
    DenialCase,
    ProviderAdjustment,
    Remittance,
)
from billing.services import batches, claims, encounters
from billing.services.remittances import era_post
from practices.models import Coverage

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_a(world):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        yield


def _submitted_claim(world, clinic, *, days_ago=5, procedures=("99214", "36415")):
    encounter, _ = encounters.encounter_create(
        actor=world.integrator_a,
        data={
            "patient": clinic.patient,
            "provider": clinic.provider,
            "location": clinic.location,
            "date_of_service": timezone.localdate() - timedelta(days=days_ago),
            "place_of_service": "11",
            "diagnosis_codes": ["E119", "I10"],
            "lines": [
                {"procedure_code": code, "units": "1", "charge": None, "diagnosis_pointers": [1]}
                for code in procedures
            ],
        },
    )
    claim = claims.claim_build(actor=world.staff, encounter=encounter)
    assert claim.status == ClaimStatus.READY
    return claim


def _batched(*claim_list):
    batches.batch_build_all(actor=None)
    return [Claim.objects.get(pk=c.pk) for c in claim_list]


def _era(clinic, outcomes, trace="EFT1001", interest=Decimal("0")):
    return era_text(
        payer=clinic.payer,
        trace_number=trace,
        payment_date=timezone.localdate(),
        interest=interest,
        claims=[
            claim_outcome(c, outcome, payer_claim_number=f"PCN{c.pk}") for c, outcome in outcomes
        ],
    )


def test_paid_denied_and_partial_claims_post_exactly(world, clinic, in_a):
    paid = _submitted_claim(world, clinic, days_ago=5)
    denied = _submitted_claim(world, clinic, days_ago=6)
    partial = _submitted_claim(world, clinic, days_ago=7)
    paid, denied, partial = _batched(paid, denied, partial)
    content = _era(
        clinic,
        [(paid, "paid"), (denied, "denied:16"), (partial, "partial")],
        interest=Decimal("2.50"),
    )
    remittance, created = era_post(actor=world.staff, file_name="era.835", content=content)
    assert created
    summary = remittance.summary
    assert summary["matched"] == 3 and summary["unmatched"] == []
    # 99214 190.00 + 36415 15.00 = 205.00; allowed 80% = 164.00; PR 20% = 32.80; paid 131.20.
    assert Decimal(summary["paid_total"]) == Decimal("131.20") + Decimal("121.60")
    assert Decimal(summary["plb_total"]) == Decimal("-2.50")
    assert remittance.payment_amount == Decimal("131.20") + Decimal("121.60") + Decimal("2.50")
    statuses = {
        c.pk: c.status for c in Claim.objects.filter(pk__in=[paid.pk, denied.pk, partial.pk])
    }
    assert statuses == {
        paid.pk: ClaimStatus.PAID,
        denied.pk: ClaimStatus.DENIED,
        partial.pk: ClaimStatus.PARTIALLY_PAID,
    }
    assert Claim.objects.get(pk=paid.pk).payer_claim_number == f"PCN{paid.pk}"
    # Everything in the file is in the ledger, to the cent.
    total_paid = sum(p.paid for p in ClaimPayment.objects.filter(remittance=remittance))
    plb = sum(p.amount for p in ProviderAdjustment.objects.filter(remittance=remittance))
    assert total_paid - plb == remittance.payment_amount
    groups = {a.group for a in Adjustment.objects.filter(claim_payment__remittance=remittance)}
    assert groups == {"CO", "PR"}
    cases = DenialCase.objects.order_by("pk")
    assert [(c.claim_id, c.whole_claim) for c in cases] == [(denied.pk, True), (partial.pk, False)]
    assert cases[0].reason_codes == ["16"]


def test_same_remittance_twice_changes_nothing(world, clinic, in_a):
    (claim,) = _batched(_submitted_claim(world, clinic))
    content = _era(clinic, [(claim, "paid")])
    era_post(actor=world.staff, file_name="a.835", content=content)
    _remittance, created = era_post(actor=world.staff, file_name="b.835", content=content)
    assert not created
    assert Remittance.objects.count() == 1 and ClaimPayment.objects.count() == 1


def test_unknown_claims_go_to_the_work_queue(world, clinic, in_a):
    (claim,) = _batched(_submitted_claim(world, clinic))
    remit = claim_outcome(claim, "paid", payer_claim_number="X1")
    from dataclasses import replace

    stranger = replace(remit, patient_control_number="NOT-OURS-9")
    content = era_text(
        payer=clinic.payer,
        trace_number="EFT2",
        claims=[remit, stranger],
        payment_date=timezone.localdate(),
    )
    remittance, _ = era_post(actor=world.staff, file_name="x.835", content=content)
    assert remittance.summary["unmatched"] == ["NOT-OURS-9"]
    assert ClaimPayment.objects.filter(claim=None, patient_control_number="NOT-OURS-9").exists()


def test_reversal_takes_the_claim_back(world, clinic, in_a):
    from billing.x12.writer835 import reversal_of

    (claim,) = _batched(_submitted_claim(world, clinic))
    original = claim_outcome(claim, "paid", payer_claim_number="R1")
    era_post(
        actor=world.staff,
        file_name="1.835",
        content=era_text(
            payer=clinic.payer,
            trace_number="EFT3",
            claims=[original],
            payment_date=timezone.localdate(),
        ),
    )
    # The payer takes the payment back and re-adjudicates: all to the deductible.
    redone = claim_outcome(claim, "deductible", payer_claim_number="R1")
    other = _batched(_submitted_claim(world, clinic, days_ago=9))[0]
    era_post(
        actor=world.staff,
        file_name="2.835",
        content=era_text(
            payer=clinic.payer,
            trace_number="EFT4",
            payment_date=timezone.localdate(),
            control=2,
            claims=[
                reversal_of(original),
                redone,
                claim_outcome(other, "paid", payer_claim_number="R2"),
            ],
        ),
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert [h.to_status for h in claim.history.all()][-2:] == ["accepted", "paid"]
    assert sum(p.paid for p in ClaimPayment.objects.filter(claim=claim)) == 0
    patient_share = sum(p.patient_responsibility for p in ClaimPayment.objects.filter(claim=claim))
    assert patient_share == Decimal("164.00")  # the whole allowed amount, to the deductible


def test_remittance_for_another_practice_is_refused(world, clinic, in_a):
    (claim,) = _batched(_submitted_claim(world, clinic))
    content = _era(clinic, [(claim, "paid")]).replace(world.a.group_npi, "1234567893")
    with pytest.raises(RemittanceError, match="another practice"):
        era_post(actor=world.staff, file_name="other.835", content=content)
    assert not Remittance.objects.exists()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: text.replace("\nSE*", "\nSE*9", 1),  # wrong count
        lambda text: text.replace("CLP*", "CLP*X", 1).replace("*1*205*", "*1*205.00.0*"),
        lambda text: text.replace("BPR*", "XXX*", 1),  # no BPR
    ],
)
def test_malformed_files_post_nothing(world, clinic, in_a, mangle):
    (claim,) = _batched(_submitted_claim(world, clinic))
    with pytest.raises(RemittanceError, match="segment"):
        era_post(
            actor=world.staff, file_name="bad.835", content=mangle(_era(clinic, [(claim, "paid")]))
        )
    assert not Remittance.objects.exists() and not ClaimPayment.objects.exists()
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.BATCHED


def test_unbalanced_file_is_rejected(world, clinic, in_a):
    (claim,) = _batched(_submitted_claim(world, clinic))
    text = _era(clinic, [(claim, "paid")])
    bpr = next(s for s in text.split("~") if s.strip().startswith("BPR"))
    elements = bpr.strip().split("*")
    elements[2] = str(Decimal(elements[2]) + 1)
    with pytest.raises(RemittanceError, match="BPR"):
        era_post(
            actor=world.staff,
            file_name="unbalanced.835",
            content=text.replace(bpr.strip(), "*".join(elements)),
        )


def test_secondary_claim_is_queued_with_primary_payment(world, clinic, in_a):
    Coverage.objects.create(
        patient=clinic.patient,
        payer=clinic.other_payer,
        priority=2,
        member_id="SEC12345",
        effective_from=clinic.coverage.effective_from,
    )
    (claim,) = _batched(_submitted_claim(world, clinic))
    remittance, _ = era_post(
        actor=world.staff, file_name="p.835", content=_era(clinic, [(claim, "paid")])
    )
    (secondary_pcn,) = remittance.summary["secondary_claims"]
    secondary = Claim.objects.get(patient_control_number=secondary_pcn)
    assert secondary.coverage.priority == 2 and secondary.payer == clinic.other_payer
    assert secondary.status == ClaimStatus.READY, [f.message for f in secondary.findings.all()]
    content = batches.batch_build_all(actor=None)[0].content
    assert "AMT*D*131.2" in content  # the primary's payment travels on the secondary claim


def test_api_page_and_command(world, clinic, client_for, in_a, tmp_path):
    (claim,) = _batched(_submitted_claim(world, clinic))
    content = _era(clinic, [(claim, "paid")])
    client = client_for(world.staff, world.a)
    response = client.post(
        "/api/v1/remittances/",
        {"content": content, "file_name": "e.835"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    again = client.post(
        "/api/v1/remittances/", {"content": content}, content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["already_posted"] is True
    assert client.get("/remittances/").status_code == 200
    assert (
        client_for(world.provider_a, world.a)
        .post("/api/v1/remittances/", {"content": content}, content_type="application/json")
        .status_code
        == 403
    )
    path = tmp_path / "e.835"
    path.write_text(content)
    out = StringIO()
    call_command("era_post", "--practice", "alpha", str(path), "--json", stdout=out)
    assert '"already_posted": true' in out.getvalue()
