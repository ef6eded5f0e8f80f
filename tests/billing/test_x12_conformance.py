"""The readers against public sample files (../shared/x12-samples, see PROVENANCE.txt there).

What "valid 5010" means here, per file. Strict mode (the default of every reader) accepts a
file only when it is valid 005010 as far as the reader checks; tolerant mode
(`strict=False`) reads a file whose defects do not make the data ambiguous and lists them as
warnings. Most public samples are *not* strictly valid, and the tests say why, naming the
first defect strict mode reports (pyx12 4.0 agrees wherever it checks the same rule):

837p/
- imsweb_* (valid_2claims, complex_6claims, many_claims_820, multiple_isa): ISA11 is "U", the
  version 4010 value, in a 00501 interchange where ISA11 is the repetition separator; their
  SE01 counts are also wrong (SE*25 for 34 segments), HL ids repeat (two HL*2, a parent "3"
  that does not exist), HI is malformed (HI*BK*8901 puts the code in its own element) and
  CLM02 (500) is not the sum of the lines. Strict: rejected at segment 1. Tolerant: read,
  with those warnings.
- imsweb_*_NEGATIVE_*: rejected in both modes. Strict names the first defect in file order
  (ISA11 again); tolerant -- and strict once ISA11 is repaired -- names the defect the file was
  made for: NM1*117 where the billing provider NM1*85 must be (an NM101 entity code outside
  the guide's code list), and REF/N4/N3 out of order in loops 2010AA/2010AB.
- lfh_*_X222A2_*: GS08/ST03 005010X222A2 is a later errata that HIPAA has not adopted (the
  mandated version is 005010X222A1). Strict: rejected at GS with that reason. Tolerant: read,
  same layout. With the version set to X222A1 (as PROVENANCE suggests for pyx12), strict
  accepts example1 and cob_example3B, and rejects ambulance_example5 for its empty CLM05-2
  facility code qualifier -- pyx12 gives exactly the same verdicts.
- moov_837p_sample_8claims and its DERIVED ICD-10 variant: claims with one diagnosis have
  service lines pointing at diagnosis 2 (SV107 "1:2"). pyx12 does not check pointers against
  HI; the guide requires a pointer to designate a diagnosis of the claim, and clearinghouses
  reject it. Strict: rejected at the first such SV1 (segment 65). Tolerant: read.
999/
- imsweb_999_accepted: GS05 "102497" is not a valid time and IEA02 does not match ISA13
  (pyx12 flags both). Strict: rejected at GS. Tolerant: accepted, one 837 transaction set.
- imsweb_999_rejected (acknowledges an 837I, 005010X223A2) and pyx12_999_for_834 (an 834):
  valid; read in strict mode.
277ca/
- imsweb_277CA_accepted/rejected: loop 2200C has a TRN without the required STC (pyx12 flags
  it too). Strict: rejected at the next HL. Tolerant: the claim statuses are read.
- lfh_277_X212_*: a 277 claim status response (005010X212), not a 277CA: rejected in both
  modes with that reason.
"""

from decimal import Decimal
from pathlib import Path

import pytest

from billing.x12.ack277ca import read_277ca
from billing.x12.ack999 import read_999
from billing.x12.errors import X12Error
from billing.x12.reader837 import read_837p
from tests.billing.test_x12_helpers import pyx12_check

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "x12-samples"

pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason="../shared/x12-samples not present (CI provides it)"
)


def sample(folder: str, name: str) -> str:
    path = SAMPLES / folder / name
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return path.read_text()


def strict_error(read, text: str) -> X12Error:
    with pytest.raises(X12Error) as excinfo:
        read(text)
    return excinfo.value


ISA11 = "ISA11 'U' is not a repetition separator"
POINTER = "SV107-2 points to diagnosis 2 but the claim has 1 diagnosis code(s)"
ERRATA = "GS08 005010X222A2 is a later errata"

# file -> (strict: (segment number, segment id, reason), tolerant: claim count)
EXPECTED_837 = {
    "DERIVED_moov_837p_icd10_variant.txt": ((65, "SV1", POINTER), 8),
    "moov_837p_sample_8claims.txt": ((65, "SV1", POINTER), 8),
    "imsweb_837p_valid_2claims.txt": ((1, "ISA", ISA11), 2),
    "imsweb_837p_complex_6claims.txt": ((1, "ISA", ISA11), 6),
    "imsweb_837p_many_claims_820.txt": ((1, "ISA", ISA11), 820),
    "imsweb_837p_multiple_isa.txt": ((1, "ISA", ISA11), 4),
    "lfh_837p_X222A2_ambulance_example5.837": ((2, "GS", ERRATA), 1),
    "lfh_837p_X222A2_cob_example3B.837": ((2, "GS", ERRATA), 1),
    "lfh_837p_X222A2_example1.837": ((2, "GS", ERRATA), 1),
}

