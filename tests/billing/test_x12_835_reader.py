"""The 835 reader: a hand-written remittance read field by field, write -> read round trips
(hypothesis), each balancing rule violated (strict: X12Error naming the rule, the segment and
the amounts; tolerant: the same as a warning), and structural defects rejected with the
segment number and a reason. Broken inputs are small text edits of a valid written file."""

import subprocess
import sys
from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing.x12 import carc
from billing.x12.errors import X12Error
from billing.x12.reader835 import Remittance835, read_835, read_835_all
from billing.x12.writer835 import (
    Adjustment835Input,
    Claim835Input,
    Line835Input,
    ProviderAdjustment835Input,
    reversal_of,
)
from tests.billing.test_x12_835_helpers import (
    FIXTURES,
    PAYEE_NPI,
    SERVICE_DATE,
    adj,
    claim,
    element,
    fix_se_count,
    line,
    partial_claim,
    plb,
    position,
    remittance,
    replace_segment,
    segments,
    set_element,
    write,
)
from tests.billing.test_x12_helpers import pyx12_check

REPO = Path(__file__).resolve().parents[2]
FULL = (FIXTURES / "835_full.txt").read_text()


def rejects(text: str | bytes, number: int, seg_id: str, reason: str, *, strict: bool = True):
    with pytest.raises(X12Error) as excinfo:
        read_835(text, strict=strict)
    error = excinfo.value
    assert (error.segment_number, error.segment_id) == (number, seg_id), str(error)
    assert reason in error.reason, str(error)
    assert str(error).startswith(f"segment {number} ({seg_id})" if seg_id else f"segment {number}:")
    return error


def rejects_always(text: str, number: int, seg_id: str, reason: str) -> X12Error:
    """Fatal defects: rejected in strict and tolerant mode alike."""
    rejects(text, number, seg_id, reason, strict=False)
    return rejects(text, number, seg_id, reason)


def only_warning(text: str, number: int, seg_id: str, reason: str) -> Remittance835:
    """Strict mode rejects exactly this; tolerant mode reads the file with it as the only
    warning."""
    rejects(text, number, seg_id, reason)
    remit = read_835(text, strict=False)
    assert [(w.segment_number, w.segment_id) for w in remit.warnings] == [(number, seg_id)], [
        str(w) for w in remit.warnings
    ]
    assert reason in remit.warnings[0].reason
    return remit


# ---------------------------------------------------------------------------- the fixture


def test_full_fixture_reads_every_part():
    remit = read_835(FULL)
    assert remit.warnings == ()
    assert (
        remit.interchange_control_number,
        remit.group_control_number,
        remit.transaction_control_number,
    ) == ("000004321", "4321", "0001")
    assert (remit.sender_id, remit.receiver_id, remit.usage_indicator) == (
        "BIGPAYER",
        "FRIENDLYMED",
        "P",
    )
    payment = remit.payment
    assert (payment.handling_code, payment.amount, payment.credit_debit, payment.method) == (
        "I",
        Decimal("362.35"),
        "C",
        "CHK",
    )
    assert remit.payment_date == date(2024, 7, 3)
    assert (remit.trace.number, remit.trace.company_id, remit.trace.supplemental_id) == (
        "CHK100200",
        "1870000001",
        "PLAN77",
    )
    assert remit.production_date == date(2024, 7, 1)
    assert remit.receiver_identification == "FRIENDLYMED"
    payer = remit.payer
    assert (payer.name, payer.identifier, payer.identifier_source, payer.plan_id) == (
        "BIG STATE HEALTH PLAN",
        "BSH01",
        "REF*2U",
        "PLAN12345",
    )
    assert payer.address is not None
    assert payer.address.city == "RENO"
    payee = remit.payee
    assert (payee.name, payee.npi, payee.tin, payee.id_qualifier) == (
        "FRIENDLY MEDICAL PC",
        "1588000004",
        "131234567",
        "XX",
    )
    assert [c.patient_control_number for c in remit.claims] == [
        "PCN1001",
        "PCN1002",
        "PCN1003",
        "PCN1003",
        "PCN1004",
    ]
    assert remit.claim_payment_total == Decimal(410)
    assert remit.provider_adjustment_total == Decimal("47.65")
    assert remit.total_paid == remit.claim_payment_total - remit.provider_adjustment_total


