"""Synthetic 835s for our own claims: what a payer would send back. Used by the demo data and
the tests (never by the posting path, which only reads files)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from billing.claimdata import Address, ControlNumbers
from billing.models import Claim
from billing.x12.writer835 import (
    Adjustment835Input,
    Claim835Input,
    Line835Input,
    Payee835Input,
    Payer835Input,
    ProviderAdjustment835Input,
    Remittance835Input,
    write_835,
)
from mso.tenancy.context import current_practice

CENT = Decimal("0.01")
DENIAL_REASONS = ("97", "16", "50", "29")  # bundled, missing info, not necessary, late
# The 835's CLP06 list differs from the 837's SBR09: map ours onto it.
CLP06 = {"CI": "15", "BL": "12", "09": "ZZ"}


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _paid_line(line, *, coinsurance: Decimal = Decimal("0.20")) -> Line835Input:
    allowed = _cents(line.charge * Decimal("0.80"))
    patient = _cents(allowed * coinsurance)
    return Line835Input(
        procedure_code=line.procedure_code,
        charge=line.charge,
        units=line.units,
        modifiers=tuple(line.modifiers),
        service_date=line.service_date,
        line_control_number=line.line_control_number,
        allowed=allowed,
        adjustments=(
            Adjustment835Input("CO", "45", line.charge - allowed),
            Adjustment835Input("PR", "2", patient),
        ),
    )


def _denied_line(line, reason: str) -> Line835Input:
    return Line835Input(
        procedure_code=line.procedure_code,
        charge=line.charge,
        units=line.units,
        modifiers=tuple(line.modifiers),
        service_date=line.service_date,
        line_control_number=line.line_control_number,
        adjustments=(Adjustment835Input("CO", reason, line.charge),),
    )


def claim_outcome(claim: Claim, outcome: str, *, payer_claim_number: str) -> Claim835Input:
    """outcome: paid, deductible, denied:<CARC>, partial."""
    lines = list(claim.lines.all())
    patient = claim.encounter.patient
    status = "1"
    if outcome == "paid":
        adjudicated = tuple(_paid_line(line) for line in lines)
    elif outcome == "deductible":
        adjudicated = tuple(_paid_line(line, coinsurance=Decimal("1")) for line in lines)
    elif outcome.startswith("denied"):
        reason = outcome.partition(":")[2] or "97"
        adjudicated = tuple(_denied_line(line, reason) for line in lines)
        status = "4"
    elif outcome == "partial":
        adjudicated = (_paid_line(lines[0]), *(_denied_line(line, "97") for line in lines[1:]))
    else:
        raise ValueError(f"Unknown outcome {outcome!r}")
    return Claim835Input(
        patient_control_number=claim.patient_control_number,
        payer_claim_number=payer_claim_number,
        patient_last_name=patient.last_name,
        patient_first_name=patient.first_name,
        member_id=claim.coverage.member_id,
        lines=adjudicated,
        status=status,
        filing_indicator=CLP06.get(claim.payer.filing_indicator, claim.payer.filing_indicator),
    )


def era_text(
    *,
    payer,
    claims: list[Claim835Input],
    trace_number: str,
    payment_date: date,
    interest: Decimal = Decimal("0"),
    control: int = 1,
) -> str:
    practice = current_practice()
    remit = Remittance835Input(
        payer=Payer835Input(
            name=payer.name,
            payer_id=payer.payer_id,
            company_id="1123456789",
            address=Address(line1="PO BOX 1000", city="HARTFORD", state="CT", zip_code="061010000"),
        ),
        payee=Payee835Input(name=practice.name, npi=practice.group_npi, tin=practice.tin),
        payment_date=payment_date,
        trace_number=trace_number,
        claims=tuple(claims),
        provider_adjustments=(ProviderAdjustment835Input("L6", -interest, "INTEREST"),)
        if interest
        else (),
    )
    return write_835(remit, ControlNumbers(interchange=control, group=control, transaction=1))
