"""The 835 reader against the public sample files in ../shared/x12-samples/835 (where each
comes from is in ../shared/x12-samples/PROVENANCE.txt).

Strict mode (the default) accepts a file only when it is valid 005010X221A1 as far as the
reader checks, balancing included; tolerant mode (`strict=False`) reads what it can and
lists the defects as warnings. Per file, the first defect strict mode reports, in file order
(pyx12 4.0 flags the same defect wherever it checks that rule; pyx12 does not check the
balancing rules):

- edi835parser_emedny_sample: valid. Three claims, 45.75 paid, all balanced (a denial and a
  partial payment with CO-29 / CO-251 at line level). pyx12: clean.
- edi835parser_uhc_legacy_sample: the payee N4 (segment 16) has state "NP", not a US state
  or Canadian province; everything else is valid and balanced, including CLP05 = the PR
  adjustments (105.26 and 5.13 + 110). pyx12 flags the same N402.
- edi835parser_bcbsnc_FRAGMENT_no_envelope: an ST..SE fragment without ISA/GS: rejected in
  both modes, "no ISA interchange header: not a complete X12 file".
- lfh_835_cob_contractual_adjustment and lfh_835_secondary_payment: BPR has one '*' too few,
  so the payment date sits in BPR15 and the required BPR16 is missing (segment 4). They also
  lack the required PER*BL payer technical contact, and their SVC01 composites use '>' while
  ISA16 says ':' (so the procedure code cannot be read). pyx12 flags all three. Both balance.
- lfh_835_demo_PLB and lfh_835_medicare_part_a_PLB (the same content): the required PER*BL
  is missing from loop 1000A, reported when the payee N1 (segment 11) ends the loop; TS309
  and TS311 are filled although 005010X221A1 does not use them (a 4010 habit). pyx12 flags
  both. They balance: 150000.00 = 138018.40 + 11980.33 - (-1.27) (PLB CV capital
  pass-through).
- lfh_835_managed_care: BPR16 "20002316" is not a date (segment 4); PER*BL is missing and
  the payee NPI fails its check digit. pyx12 flags the date and PER. Balanced, with
  claim-level CO-A2 adjustments besides the line ones.
- moov_835_sample1_PLB (two transaction sets): ISA11 is "U", the 4010 value (segment 1).
  Repaired, strict stops at BPR02 -6173.5: an 835 cannot pay less than zero (the payer
  netted a PLB 50 late charge against no payment instead of carrying it forward with FB).
  The first transaction also breaks the claim balancing rule: CLP03 385.21 - 385.20 of
  adjustments = 0.01, but CLP04 is 0 (its only line pays 0.01). pyx12 sees none of these
  (it only flags the trailing '*' of the SVC, which we report too).
- moov_835_sample2: BPR16 "20990080" is not a date (segment 4). Repaired, strict stops at
  the claim balancing rule: 4199.68 - 1201.68 = 2998.00, but CLP04 is 4000.00 (the claim pays
  more than its only line, with no claim-level adjustment to explain it). pyx12 flags only
  the date.
- pyx12_835_mult_loops: valid; a denied claim (CLP02 4) of three lines with CO-16 and OA-A7,
  BPR02 0 (BPR01 H, NON). pyx12: clean.
"""

from decimal import Decimal
from pathlib import Path

import pytest

from billing.x12.errors import X12Error
from billing.x12.reader835 import read_835, read_835_all
from tests.billing.test_x12_helpers import pyx12_check

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "x12-samples" / "835"

pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason="../shared/x12-samples/835 not present (CI provides it)"
)

FRAGMENT = "edi835parser_bcbsnc_FRAGMENT_no_envelope.txt"
PER_BL = "required segment PER with PER01 BL (Payer Technical Contact Information) is missing"
BPR15 = "BPR16 (Check Issue or EFT Effective Date) is required; the date {} sits in BPR15"
BAD_DATE = "BPR16 (Check Issue or EFT Effective Date) '{}' is not a valid CCYYMMDD date"
ISA11 = "ISA11 'U' is not a repetition separator"