def test_full_fixture_partial_claim():
    first = read_835(FULL).claim("PCN1001")
    assert first is not None
    assert (first.status_code, first.status_text) == ("1", "processed as primary")
    assert (first.total_charge, first.payment, first.patient_responsibility) == (
        Decimal(180),
        Decimal(100),
        Decimal(44),
    )
    assert (first.filing_indicator, first.payer_claim_number, first.facility_code) == (
        "12",
        "BSH24001",
        "11",
    )
    assert first.patient is not None
    assert (first.patient.last_name, first.patient.identifier) == ("DOE", "MEM100")
    assert first.insured is not None
    assert (first.insured.first_name, first.insured.middle_name) == ("JOHN", "Q")
    assert first.rendering_provider is not None
    assert first.rendering_provider.identifier == "1003000001"
    assert first.reference("1L") == "GRP77"
    assert first.received_date == date(2024, 6, 10)
    assert first.amount("AU") == Decimal(144)
    office, lab = first.lines
    assert (office.qualifier, office.procedure_code, office.modifiers) == ("HC", "99213", ("25",))
    assert (office.charge, office.payment, office.units) == (Decimal(150), Decimal(100), 1)
    assert office.service_date == office.service_date_end == date(2024, 6, 1)
    assert office.line_control_number == "PCN1001-1"
    assert office.allowed_amount == Decimal(120)
    assert [(a.group, a.reason, a.amount) for a in office.adjustments] == [
        ("CO", "45", Decimal(30)),
        ("PR", "3", Decimal(20)),
    ]
    assert office.adjustments[1].text == "PR-3: copayment (" + carc.GROUP_CODES["PR"] + ")"
    assert "fee schedule" in office.adjustments[0].reason_text
    assert office.patient_responsibility == Decimal(20)
    [remark] = lab.remarks
    assert (remark.code, remark.source, remark.qualifier) == ("N130", "LQ", "HE")
    assert "benefit" in remark.text
    assert first.patient_responsibility_total == Decimal(44)
    assert first.line("PCN1001-2") is lab


def test_full_fixture_denial_reversal_bundling_and_plb():
    remit = read_835(FULL)
    denied = remit.claim("PCN1002")
    assert denied is not None
    assert denied.is_denied
    assert denied.lines == ()
    assert [(a.group, a.reason, a.amount) for a in denied.adjustments] == [
        ("CO", "29", Decimal(250))
    ]
    assert "time limit for filing" in denied.adjustments[0].text
    assert [(r.code, r.source) for r in denied.remarks] == [("MA130", "MOA")]
    assert (denied.statement_from, denied.statement_to) == (date(2023, 1, 1), date(2023, 1, 2))
    reversal, correction = remit.claims_for("PCN1003")
    assert reversal.is_reversal
    assert not correction.is_reversal
    assert (reversal.total_charge, reversal.payment, reversal.adjustment_total) == (
        Decimal(-200),
        Decimal(-150),
        Decimal(-50),
    )
    assert reversal.lines[0].line_control_number == correction.lines[0].line_control_number
    assert correction.reference("F8") == reversal.payer_claim_number == "BSH23990"
    bundled = remit.claim("PCN1004")
    assert bundled is not None
    assert [(a.group, a.reason) for a in bundled.adjustments] == [("PI", "B4")]
    first, therapy = bundled.lines
    assert (first.procedure_code, first.original_qualifier, first.original_procedure_code) == (
        "99214",
        "HC",
        "99213",
    )
    assert therapy.modifiers == ("59", "GP")
    assert therapy.units == Decimal(2)
    assert (therapy.service_date, therapy.service_date_end) == (
        date(2024, 5, 21),
        date(2024, 5, 22),
    )
    assert [(a.reason, a.amount, a.quantity) for a in therapy.adjustments] == [
        ("45", Decimal(10), None),
        ("253", Decimal("1.5"), None),
        ("59", Decimal(20), Decimal(1)),
        ("B10", Decimal(5), None),
        ("97", Decimal(3), None),
        ("A2", Decimal("0.5"), None),
    ]
    assert [r.code for r in bundled.remarks] == ["N130", "M15"]
    assert bundled.amount("I") == Decimal("1.25")
    assert [(q.qualifier, q.value) for q in bundled.quantities] == [("CA", Decimal(1))]
    assert [(p.reason, p.reference, p.amount) for p in remit.provider_adjustments] == [
        ("L6", "BSH24001", Decimal("-2.35")),
        ("WO", "BSH23999", Decimal(60)),
        ("CS", "ADJ77", Decimal(-10)),
    ]
    interest = remit.provider_adjustments[0]
    assert (interest.provider_id, interest.fiscal_period_end) == (PAYEE_NPI, date(2024, 12, 31))
    assert interest.text == carc.PLB_REASONS["L6"]