# NEGATIVE file -> (tolerant error, strict error once ISA11 is repaired)
EXPECTED_NEGATIVE = {
    "imsweb_837p_NEGATIVE_bad_valid_code.txt": (
        (9, "NM1", "NM101 '117' is not a valid code here; expected NM101 = 85"),
        (9, "NM1", "NM101 '117' is not a valid code here"),
    ),
    "imsweb_837p_NEGATIVE_segments_out_of_order.txt": (
        (12, "N4", "N4 is out of order: in loop 2010AA (Billing Provider Name)"),
        (11, "REF", "required segment N4 (Billing Provider City, State, ZIP Code) is missing"),
    ),
}


def test_every_837p_sample_is_covered():
    names = {path.name for path in (SAMPLES / "837p").iterdir()}
    assert names == set(EXPECTED_837) | set(EXPECTED_NEGATIVE)


@pytest.mark.parametrize("name", sorted(EXPECTED_837))
def test_837p_samples(name):
    text = sample("837p", name)
    (number, seg_id, reason), claim_count = EXPECTED_837[name]
    error = strict_error(read_837p, text)
    assert (error.segment_number, error.segment_id) == (number, seg_id), str(error)
    assert reason in error.reason
    assert str(error).startswith(f"segment {number} ({seg_id})")
    read = read_837p(text, strict=False)
    assert len(read.claims()) == claim_count
    assert any(reason in warning.reason for warning in read.warnings)


@pytest.mark.parametrize("name", sorted(EXPECTED_NEGATIVE))
def test_837p_negative_samples_are_rejected(name):
    text = sample("837p", name)
    tolerant, repaired = EXPECTED_NEGATIVE[name]
    error = strict_error(read_837p, text)
    assert (error.segment_number, error.segment_id) == (1, "ISA")
    assert ISA11 in error.reason
    with pytest.raises(X12Error) as excinfo:
        read_837p(text, strict=False)
    assert (excinfo.value.segment_number, excinfo.value.segment_id) == tolerant[:2]
    assert tolerant[2] in excinfo.value.reason, str(excinfo.value)
    error = strict_error(read_837p, text.replace("*U*00501*", "*^*00501*"))
    assert (error.segment_number, error.segment_id) == repaired[:2]
    assert repaired[2] in error.reason, str(error)


def test_moov_icd10_variant_content():
    read = read_837p(sample("837p", "DERIVED_moov_837p_icd10_variant.txt"), strict=False)
    contexts = read.claims()
    first = contexts[0]
    assert first.claim.patient_control_number == "1029353-03"
    assert first.claim.total_charge == Decimal("553.96")
    assert first.claim.line_total == Decimal("553.96")
    assert first.claim.diagnoses == ("6268", "78930")
    assert first.claim.diagnosis_qualifiers == ("ABK", "ABF")
    assert [ln.procedure_code for ln in first.claim.lines] == ["87086", "97530", "97530", "97530"]
    assert [ln.diagnosis_pointers for ln in first.claim.lines] == [(1,), (1, 2), (1, 2), (1, 2)]
    assert first.billing_provider.provider.identifier == "1215954003"
    assert first.subscriber.payer.name == "BLUE CROSS"
    assert first.patient_relationship == "18"
    assert [c.claim.patient_control_number for c in contexts[1:4]] == [
        "1029353-03",
        "1-1180",
        "1-1181",
    ]
    assert {w.reason for w in read.warnings} == {POINTER}


def test_imsweb_samples_read_in_tolerant_mode():
    complex_read = read_837p(sample("837p", "imsweb_837p_complex_6claims.txt"), strict=False)
    [interchange] = complex_read.interchanges
    assert [len(g.transactions) for g in interchange.groups] == [2]
    contexts = complex_read.claims()
    assert [c.claim.patient_control_number for c in contexts[:3]] == [
        "A37YH556",
        "A37YH667",
        "A37YH668",
    ]
    assert [c.patient_relationship for c in contexts[:3]] == ["18", "01", "01"]
    assert len(contexts[0].claim.other_subscribers) == 3
    reasons = " | ".join(w.reason for w in complex_read.warnings)
    assert "SE01 says 25 segments but the transaction set" in reasons
    assert "HL01 '2' is used twice" in reasons
    assert "NM108 (Identification Code Qualifier) 'X' is not a valid code" in reasons
    multi = read_837p(sample("837p", "imsweb_837p_multiple_isa.txt"), strict=False)
    assert [i.control_number for i in multi.interchanges] == ["000000905", "000000906"]
    many = read_837p(sample("837p", "imsweb_837p_many_claims_820.txt"), strict=False)
    assert len({c.claim.patient_control_number for c in many.claims()}) >= 2