# file -> strict verdict (segment number, id, reason) or None when valid,
#         tolerant (total paid, claim count) per transaction set,
#         the warnings tolerant mode reports (segment number, reason fragment), in order
EXPECTED: dict[str, tuple] = {
    "edi835parser_emedny_sample.txt": (None, [("45.75", 3)], []),
    "edi835parser_uhc_legacy_sample.txt": (
        (16, "N4", "N402 'NP' is not a US state, territory or Canadian province"),
        [("349.99", 2)],
        [(16, "N402 'NP'")],
    ),
    "lfh_835_cob_contractual_adjustment.835": (
        (4, "BPR", BPR15.format("20050318")),
        [("34.00", 1)],
        [
            (4, "BPR16"),
            (11, PER_BL),
            (21, "SVC01 'HC>55669' is not a composite in this interchange"),
            (21, "SVC01-1 (Product or Service ID Qualifier) 'HC>55669' is not a valid code"),
            (21, "SVC01-2 (Adjudicated Procedure Code) is required"),
        ],
    ),
    "lfh_835_secondary_payment.835": (
        (4, "BPR", BPR15.format("20050412")),
        [("1222.00", 2)],
        [
            (4, "BPR16"),
            (11, PER_BL),
            (29, "SVC01 'HC>12345>26' is not a composite"),
            (29, "SVC01-1"),
            (29, "SVC01-2"),
            (34, "SVC01 'HC>66543>26' is not a composite"),
            (34, "SVC01-1"),
            (34, "SVC01-2"),
        ],
    ),
    "lfh_835_demo_PLB.835": (
        (11, "N1", PER_BL),
        [("150000.00", 2)],
        [
            (11, PER_BL),
            (13, "TS309 '138018.40' is not used in 005010X221A1"),
            (13, "TS311 '73348.57' is not used"),
            (23, "TS309 '11980.33' is not used"),
            (23, "TS311 '3019.67' is not used"),
        ],
    ),
    "lfh_835_managed_care.835": (
        (4, "BPR", BAD_DATE.format("20002316")),
        [("945.00", 2)],
        [(4, "BPR16"), (10, PER_BL), (10, "N104 '5544667733' is not a valid NPI")],
    ),
    "moov_835_sample1_PLB.txt": (
        (1, "ISA", ISA11),
        [("-6173.5", 1), ("-6173.4", 1)],
        [
            (1, ISA11),
            (4, "BPR02 -6173.5 is negative: an 835 cannot pay less than zero"),
            (12, "N104 'NPI Number' is not a valid NPI"),
            (
                18,
                "claim balancing rule (CLP03 - claim and line adjustments = CLP04) fails: "
                "charge 385.21 - adjustments 385.20 (claim 0, lines 385.20) = 0.01, but CLP04 "
                "(paid) is 0",
            ),
            (22, "NM109 'NPI Number' is not a valid NPI"),
            (28, "SVC ends with an empty element"),
        ],
    ),
    "moov_835_sample2.txt": (
        (4, "BPR", BAD_DATE.format("20990080")),
        [("4000.00", 1)],
        [
            (4, "BPR16"),
            (
                19,
                "claim balancing rule (CLP03 - claim and line adjustments = CLP04) fails: "
                "charge 4199.68 - adjustments 1201.68 (claim 0, lines 1201.68) = 2998.00, but "
                "CLP04 (paid) is 4000.00",
            ),
        ],
    ),
    "pyx12_835_mult_loops.txt": (None, [("0", 1)], []),
}
EXPECTED["lfh_835_medicare_part_a_PLB.835"] = EXPECTED["lfh_835_demo_PLB.835"]


def sample(name: str) -> str:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return path.read_text()


def test_every_835_sample_is_covered_and_listed_in_provenance():
    names = {path.name for path in SAMPLES.iterdir()}
    assert names == set(EXPECTED) | {FRAGMENT}
    provenance = (SAMPLES.parent / "PROVENANCE.txt").read_text()
    for name in names:
        assert f"835/{name} |" in provenance, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_835_samples(name):
    text = sample(name)
    verdict, transactions, warnings = EXPECTED[name]
    if verdict is None:
        strict = read_835_all(text)
        assert all(r.warnings == () for r in strict)
    else:
        number, seg_id, reason = verdict
        with pytest.raises(X12Error) as excinfo:
            read_835_all(text)
        error = excinfo.value
        assert (error.segment_number, error.segment_id) == (number, seg_id), str(error)
        assert reason in error.reason, str(error)
    read = read_835_all(text, strict=False)
    assert [(str(r.total_paid), len(r.claims)) for r in read] == transactions
    found = [(w.segment_number, w.reason) for w in read[0].warnings]
    assert len(found) == len(warnings), found
    for (number, reason), (wanted_number, wanted) in zip(found, warnings, strict=True):
        assert number == wanted_number, found
        assert wanted in reason, found
    for remit in read:
        # The transaction balancing rule holds in every sample.
        assert remit.total_paid == remit.claim_payment_total - remit.provider_adjustment_total


def test_fragment_without_envelope_is_rejected_with_a_clear_reason():
    text = sample(FRAGMENT)
    for strict in (True, False):
        with pytest.raises(X12Error) as excinfo:
            read_835(text, strict=strict)
        error = excinfo.value
        assert (error.segment_number, error.segment_id) == (1, "ST")
        assert error.reason.startswith("no ISA interchange header: not a complete X12 file")


def test_pyx12_agrees_on_the_valid_samples_and_the_envelope_defects():
    for name in ("edi835parser_emedny_sample.txt", "pyx12_835_mult_loops.txt"):
        ok, errors, _ = pyx12_check(sample(name))
        assert (ok, errors) == (True, []), name
    ok, errors, _ = pyx12_check(sample("edi835parser_uhc_legacy_sample.txt"))
    assert not ok
    assert any("(NP) is not a valid code" in e and "N402" in e for e in errors), errors
    ok, errors, _ = pyx12_check(sample("lfh_835_cob_contractual_adjustment.835"))
    assert any("(BPR16) is missing" in e for e in errors), errors
    assert any("Payer Technical Contact Information" in e for e in errors), errors
    ok, errors, _ = pyx12_check(sample("moov_835_sample2.txt"))
    assert [e for e in errors if "BPR16" in e and "20990080" in e], errors
    assert len(errors) == 1  # pyx12 does not check the claim balancing