def test_full_fixture_is_valid_for_pyx12_except_its_second_plb_segment():
    # The guide allows PLB to repeat (>1); pyx12 4.0 counts its wrapper loop instead and
    # reports "Loop FOOTER exceeded max count" for the second PLB. Nothing else may differ.
    _, errors, _ = pyx12_check(FULL)
    assert all("Loop FOOTER exceeded max count" in error for error in errors), errors
    merged = FULL.replace(
        "WO:BSH23999*60~\nPLB*1588000004*20241231*CS:ADJ77*-10~",
        "WO:BSH23999*60*CS:ADJ77*-10~",
    )
    merged = fix_se_count(merged)
    assert pyx12_check(merged)[:2] == (True, [])

    def key(remit):
        return [(p.reason, p.reference, p.amount) for p in remit.provider_adjustments]

    assert key(read_835(merged)) == key(read_835(FULL))


def test_read_values_are_frozen():
    remit = read_835(FULL)
    with pytest.raises(FrozenInstanceError):
        remit.claims[0].payment = Decimal(1)  # type: ignore[misc]


# ---------------------------------------------------------------------------- round trips

REASONS = ("45", "1", "2", "3", "23", "97", "16", "253", "A2", "B10")


@st.composite
def adjustment_list(draw, max_size: int) -> tuple[Adjustment835Input, ...]:
    count = draw(st.integers(0, max_size))
    items = []
    for _ in range(count):
        cents = draw(st.integers(-2_000, 60_000))
        quantity = draw(st.one_of(st.none(), st.integers(1, 9)))
        items.append(
            Adjustment835Input(
                draw(st.sampled_from(("CO", "PR", "OA", "PI"))),
                draw(st.sampled_from(REASONS)),
                Decimal(cents).scaleb(-2),
                Decimal(quantity) if quantity is not None else None,
            )
        )
    return tuple(items)


def charge_for(adjustments: tuple[Adjustment835Input, ...], paid_cents: int) -> Decimal:
    """A charge such that charge - adjustments is never negative."""
    adjusted = sum((a.amount for a in adjustments), Decimal(0))
    return max(Decimal(0), Decimal(paid_cents).scaleb(-2) + adjusted)


@st.composite
def claims(draw, index: int) -> Claim835Input:
    pcn = f"C{index}"
    lines = []
    for number in range(draw(st.integers(0, 4))):
        adjustments = draw(adjustment_list(7))
        lines.append(
            Line835Input(
                procedure_code=draw(st.sampled_from(("99213", "85025", "G0439", "97110"))),
                charge=charge_for(adjustments, draw(st.integers(0, 80_000))),
                adjustments=adjustments,
                service_date=SERVICE_DATE,
                units=Decimal(draw(st.integers(1, 5))),
                line_control_number=f"{pcn}-{number}",
            )
        )
    claim_level = draw(adjustment_list(3 if lines else 8))
    charge = None
    if not lines:
        charge = charge_for(claim_level, draw(st.integers(0, 80_000)))
    else:
        # claim-level adjustments must not push the claim payment below zero
        room = sum((line.paid for line in lines), Decimal(0))
        kept, used = [], Decimal(0)
        for item in claim_level:
            if used + item.amount <= room:
                kept.append(item)
                used += item.amount
        claim_level = tuple(kept)
    built = Claim835Input(
        patient_control_number=pcn,
        payer_claim_number=f"P{index}",
        patient_last_name="DOE",
        patient_first_name="JO",
        member_id="M1234",
        lines=tuple(lines),
        adjustments=claim_level,
        status=draw(st.sampled_from(("1", "2", "4", "19"))),
        charge=charge,
        statement_from=SERVICE_DATE,
        statement_to=SERVICE_DATE,
    )
    return reversal_of(built) if draw(st.integers(0, 5)) == 0 else built


@st.composite
def remittances(draw):
    count = draw(st.integers(1, 6))
    built = tuple(draw(claims(index)) for index in range(count))
    plbs = [
        ProviderAdjustment835Input(
            draw(st.sampled_from(("L6", "WO", "72", "CS", "B2"))),
            Decimal(draw(st.integers(-5_000, 9_000).filter(bool))).scaleb(-2),
            reference=draw(st.sampled_from(("", "REF1", "P0"))),
        )
        for _ in range(draw(st.integers(0, 8)))
    ]
    total = remittance(*built, plbs=tuple(plbs)).total_paid
    if total < 0:
        # Carry the shortfall forward, as the guide does (PLB FB with a negative amount).
        plbs.append(ProviderAdjustment835Input("FB", total, reference="CARRY"))
    return remittance(*built, plbs=tuple(plbs))


def adjustment_key(items) -> list[tuple]:
    # A missing quantity sorts before any number (None and Decimal do not compare).
    return sorted(
        (a.group, a.reason, a.amount, a.quantity is not None, a.quantity or 0) for a in items
    )


