"""The 835 writer: pyx12 finds zero errors in each shape of remittance, the amounts are
computed so the file balances, invalid data is refused naming the field, and the synthetic
generator gives balanced, varied, reproducible remittances."""

from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pytest

from billing.x12.errors import X12WriteError
from billing.x12.reader835 import read_835
from billing.x12.writer835 import (
    Adjustment835Input,
    reversal_of,
    synthetic_835,
    synthetic_835_input,
    write_835,
)
from tests.billing.test_x12_835_helpers import (
    CONTROL,
    PAYEE,
    RENDERING,
    SERVICE_DATE,
    adj,
    claim,
    line,
    partial_claim,
    plb,
    remittance,
    segments,
    write,
)
from tests.billing.test_x12_helpers import assert_pyx12_clean


def paid_claim(pcn: str = "PAID1"):
    return claim(
        pcn,
        line("99214", "220", adj("CO", "45", "60"), control=f"{pcn}-1", allowed="160"),
        rendering=RENDERING,
    )


def denied_claim(pcn: str = "DENY1"):
    return claim(
        pcn,
        line("97110", "90", adj("CO", "97", "90"), control=f"{pcn}-1", remarks=("M15",)),
        line("99213", "150", adj("CO", "16", "150"), control=f"{pcn}-2", remarks=("M51",)),
        status="4",
    )


