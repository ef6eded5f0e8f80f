"""Builders of 835 remittances for the 835 tests (reader, writer, conformance), and text
edits that break a written file in one precise place. The tests at the bottom check the
builders and the edits themselves."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from billing.claimdata import Address, ControlNumbers, Provider
from billing.x12.reader835 import read_835
from billing.x12.writer835 import (
    Adjustment835Input,
    BankAccount,
    Claim835Input,
    Line835Input,
    Payee835Input,
    Payer835Input,
    ProviderAdjustment835Input,
    Remittance835Input,
    write_835,
)

FIXTURES = Path(__file__).parent / "fixtures" / "x12" / "835"
PAYMENT_DATE = date(2024, 7, 3)
SERVICE_DATE = date(2024, 6, 1)
CONTROL = ControlNumbers(interchange=835, group=12, transaction=1)
PAYEE_NPI = "1588000004"
RENDERING = Provider("SMITH", "ANNA", "1003000001")

PAYER = Payer835Input(
    name="BIG STATE HEALTH PLAN",
    address=Address("PO BOX 1000", "RENO", "NV", "89501"),
    company_id="1870000001",
    payer_id="BSH01",
    bank=BankAccount("021000021", "55550000"),
)
PAYEE = Payee835Input(
    name="FRIENDLY MEDICAL PC",
    npi=PAYEE_NPI,
    tin="131234567",
    address=Address("100 MAIN STREET", "ALBANY", "NY", "122071234"),
    bank=BankAccount("011000015", "1234567"),
)


def money(value: str) -> Decimal:
    return Decimal(value)


def adj(group: str, reason: str, value: str, quantity: str | None = None) -> Adjustment835Input:
    return Adjustment835Input(
        group, reason, Decimal(value), Decimal(quantity) if quantity is not None else None
    )


def line(
    code: str = "99213",
    charge: str = "150",
    *adjustments: Adjustment835Input,
    control: str = "",
    units: str = "1",
    allowed: str | None = None,
    remarks: tuple[str, ...] = (),
    modifiers: tuple[str, ...] = (),
    when: date | None = SERVICE_DATE,
) -> Line835Input:
    return Line835Input(
        procedure_code=code,
        charge=Decimal(charge),
        adjustments=adjustments,
        service_date=when,
        modifiers=modifiers,
        units=Decimal(units),
        line_control_number=control,
        allowed=Decimal(allowed) if allowed is not None else None,
        remarks=remarks,
    )


def claim(
    pcn: str = "PCN1",
    *lines: Line835Input,
    adjustments: tuple[Adjustment835Input, ...] = (),
    status: str = "1",
    charge: str | None = None,
    payer_claim_number: str = "",
    remarks: tuple[str, ...] = (),
    rendering: Provider | None = None,
    statement: date | None = None,
) -> Claim835Input:
    return Claim835Input(
        patient_control_number=pcn,
        payer_claim_number=payer_claim_number or f"P{pcn}",
        patient_last_name="DOE",
        patient_first_name="JANE",
        member_id="MEM12345",
        lines=lines,
        adjustments=adjustments,
        status=status,
        charge=Decimal(charge) if charge is not None else None,
        rendering_provider=rendering,
        statement_from=statement,
        statement_to=statement,
        remarks=remarks,
    )


def plb(reason: str, value: str, reference: str = "") -> ProviderAdjustment835Input:
    return ProviderAdjustment835Input(reason, Decimal(value), reference=reference)


def remittance(
    *claims: Claim835Input,
    plbs: tuple[ProviderAdjustment835Input, ...] = (),
    method: str = "CHK",
) -> Remittance835Input:
    return Remittance835Input(
        payer=PAYER,
        payee=PAYEE,
        payment_date=PAYMENT_DATE,
        trace_number="TRACE0001",
        claims=claims,
        provider_adjustments=plbs,
        method=method,
    )


def write(
    *claims: Claim835Input,
    plbs: tuple[ProviderAdjustment835Input, ...] = (),
    method: str = "CHK",
    control: ControlNumbers = CONTROL,
) -> str:
    return write_835(remittance(*claims, plbs=plbs, method=method), control)


def partial_claim(pcn: str = "PCN1") -> Claim835Input:
    """Two lines: contractual CO-45 plus copay and deductible (PR-3, PR-1)."""
    return claim(
        pcn,
        line("99213", "150", adj("CO", "45", "30"), adj("PR", "3", "20"), control=f"{pcn}-1"),
        line("85025", "30", adj("CO", "45", "6"), adj("PR", "1", "24"), control=f"{pcn}-2"),
    )


# ---------------------------------------------------------------------------- text edits


def segments(text: str) -> list[str]:
    return [raw.strip() for raw in text.split("~") if raw.strip()]


def position(text: str, prefix: str, occurrence: int = 1) -> int:
    """1-based number of the segment starting with `prefix` (its n-th occurrence)."""
    seen = 0
    for number, raw in enumerate(segments(text), start=1):
        if raw.startswith(prefix):
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{prefix!r} not found")


def replace_segment(text: str, prefix: str, new: str, occurrence: int = 1) -> str:
    """The file with the n-th segment starting with `prefix` replaced by `new` (a segment
    without terminator); `new` empty removes it. SE01 is not adjusted."""
    out, seen = [], 0
    for raw in segments(text):
        if raw.startswith(prefix):
            seen += 1
            if seen == occurrence:
                if new:
                    out.append(new)
                continue
        out.append(raw)
    assert seen >= occurrence, f"{prefix!r} occurs {seen} time(s)"
    return "".join(f"{raw}~\n" for raw in out)


def fix_se_count(text: str) -> str:
    """SE01 recounted after an edit that added or removed segments."""
    items = segments(text)
    start = next(i for i, raw in enumerate(items) if raw.startswith("ST*"))
    end = next(i for i, raw in enumerate(items) if raw.startswith("SE*"))
    control = items[end].split("*")[2]
    items[end] = f"SE*{end - start + 1}*{control}"
    return "".join(f"{raw}~\n" for raw in items)


def element(text: str, prefix: str, index: int, occurrence: int = 1) -> str:
    raw = segments(text)[position(text, prefix, occurrence) - 1]
    return raw.split("*")[index]


def set_element(text: str, prefix: str, index: int, value: str, occurrence: int = 1) -> str:
    raw = segments(text)[position(text, prefix, occurrence) - 1]
    parts = raw.split("*")
    parts[index] = value
    return replace_segment(text, prefix, "*".join(parts), occurrence)


# ---------------------------------------------------------------------------- tests


def test_builders_make_the_amounts_they_describe():
    partial = partial_claim()
    assert (partial.total_charge, partial.paid, partial.patient_responsibility) == (
        Decimal(180),
        Decimal(100),
        Decimal(44),
    )
    remit = remittance(partial, plbs=(plb("L6", "-2.50"), plb("WO", "40")))
    assert remit.total_paid == Decimal("62.50")
    read = read_835(write_835(remit, CONTROL))
    assert read.total_paid == Decimal("62.5")
    assert read.trace_number == "TRACE0001"


def test_text_edits_touch_exactly_one_segment():
    text = write(partial_claim())
    clp = position(text, "CLP*")
    edited = set_element(text, "CLP*", 4, "99")
    before, after = segments(text), segments(edited)
    assert len(before) == len(after)
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [clp - 1]
    assert element(edited, "CLP*", 4) == "99"
    shorter = replace_segment(text, "REF*6R", "", 2)
    assert len(segments(shorter)) == len(before) - 1
    assert "PCN1-1" in shorter
    assert "PCN1-2" not in shorter
    removed = fix_se_count(replace_segment(text, "DTM*405", ""))
    assert read_835(removed).production_date is None