@settings(max_examples=60, deadline=None)
@given(remittances())
def test_write_read_round_trip_keeps_every_amount(remit):
    text = write_835_text(remit)
    read = read_835(text)
    assert read.warnings == ()
    assert read.total_paid == remit.total_paid
    assert read.claim_payment_total == sum((c.paid for c in remit.claims), Decimal(0))
    assert [(p.reason, p.reference, p.amount) for p in read.provider_adjustments] == [
        (p.reason, p.reference, p.amount) for p in remit.provider_adjustments
    ]
    assert len(read.claims) == len(remit.claims)
    for got, sent in zip(read.claims, remit.claims, strict=True):
        assert (got.patient_control_number, got.status_code) == (
            sent.patient_control_number,
            sent.status,
        )
        assert (got.total_charge, got.payment, got.patient_responsibility) == (
            sent.total_charge,
            sent.paid,
            sent.patient_responsibility,
        )
        assert adjustment_key(got.adjustments) == adjustment_key(sent.adjustments)
        assert len(got.lines) == len(sent.lines)
        for got_line, sent_line in zip(got.lines, sent.lines, strict=True):
            assert (got_line.charge, got_line.payment, got_line.units) == (
                sent_line.charge,
                sent_line.paid,
                sent_line.units,
            )
            assert got_line.line_control_number == sent_line.line_control_number
            assert adjustment_key(got_line.adjustments) == adjustment_key(sent_line.adjustments)
            # rule 1
            assert got_line.charge - got_line.adjustment_total == got_line.payment
        # rule 2
        assert got.total_charge - got.adjustment_total == got.payment
        assert got.patient_responsibility == got.patient_responsibility_total
    # rule 3
    assert read.total_paid == read.claim_payment_total - read.provider_adjustment_total


def write_835_text(remit) -> str:
    from billing.x12.writer835 import write_835
    from tests.billing.test_x12_835_helpers import CONTROL

    return write_835(remit, CONTROL)


# ---------------------------------------------------------------------------- balancing


def test_line_balancing_violation():
    text = set_element(write(partial_claim()), "SVC*HC:99213", 3, "90")
    remit = only_warning(
        text,
        position(text, "SVC*HC:99213"),
        "SVC",
        "line balancing rule (SVC02 - line adjustments = SVC03) fails: charge 150 - "
        "adjustments 50 = 100, but SVC03 (paid) is 90",
    )
    assert remit.claims[0].lines[0].payment == Decimal(90)


def test_claim_balancing_violation():
    text = set_element(write(partial_claim()), "CLP*", 4, "90")
    text = set_element(text, "BPR*", 2, "90")
    only_warning(
        text,
        position(text, "CLP*"),
        "CLP",
        "claim balancing rule (CLP03 - claim and line adjustments = CLP04) fails: charge 180 - "
        "adjustments 80 (claim 0, lines 80) = 100, but CLP04 (paid) is 90",
    )


def test_claim_without_lines_balances_with_claim_level_adjustments_only():
    denial = claim("NOLINES", adjustments=(adj("CO", "29", "250"),), status="4", charge="250")
    denial = Claim835Input(**{**denial.__dict__, "statement_from": SERVICE_DATE})
    text = write(denial, partial_claim())
    assert read_835(text).claim("NOLINES").payment == 0  # type: ignore[union-attr]
    broken = set_element(text, "CAS*CO*29", 3, "240")
    only_warning(
        broken,
        position(broken, "CLP*NOLINES"),
        "CLP",
        "charge 250 - adjustments 240 (claim level) = 10, but CLP04 (paid) is 0",
    )


def test_patient_responsibility_violation():
    text = set_element(write(partial_claim()), "CLP*", 5, "40")
    only_warning(
        text,
        position(text, "CLP*"),
        "CLP",
        "patient responsibility rule (CLP05 = sum of PR adjustments) fails: CLP05 is 40 but "
        "the PR adjustments of the claim and its lines add up to 44",
    )
    absent = set_element(write(partial_claim()), "CLP*", 5, "")
    only_warning(absent, position(absent, "CLP*"), "CLP", "CLP05 is absent (0) but")


def test_transaction_balancing_violation():
    text = write(partial_claim(), plbs=(plb("L6", "-2.5"), plb("WO", "10")))
    assert element(text, "BPR*", 2) == "92.5"
    broken = set_element(text, "BPR*", 2, "92.51")
    remit = only_warning(
        broken,
        position(broken, "BPR*"),
        "BPR",
        "transaction balancing rule (BPR02 = sum of CLP04 - sum of PLB amounts) fails: BPR02 "
        "is 92.51 but the claims pay 100 and the provider adjustments are 7.5, which gives 92.5",
    )
    assert remit.total_paid == Decimal("92.51")
    without_plb = fix_se_count(replace_segment(text, "PLB*", ""))
    only_warning(without_plb, 4, "BPR", "which gives 100")