SHAPES = {
    "single paid claim": lambda: write(paid_claim()),
    "denied claim": lambda: write(denied_claim()),
    "partial with PR": lambda: write(partial_claim()),
    "claim-level denial without lines": lambda: write(
        claim(
            "LATE1",
            adjustments=(adj("CO", "29", "250"),),
            status="4",
            charge="250",
            statement=SERVICE_DATE,
            remarks=("MA130",),
        )
    ),
    "reversal and correction": lambda: write(
        reversal_of(partial_claim("FIX1")), paid_claim("FIX1")
    ),
    "PLB interest and recoupment": lambda: write(
        paid_claim(),
        partial_claim(),
        plbs=(plb("L6", "-3.17", "PPAID1"), plb("WO", "45", "P2023OLD")),
    ),
    "ACH payment": lambda: write(paid_claim(), method="ACH"),
    "zero payment (NON)": lambda: write(denied_claim()),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_written_shapes_are_pyx12_clean_and_read_back(shape):
    text = SHAPES[shape]()
    assert_pyx12_clean(text)
    remit = read_835(text)
    assert remit.total_paid == remit.claim_payment_total - remit.provider_adjustment_total


def test_synthetic_200_claims_is_pyx12_clean():
    text = synthetic_835(200, seed=5)
    assert_pyx12_clean(text)
    assert len(read_835(text).claims) == 200


def test_amounts_are_computed_from_charges_and_adjustments():
    text = write(partial_claim(), paid_claim(), plbs=(plb("L6", "-1.5"), plb("WO", "20")))
    items = segments(text)
    bpr = next(s for s in items if s.startswith("BPR*"))
    # claims pay 100 + 160, interest adds 1.50, the recoupment takes 20
    assert bpr.split("*")[1:5] == ["I", "241.5", "C", "CHK"]
    assert bpr.split("*")[16] == "20240703"
    assert "CLP*PCN1*1*180*100*44*12*PPCN1*11*1" in items
    assert "CLP*PAID1*1*220*160**12*PPAID1*11*1" in items
    assert "SVC*HC:99213*150*100**1" in items
    assert "SVC*HC:85025*30*0**1" in items
    assert "PLB*1588000004*20241231*L6*-1.5*WO*20" in items
    assert "NM1*82*1*SMITH*ANNA****XX*1003000001" in items


def test_cas_groups_codes_and_splits_after_six_adjustments():
    many = tuple(adj("CO", str(reason), "1") for reason in (4, 5, 6, 7, 8, 9, 10))
    text = write(claim("MANY", line("99213", "150", *many, adj("PR", "2", "3", "1"))))
    cas = [s for s in segments(text) if s.startswith("CAS*")]
    assert cas == [
        "CAS*CO*4*1**5*1**6*1**7*1**8*1**9*1",
        "CAS*CO*10*1",
        "CAS*PR*2*3*1",
    ]
    assert_pyx12_clean(text)
    [read] = read_835(text).claims
    assert [(a.group, a.reason) for a in read.lines[0].adjustments][-2:] == [
        ("CO", "10"),
        ("PR", "2"),
    ]


def test_zero_payment_is_written_as_notification_without_payment():
    bpr = next(s for s in segments(write(denied_claim())) if s.startswith("BPR*"))
    assert bpr.split("*")[1:5] == ["H", "0", "C", "NON"]


def test_ach_payment_carries_the_bank_accounts_and_company_id():
    bpr = next(s for s in segments(write(paid_claim(), method="ACH")) if s.startswith("BPR*"))
    assert bpr == (
        "BPR*I*160*C*ACH*CCP*01*021000021*DA*55550000*1870000001**01*011000015*DA*1234567*20240703"
    )


def test_reversal_negates_every_amount():
    original = partial_claim("R1")
    reversed_claim = reversal_of(original)
    assert reversed_claim.status == "22"
    assert (reversed_claim.total_charge, reversed_claim.paid) == (-original.total_charge, -100)
    assert reversed_claim.patient_responsibility == -original.patient_responsibility
    items = segments(write(reversed_claim, original))
    assert "CLP*R1*22*-180*-100*-44*12*PR1*11*1" in items
    assert "SVC*HC:99213*-150*-100**1" in items
    assert "CAS*PR*3*-20" in items


@pytest.mark.parametrize(
    ("build", "field", "reason"),
    [
        (
            lambda: remittance(paid_claim(), plbs=(plb("WO", "500"),)),
            "provider_adjustments",
            "cannot pay less than zero",
        ),
        (
            lambda: remittance(replace(paid_claim(), status="22")),
            "claims[0]",
            "use reversal_of()",
        ),
        (
            lambda: remittance(claim("X", line("99213", "10", adj("CO", "45", "20")))),
            "claims[0]",
            "must not be negative",
        ),
        (
            lambda: remittance(claim("X", line("99213", "10", adj("CR", "45", "2")))),
            "claims[0].lines[0].adjustments[0].group",
            "must be one of",
        ),
        (
            lambda: remittance(claim("X", line("99213", "10", adj("CO", "4*5", "2")))),
            "claims[0].lines[0].adjustments[0].reason",
            "not allowed",
        ),
        (
            lambda: replace(remittance(paid_claim()), payee=replace(PAYEE, npi="1234567890")),
            "payee.npi",
            "not a valid NPI",
        ),
        (
            lambda: remittance(paid_claim(), plbs=(plb("ZZ", "1"),)),
            "provider_adjustments[0].reason",
            "not a PLB03-1 code",
        ),
        (
            lambda: remittance(paid_claim(), plbs=(plb("L6", "0"),)),
            "provider_adjustments[0].amount",
            "never zero",
        ),
        (lambda: remittance(claim("X", status="4")), "claims[0].charge", "without lines"),
        (
            lambda: remittance(claim("X", line("99213", "10", when=None))),
            "claims[0].lines[0].service_date",
            "no statement dates",
        ),
        (
            lambda: remittance(claim("X", line("99213", "10.005"))),
            "claims[0].lines[0].charge",
            "more than 2 decimal places",
        ),
        (
            lambda: replace(remittance(paid_claim()), payer=replace(PAYEE_PAYER, company_id="12")),
            "payer.company_id",
            "expected format",
        ),
        (lambda: replace(remittance(paid_claim()), method="WIRE"), "method", "CHK or ACH"),
    ],
)
def test_invalid_remittances_are_refused_naming_the_field(build, field, reason):
    with pytest.raises(X12WriteError) as excinfo:
        write_835(build(), CONTROL)
    assert excinfo.value.field == field, str(excinfo.value)
    assert reason in excinfo.value.reason


PAYEE_PAYER = remittance().payer


def test_synthetic_remittance_has_the_promised_variety():
    remit = synthetic_835_input(400, seed=11)
    assert len(remit.claims) == 400
    statuses = Counter(c.status for c in remit.claims)
    assert {"1", "2", "4", "22"} <= set(statuses)
    pairs = Counter((a.group, a.reason) for c in remit.claims for a in c.all_adjustments)
    for wanted in [("CO", "45"), ("PR", "1"), ("PR", "2"), ("PR", "3"), ("OA", "23")]:
        assert pairs[wanted] > 0, wanted
    assert any(pairs[("CO", code)] for code in ("97", "16", "50"))
    assert any(not c.lines for c in remit.claims)
    reasons = [p.reason for p in remit.provider_adjustments]
    assert "L6" in reasons
    assert "WO" in reasons
    for reversal in (c for c in remit.claims if c.status == "22"):
        assert reversal.paid < 0
        later = [
            c for c in remit.claims if c.patient_control_number == reversal.patient_control_number
        ]
        assert [c.status for c in later] == ["22", "1"]
    assert remit.total_paid > 0


def test_synthetic_is_reproducible_and_balanced():
    first = synthetic_835(300, seed=3)
    assert first == synthetic_835(300, seed=3)
    assert first != synthetic_835(300, seed=4)
    read = read_835(first)
    expected = synthetic_835_input(300, seed=3)
    assert read.total_paid == expected.total_paid
    assert [c.payment for c in read.claims] == [c.paid for c in expected.claims]
    assert sum(len(c.lines) for c in read.claims) == sum(len(c.lines) for c in expected.claims)


def test_negative_adjustment_increases_the_payment():
    text = write(claim("NEG", line("99213", "100", adj("CO", "45", "30"), adj("OA", "94", "-5"))))
    assert "SVC*HC:99213*100*75**1" in segments(text)
    assert read_835(text).total_paid == Decimal(75)


def test_adjustment_quantities_are_written():
    text = write(
        claim("Q", line("97110", "90", Adjustment835Input("CO", "119", Decimal(90), Decimal(2))))
    )
    assert "CAS*CO*119*90*2" in segments(text)