def test_lfh_x222a2_samples_with_the_adopted_version():
    verdicts = {}
    for name in (
        "lfh_837p_X222A2_example1.837",
        "lfh_837p_X222A2_cob_example3B.837",
        "lfh_837p_X222A2_ambulance_example5.837",
    ):
        text = sample("837p", name).replace("005010X222A2", "005010X222A1")
        try:
            read_837p(text)
            ours = "valid"
        except X12Error as exc:
            ours = exc.reason
        ok, errors, _ = pyx12_check(text)
        verdicts[name] = (ours, ok, errors)
    assert verdicts["lfh_837p_X222A2_example1.837"] == ("valid", True, [])
    assert verdicts["lfh_837p_X222A2_cob_example3B.837"] == ("valid", True, [])
    ours, ok, errors = verdicts["lfh_837p_X222A2_ambulance_example5.837"]
    assert "CLM05-2 (Facility Code Qualifier) is required" in ours
    assert not ok and any("CLM05-02" in error for error in errors)
    cob = read_837p(sample("837p", "lfh_837p_X222A2_cob_example3B.837"), strict=False)
    [context] = cob.claims()
    assert context.patient_relationship == "19"
    [other] = context.claim.other_subscribers
    assert other.paid_amount == Decimal("39.15")
    assert other.payer is not None and other.payer.identifier == "999996666"


# ---------------------------------------------------------------------------- 999


def test_imsweb_999_accepted():
    text = sample("999", "imsweb_999_accepted.txt")
    error = strict_error(read_999, text)
    assert (error.segment_number, error.segment_id) == (2, "GS")
    assert "GS05 '102497' is not a valid" in error.reason
    ack = read_999(text, strict=False)
    assert ack.accepted and ack.group_status == "accepted"
    assert ack.acknowledged_functional_id == "HC"
    assert ack.acknowledged_group_control_number == "17456"
    assert [(t.transaction_set_id, t.control_number, t.status) for t in ack.transactions] == [
        ("837", "0001", "accepted")
    ]
    assert all(t.accepted for t in ack.transactions)
    assert any("IEA02" in w.reason for w in ack.warnings)


def test_imsweb_999_rejected():
    ack = read_999(sample("999", "imsweb_999_rejected.txt"))
    assert not ack.accepted and ack.group_status == "rejected"
    assert ack.acknowledged_version == "005010X223A2"  # it answers an 837 institutional
    [transaction] = ack.transactions
    assert (transaction.control_number, transaction.status, transaction.accepted) == (
        "0028",
        "rejected",
        False,
    )
    assert transaction.syntax_errors == (("5", "one or more segments are in error"),)
    [segment_error] = transaction.segment_errors
    assert (segment_error.segment_id, segment_error.position, segment_error.code) == ("NM", 17, "1")
    assert "segment NM at position 17: unrecognised segment id" in " ".join(ack.reasons)
    assert (ack.transaction_sets_received, ack.transaction_sets_accepted) == (1, 0)


def test_pyx12_999_acknowledges_an_834():
    ack = read_999(sample("999", "pyx12_999_for_834.txt"))
    assert ack.acknowledged_transaction_sets == ("834",)
    assert ack.acknowledged_functional_id == "BE"
    assert ack.accepted
    assert ack.transaction("146001") is not None and ack.transaction("146001").accepted


# ---------------------------------------------------------------------------- 277CA


def test_imsweb_277ca_accepted():
    text = sample("277ca", "imsweb_277CA_accepted.txt")
    error = strict_error(read_277ca, text)
    assert (error.segment_number, error.segment_id) == (19, "HL")
    assert "required segment STC (Billing Provider Status Information)" in error.reason
    ack = read_277ca(text, strict=False)
    [claim] = ack.claims
    assert claim.patient_control_number == "5781"
    assert claim.accepted and claim.status == "accepted"
    assert claim.payer_claim_number == "1107000000014420"
    assert claim.total_charge == Decimal("125")
    assert (claim.statuses[0].category, claim.statuses[0].code) == ("A2", "20")
    assert "accepted into the payer's adjudication system" in claim.reasons[0]
    assert ack.batch_reference == "000000674"
    assert ack.accepted_quantity == Decimal(1) and ack.accepted_amount == Decimal("125.0")


def test_imsweb_277ca_rejected():
    ack = read_277ca(sample("277ca", "imsweb_277CA_rejected.txt"), strict=False)
    [claim] = ack.claims
    assert claim.patient_control_number == "3920394930203"
    assert claim.rejected and not claim.accepted
    [status] = claim.statuses
    assert (status.category, status.code, status.entity) == ("A7", "562", "85")
    assert claim.reasons == (
        "A7: rejected for invalid information; 562: the entity's National Provider "
        "Identifier (NPI) (billing provider)",
    )
    assert ack.rejected_claims == (claim,)


def test_x212_claim_status_response_is_not_a_277ca():
    text = sample("277ca", "lfh_277_X212_claim_status_NOT_277CA.277")
    for strict in (True, False):
        with pytest.raises(X12Error) as excinfo:
            read_277ca(text, strict=strict)
        assert (excinfo.value.segment_number, excinfo.value.segment_id) == (2, "GS")
        assert "005010X212" in excinfo.value.reason
        assert "not a 277CA claim acknowledgment (005010X214)" in excinfo.value.reason