def test_strict_mode_reports_the_first_violation_in_file_order():
    text = set_element(write(partial_claim("A"), partial_claim("B")), "CLP*B", 4, "1")
    text = set_element(text, "SVC*HC:85025", 3, "5", occurrence=1)
    # line rule in claim A (SVC), claim rule in claim B (CLP) and the transaction rule (BPR)
    error = rejects(text, 4, "BPR", "transaction balancing rule")
    assert "BPR02 is 200" in error.reason
    reasons = [w.reason.split(" fails")[0] for w in read_835(text, strict=False).warnings]
    assert reasons == [
        "transaction balancing rule (BPR02 = sum of CLP04 - sum of PLB amounts)",
        "line balancing rule (SVC02 - line adjustments = SVC03)",
        "claim balancing rule (CLP03 - claim and line adjustments = CLP04)",
    ]


def test_reversal_has_negative_amounts_and_still_balances():
    original = partial_claim("R1")
    text = write(reversal_of(original), claim("R1", line("99213", "180", adj("CO", "45", "20"))))
    remit = read_835(text)
    reversal, correction = remit.claims_for("R1")
    assert reversal.is_reversal
    assert (reversal.total_charge, reversal.payment, reversal.patient_responsibility) == (
        Decimal(-180),
        Decimal(-100),
        Decimal(-44),
    )
    assert [a.amount for a in reversal.all_adjustments] == [
        Decimal(-30),
        Decimal(-20),
        Decimal(-6),
        Decimal(-24),
    ]
    assert correction.payment == Decimal(160)
    assert remit.total_paid == Decimal(60)
    broken = set_element(text, "CLP*R1*22", 4, "-90")
    broken = set_element(broken, "BPR*", 2, "70")
    only_warning(broken, position(broken, "CLP*R1*22"), "CLP", "claim balancing rule")


def test_reversal_is_exempt_from_the_patient_responsibility_rule():
    text = write(reversal_of(partial_claim("R1")), claim("R1", line("99213", "180")))
    no_clp05 = set_element(text, "CLP*R1*22", 5, "")
    assert read_835(no_clp05).claims[0].patient_responsibility == 0
    negative_charge = set_element(write(partial_claim("N1")), "CLP*", 3, "-180")
    error = rejects(negative_charge, position(negative_charge, "CLP*"), "CLP", "is negative")
    assert "only a reversal (CLP02 22)" in error.reason


def test_debit_payment_balances_with_a_negative_net():
    # A reversal larger than the new payments: the 835 takes money back (BPR03 D).
    text = write(
        reversal_of(claim("BIG", line("99213", "500"))),
        partial_claim(),
        plbs=(plb("FB", "-400", "CARRY"),),
    )
    debit = fix_se_count(replace_segment(text, "PLB*", ""))
    debit = replace_segment(debit, "BPR*", "BPR*I*400*D*NON************20240703")
    remit = read_835(debit)
    assert remit.payment.net_amount == Decimal(-400)
    assert remit.claim_payment_total == Decimal(-400)
    credit = replace_segment(debit, "BPR*", "BPR*I*400*C*NON************20240703")
    only_warning(credit, 4, "BPR", "BPR02 is 400 but the claims pay -400")


def test_payment_only_handling_code_skips_transaction_balancing():
    text = set_element(write(partial_claim()), "BPR*", 2, "12345")
    rejects(text, 4, "BPR", "transaction balancing rule")
    payment_only = set_element(text, "BPR*", 1, "D")
    assert read_835(payment_only).total_paid == Decimal(12345)


def test_negative_total_payment_is_reported():
    text = write(partial_claim(), plbs=(plb("WO", "100"),))
    assert element(text, "BPR*", 2) == "0"
    negative = set_element(text, "BPR*", 2, "-5")
    negative = set_element(negative, "PLB*", 4, "105")
    only_warning(negative, 4, "BPR", "BPR02 -5 is negative")


# ---------------------------------------------------------------------------- PLB


def test_plb_amounts_reduce_or_increase_the_payment():
    plbs = (
        plb("L6", "-12.34", "PC1"),
        plb("WO", "50", "OLD99"),
        plb("72", "-5"),
        plb("FB", "20", "NEXT"),
        plb("CS", "1.11"),
        plb("B2", "-2"),
        plb("WU", "3"),
    )
    text = write(partial_claim(), plbs=plbs)
    lines = [s for s in segments(text) if s.startswith("PLB*")]
    assert len(lines) == 2  # at most 6 adjustments per PLB segment
    assert lines[1] == f"PLB*{PAYEE_NPI}*20241231*WU*3"
    remit = read_835(text)
    assert [(p.reason, p.reference, p.amount) for p in remit.provider_adjustments] == [
        (p.reason, p.reference, p.amount) for p in plbs
    ]
    assert remit.provider_adjustment_total == Decimal("54.77")
    assert remit.total_paid == Decimal(100) - Decimal("54.77")
    assert remit.provider_adjustments[1].text == carc.PLB_REASONS["WO"]