def test_emedny_sample_content():
    remit = read_835(sample("edi835parser_emedny_sample.txt"))
    assert (remit.payer.name, remit.payer.identifier, remit.payer.identifier_source) == (
        "NYSDOH",
        "1000000000",
        "TRN03",
    )
    assert remit.payee.npi == "9999999995"
    assert remit.trace_number == "10100000000"
    assert [c.payment for c in remit.claims] == [Decimal("34.25"), Decimal(0), Decimal("11.5")]
    partial = remit.claims[2]
    assert [line.payment for line in partial.lines] == [
        Decimal(6),
        Decimal("5.5"),
        Decimal(0),
        Decimal(0),
    ]
    denied_line = partial.lines[2]
    assert (denied_line.procedure_code, denied_line.modifiers) == ("V2700", ("RB",))
    assert [(a.group, a.reason, a.amount) for a in denied_line.adjustments] == [
        ("CO", "251", Decimal("2.75"))
    ]
    assert "documentation" in denied_line.adjustments[0].reason_text
    assert [r.code for r in denied_line.remarks] == ["N206"]
    assert partial.amount("AU") == Decimal("11.5")
    # SVC05 "0" is zero units paid, not the default of one
    assert [line.units for line in remit.claims[1].lines] == [Decimal(0), Decimal(0)]
    assert remit.claims[0].lines[3].units == Decimal(2)
    managed = read_835(sample("lfh_835_managed_care.835"), strict=False)
    assert [line.units for claim in managed.claims for line in claim.lines] == [1, 1]


def test_uhc_sample_patient_responsibility_and_payer_id():
    remit = read_835(sample("edi835parser_uhc_legacy_sample.txt"), strict=False)
    assert (remit.payer.identifier, remit.payer.identifier_source, remit.payer.plan_id) == (
        "87726",
        "REF*2U",
        "87726",
    )
    first, second = remit.claims
    assert first.patient_responsibility == first.patient_responsibility_total == Decimal("105.26")
    assert second.patient_responsibility == Decimal("115.13")
    quantity_line = second.lines[2]
    assert [(a.group, a.reason, a.amount, a.quantity) for a in quantity_line.adjustments] == [
        ("PR", "2", Decimal("5.13"), None),
        ("PR", "1", Decimal(110), None),
        ("CO", "45", Decimal("184.32"), None),
    ]
    assert [line.line_control_number for line in second.lines] == [
        "123456789012",
        "123456789013",
        "123456789014",
    ]


def test_secondary_payment_claim_without_lines():
    remit = read_835(sample("lfh_835_secondary_payment.835"), strict=False)
    no_lines, with_lines = remit.claims
    assert no_lines.lines == ()
    assert no_lines.status_text == "processed as secondary"
    assert [(a.group, a.reason, a.amount) for a in no_lines.adjustments] == [
        ("OA", "23", Decimal("9411.64"))
    ]
    assert no_lines.total_charge - no_lines.adjustment_total == no_lines.payment
    assert with_lines.patient_responsibility_total == Decimal(220)
    assert with_lines.rendering_provider is not None
    assert with_lines.rendering_provider.id_qualifier == "BS"


def test_plb_samples():
    demo = read_835(sample("lfh_835_demo_PLB.835"), strict=False)
    [capital] = demo.provider_adjustments
    assert (capital.reason, capital.reference, capital.amount) == ("CV", "CP", Decimal("-1.27"))
    assert capital.text == "capital pass-through"
    assert [c.remarks[0].code for c in demo.claims if c.remarks] == ["MA02"]
    moov = read_835_all(sample("moov_835_sample1_PLB.txt"), strict=False)
    assert [(p.reason, p.reference, p.amount) for r in moov for p in r.provider_adjustments] == [
        ("50", "111", Decimal("6173.5")),
        ("50", "111", Decimal("6173.4")),
    ]
    assert {r.payment.handling_code for r in moov} == {"H"}


def test_repaired_samples_stop_at_their_next_defect():
    moov1 = sample("moov_835_sample1_PLB.txt").replace("*U*00501*", "*^*00501*")
    with pytest.raises(X12Error) as excinfo:
        read_835_all(moov1)
    assert (excinfo.value.segment_number, excinfo.value.segment_id) == (4, "BPR")
    assert "BPR02 -6173.5 is negative" in excinfo.value.reason
    moov2 = sample("moov_835_sample2.txt").replace("*20990080~", "*20220808~")
    with pytest.raises(X12Error) as excinfo:
        read_835(moov2)
    assert (excinfo.value.segment_number, excinfo.value.segment_id) == (19, "CLP")
    assert "claim balancing rule" in excinfo.value.reason
    assert "CLP04 (paid) is 4000.00" in excinfo.value.reason