def test_plb_only_remittance_without_claims():
    text = write(plbs=(plb("L6", "-7.5", "LATE"),))
    remit = read_835(text)
    assert remit.claims == ()
    assert remit.total_paid == Decimal("7.5")


def test_plb_defects():
    text = write(partial_claim(), plbs=(plb("L6", "-2"),))
    number = position(text, "PLB*")
    unknown = set_element(text, "PLB*", 3, "ZZ")
    only_warning(unknown, number, "PLB", "PLB03-1 (Adjustment Reason Code) 'ZZ' is not a valid")
    rejects_always(set_element(text, "PLB*", 4, "two"), number, "PLB", "PLB04")
    missing_amount = replace_segment(text, "PLB*", f"PLB*{PAYEE_NPI}*20241231*L6")
    rejects_always(missing_amount, number, "PLB", "PLB04 (Provider Adjustment Amount) is required")
    bad_date = set_element(text, "PLB*", 2, "20241331")
    only_warning(bad_date, number, "PLB", "PLB02 (Fiscal Period Date) '20241331'")


# ---------------------------------------------------------------------------- structure


def test_truncated_files_are_rejected():
    text = write(partial_claim())
    middle = text[: text.index("CAS*PR*3") + 5]
    number = position(text, "CAS*PR*3")
    rejects_always(middle, number, "CAS", "the file ends inside a segment")
    cut = "".join(f"{raw}~\n" for raw in segments(text)[: position(text, "CLP*")])
    rejects_always(cut, position(text, "CLP*"), "CLP", "unterminated envelope")


def test_wrong_envelope_counts():
    text = write(partial_claim())
    se = position(text, "SE*")
    wrong = set_element(text, "SE*", 1, str(se - 1))
    remit = only_warning(wrong, se, "SE", f"SE01 says {se - 1} segments but the transaction set")
    assert remit.total_paid == Decimal(100)
    ge = set_element(text, "GE*", 1, "2")
    only_warning(ge, se + 1, "GE", "GE01 says 2 transaction sets but the group has 1")
    iea = set_element(text, "IEA*", 1, "3")
    only_warning(iea, se + 2, "IEA", "IEA01 says 3 functional groups but the interchange has 1")
    control = set_element(text, "SE*", 2, "0002")
    only_warning(control, se, "SE", "SE02 control number '0002' does not match ST02 '0001'")


def test_missing_bpr_or_trn_is_fatal():
    text = write(partial_claim())
    no_bpr = fix_se_count(replace_segment(text, "BPR*", ""))
    rejects_always(no_bpr, 4, "TRN", "missing BPR (Financial Information)")
    no_trn = fix_se_count(replace_segment(text, "TRN*", ""))
    rejects_always(no_trn, position(no_trn, "N1*PR"), "N1", "missing TRN (Reassociation Trace")


def test_clp_with_too_few_elements_is_fatal():
    text = write(partial_claim())
    number = position(text, "CLP*")
    short = replace_segment(text, "CLP*", "CLP*PCN1*1*180")
    error = rejects_always(short, number, "CLP", "CLP04 (Claim Payment Amount) is required")
    assert "CLP has 3 element(s)" in error.reason
    bare = replace_segment(text, "CLP*", "CLP*PCN1")
    rejects_always(bare, number, "CLP", "CLP02 (Claim Status Code) is required")
    no_payer_number = replace_segment(text, "CLP*", "CLP*PCN1*1*180*100*44*12")
    only_warning(no_payer_number, number, "CLP", "CLP07 (Payer Claim Control Number) is required")


@pytest.mark.parametrize(
    ("prefix", "index", "value", "reason"),
    [
        ("CLP*", 4, "1OO", "CLP04 (Claim Payment Amount) '1OO' is not a number"),
        ("CLP*", 3, "", "CLP03 (Total Claim Charge Amount) is required"),
        ("CLP*", 5, "4 4", "CLP05 (Patient Responsibility Amount) '4 4' is not a number"),
        ("SVC*", 2, "150,00", "SVC02 (Line Item Charge Amount) '150,00' is not a number"),
        ("SVC*", 3, "", "SVC03 (Line Item Provider Payment Amount) is required"),
        ("CAS*CO", 3, "thirty", "CAS03 (Adjustment Amount for reason 45) 'thirty' is not"),
        ("BPR*", 2, "1E2", "BPR02 (Total Actual Provider Payment Amount) '1E2' is not a number"),
    ],
)
def test_amounts_that_are_not_numbers_are_fatal(prefix, index, value, reason):
    text = write(partial_claim())
    rejects_always(
        set_element(text, prefix, index, value), position(text, prefix), prefix[:3], reason
    )


def test_cas_triplets_must_be_complete():
    text = write(partial_claim())
    number = position(text, "CAS*CO")
    rejects_always(
        replace_segment(text, "CAS*CO", "CAS*CO*45"), number, "CAS", "CAS03 (Adjustment Amount"
    )
    rejects_always(
        replace_segment(text, "CAS*CO", "CAS*CO*45*30***5"),
        number,
        "CAS",
        "CAS06/CAS07 has an amount or quantity but CAS05",
    )
    rejects_always(replace_segment(text, "CAS*CO", "CAS*CO"), number, "CAS", "CAS02")


def test_service_line_before_its_claim_is_fatal():
    text = write(partial_claim())
    lx = position(text, "LX*")
    moved = replace_segment(text, "LX*", "LX*1~\nSVC*HC:99213*10*10**1")
    moved = fix_se_count(moved)
    rejects_always(moved, lx + 1, "SVC", "SVC before CLP: a service line (loop 2110) must follow")


def test_claim_without_header_number_loop_is_fatal():
    text = fix_se_count(replace_segment(write(partial_claim()), "LX*", ""))
    rejects_always(text, position(text, "CLP*"), "CLP", "CLP before LX: the claims of an 835")


def test_fragment_without_envelope_is_rejected():
    items = segments(write(partial_claim()))
    fragment = "".join(f"{raw}~\n" for raw in items[2:-2])
    assert fragment.startswith("ST*835")
    error = rejects_always(fragment, 1, "ST", "no ISA interchange header: not a complete X12 file")
    assert "it starts with ST" in error.reason
    rejects_always("BPR*I*1*C*CHK~", 1, "BPR", "no ISA interchange header")
    rejects_always("", 1, "", "the file is empty")


def test_bytes_and_byte_order_mark_are_read():
    text = write(partial_claim())
    assert read_835(text.encode()).total_paid == Decimal(100)
    assert read_835("\ufeff" + text).total_paid == Decimal(100)
    rejects_always(b"\xff\xfe" + text.encode(), 1, "", "not text")


def test_group_and_version_checks():
    text = write(partial_claim())
    rejects_always(text.replace("GS*HP*", "GS*HC*", 1), 2, "GS", "GS01 'HC' is not HP")
    rejects_always(text.replace("005010X221A1", "004010X091A1"), 2, "GS", "version 4010 835")
    base = text.replace("005010X221A1", "005010X221")
    only_warning(base, 2, "GS", "GS08 005010X221 is the version before its addenda")
    with_st03 = text.replace("ST*835*0001~", "ST*835*0001*005010X221A1~")
    assert read_835(with_st03).warnings == ()
    wrong_st03 = text.replace("ST*835*0001~", "ST*835*0001*005010X222A1~")
    only_warning(wrong_st03, 3, "ST", "ST03 '005010X222A1' does not match GS08")


def test_several_transaction_sets():
    items = segments(write(partial_claim()))
    st, se = items.index(next(s for s in items if s.startswith("ST*"))), len(items) - 3
    second = [
        s.replace("*0001", "*0002") if s[:3] in ("ST*", "SE*") else s for s in items[st : se + 1]
    ]
    second = [s.replace("*1*PPCN1", "*1*PPCN2") for s in second]
    second = [
        set_element(f"{s}~", "CLP*", 4, "99").strip().rstrip("~") if s.startswith("CLP*") else s
        for s in second
    ]
    both = items[: se + 1] + second + ["GE*1*12", items[-1]]
    text = "".join(f"{raw}~\n" for raw in both)
    with pytest.raises(X12Error) as excinfo:
        read_835(text, strict=False)
    assert "holds 2 835 transaction sets; use read_835_all()" in str(excinfo.value)
    first, other = read_835_all(text, strict=False)
    assert (first.transaction_control_number, other.transaction_control_number) == ("0001", "0002")
    ge = position(text, "GE*")
    first_reasons = [w.reason for w in first.warnings]
    other_reasons = [w.reason for w in other.warnings]
    assert any("GE01 says 1 transaction sets but the group has 2" in r for r in first_reasons)
    assert [w.segment_number for w in first.warnings] == [ge]
    assert sorted(w.segment_number for w in other.warnings) == [
        position(text, "BPR*", 2),
        position(text, "CLP*", 2),
        ge,
    ]
    assert any("CLP04 (paid) is 99" in r for r in other_reasons)
    rejects(text, position(text, "BPR*", 2), "BPR", "transaction balancing rule")


# ---------------------------------------------------------------------------- other checks


def test_code_list_and_identifier_checks():
    text = write(partial_claim())
    clp = position(text, "CLP*")
    only_warning(set_element(text, "CLP*", 2, "9"), clp, "CLP", "CLP02 (Claim Status Code) '9'")
    only_warning(set_element(text, "CLP*", 6, "CI"), clp, "CLP", "CLP06 (Claim Filing Indicator")
    cas = position(text, "CAS*CO")
    cr = set_element(text, "CAS*CO", 1, "CR")
    error = rejects(cr, cas, "CAS", "CAS01 'CR' (corrections and reversals) is a version 4010")
    assert "CLP02 22" in error.reason
    svc = position(text, "SVC*")
    only_warning(set_element(text, "SVC*", 1, "ZZ:99213"), svc, "SVC", "SVC01-1 (Product or")
    npi = set_element(text, "N1*PE", 4, "1234567890")
    only_warning(npi, position(text, "N1*PE"), "N1", "N104 '1234567890' is not a valid NPI")
    trn = set_element(text, "TRN*", 3, "870000001")
    only_warning(trn, 5, "TRN", "TRN03 (Payer Identifier) '870000001' must be '1' followed")
    state = set_element(text, "N4*", 2, "XX")
    only_warning(state, position(text, "N4*"), "N4", "N402 'XX' is not a US state")
    date_ = set_element(text, "DTM*405", 2, "20240231")
    only_warning(date_, position(text, "DTM*405"), "DTM", "'20240231' is not a valid CCYYMMDD")
    trailing = replace_segment(text, "LX*", "LX*1*")
    only_warning(trailing, position(text, "LX*"), "LX", "LX ends with an empty element")
    bpr15 = replace_segment(text, "BPR*", "BPR*I*100*C*CHK" + "*" * 11 + "20240703")
    error = only_warning(bpr15, 4, "BPR", "BPR16 (Check Issue or EFT Effective Date) is required")
    assert "the date 20240703 sits in BPR15" in error.warnings[0].reason
    assert error.payment_date is None


def test_separator_mismatch_in_a_composite_is_explained():
    text = write(partial_claim()).replace("SVC*HC:99213", "SVC*HC>99213")
    svc = position(text, "SVC*")
    rejects(text, svc, "SVC", "SVC01 'HC>99213' is not a composite in this interchange")
    remit = read_835(text, strict=False)
    assert remit.total_paid == Decimal(100)
    assert remit.claims[0].lines[0].qualifier == "HC>99213"


def test_missing_required_loop_segments_are_reported():
    text = write(partial_claim())
    no_per = fix_se_count(replace_segment(text, "PER*BL", ""))
    only_warning(
        no_per,
        position(no_per, "N1*PE"),
        "N1",
        "required segment PER with PER01 BL (Payer Technical Contact Information) is missing",
    )
    no_patient = fix_se_count(replace_segment(text, "NM1*QC", ""))
    only_warning(
        no_patient,
        position(no_patient, "SVC*"),
        "SVC",
        "required segment NM1 with NM101 QC (Patient Name) is missing",
    )


def test_payer_id_comes_from_ref_2u_then_plan_id_then_trn03():
    text = write(partial_claim())
    assert (read_835(text).payer.identifier, read_835(text).payer.identifier_source) == (
        "BSH01",
        "REF*2U",
    )
    plan = replace_segment(text, "N1*PR", "N1*PR*BIG STATE HEALTH PLAN*XV*PLANX")
    plan = fix_se_count(replace_segment(plan, "REF*2U", ""))
    payer = read_835(plan).payer
    assert (payer.identifier, payer.identifier_source, payer.plan_id) == (
        "PLANX",
        "N1*PR*XV",
        "PLANX",
    )
    neither = fix_se_count(replace_segment(text, "REF*2U", ""))
    payer = read_835(neither).payer
    assert (payer.identifier, payer.identifier_source) == ("1870000001", "TRN03")


def test_payee_tin_from_n1_or_ref():
    text = write(partial_claim())
    assert read_835(text).payee.tin == "131234567"
    by_tin = set_element(set_element(text, "N1*PE", 3, "FI"), "N1*PE", 4, "999887777")
    payee = read_835(by_tin).payee
    assert (payee.tin, payee.npi, payee.identifier) == ("999887777", "", "999887777")


def test_code_texts_fall_back_for_unknown_codes():
    assert carc.carc_text("45").startswith("charge above the fee schedule")
    assert carc.carc_text("Z99") == "CARC Z99 (not in this system's code table)"
    assert carc.rarc_text("N999") == "RARC N999 (not in this system's code table)"
    assert carc.group_text("CR").endswith("(version 4010 only, not used in 5010)")
    assert carc.claim_status_text("22") == "reversal of a previous payment"
    assert carc.plb_text("L6") == "interest owed to the provider"
    assert carc.adjustment_text("CO", "97").startswith("CO-97: included in the payment")


def test_x12_835_modules_do_not_import_django():
    code = (
        "import sys\n"
        "import billing.x12.reader835, billing.x12.writer835, billing.x12.carc\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'mso', 'celery'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
