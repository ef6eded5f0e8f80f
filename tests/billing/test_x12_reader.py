"""Tokenizer, envelope checks and the structural checks of the 837P reader. Broken inputs are
derived from a valid written file by small text edits, and each must be rejected naming the
right segment (its 1-based position in the file) and a reason."""

import contextlib
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing.x12.ack277ca import read_277ca
from billing.x12.ack999 import read_999
from billing.x12.errors import X12Error, X12Issue
from billing.x12.reader import Reporter, read_envelopes, tokenize
from billing.x12.reader837 import read_837p
from billing.x12.segments import (
    Delimiters,
    SegmentWriter,
    amount,
    build_segment,
    hhmm,
    ident,
    quantity,
    text,
)
from tests.billing.test_x12_helpers import (
    ControlNumbers,
    claim,
    line,
    person,
    subscriber,
    write,
)

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures" / "x12"


def valid() -> str:
    return write(
        claim("PCN1", (line(), line("85025", "20.00")), diagnoses=("E119", "I10")),
        claim(
            "PCN2", sub=subscriber(person("KIDPARENT"), relationship="19"), patient=person("KID")
        ),
    )


def position(text: str, prefix: str, occurrence: int = 1) -> int:
    """1-based position of the segment starting with `prefix` (its n-th occurrence)."""
    seen = 0
    for number, raw in enumerate((r.strip() for r in text.split("~") if r.strip()), start=1):
        if raw.startswith(prefix):
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{prefix} not found")


def rejects(text: str | bytes, number: int, seg_id: str, reason: str, *, strict: bool = True):
    with pytest.raises(X12Error) as excinfo:
        read_837p(text, strict=strict)
    error = excinfo.value
    assert (error.segment_number, error.segment_id) == (number, seg_id), str(error)
    assert reason in error.reason, str(error)
    assert str(error).startswith(f"segment {number}")
    return error


# ---------------------------------------------------------------------------- segments.py


def test_amounts_are_minimal_decimal_text():
    assert [amount(Decimal(v)) for v in ("100.00", "100.50", "12.34", "0.00", "-5.10", "1E+2")] == [
        "100",
        "100.5",
        "12.34",
        "0",
        "-5.1",
        "100",
    ]
    assert quantity(Decimal("1.250")) == "1.25"


def test_free_text_is_cleaned_and_identifiers_are_refused():
    assert text("José  O'Brien*~:^ jr") == "JOSE O'BRIEN JR"
    assert text("abcdef", max_len=3) == "ABC"
    assert ident(" m123 ", field="f") == "M123"
    for bad in ("A*B", "A~B", "A:B", "A^B", "A\tB"):
        with pytest.raises(ValueError, match="not allowed"):
            ident(bad, field="member_id")
    with pytest.raises(ValueError, match="1-3"):
        ident("ABCD", field="f", max_len=3)
    assert hhmm("09:05") == "0905"
    with pytest.raises(ValueError, match="HHMM"):
        hhmm("2460")


def test_segment_builder_trims_and_refuses_delimiters():
    d = Delimiters()
    assert build_segment("SV1", [("HC", "99213", "", ""), "10", "", ""], d) == "SV1*HC:99213*10"
    assert build_segment("REF", ["ei", "x"], d) == "REF*EI*X"
    with pytest.raises(ValueError, match="delimiter"):
        build_segment("REF", ["EI", "1*2"], d)
    out = SegmentWriter(d, line_breaks=False)
    out.add("ST", "837", "0001")
    out.add("SE", str(out.count_since(0) + 1), "0001")
    assert out.render() == "ST*837*0001~SE*2*0001~"


# ---------------------------------------------------------------------------- tokenizer


def test_tokenizer_takes_delimiters_from_isa_and_numbers_segments():
    source = valid()
    swapped = source.translate(str.maketrans({"*": "|", ":": ">", "^": "!", "~": "\x1e"}))
    segments = list(tokenize(swapped))
    assert segments[0].delimiters == Delimiters("|", ">", "!", "\x1e")
    assert [s.number for s in segments] == list(range(1, len(segments) + 1))
    assert [s.line for s in segments[:3]] == [1, 2, 3]
    hi = next(s for s in segments if s.id == "HI")
    assert hi.components(2) == ("ABF", "I10")
    assert [c.claim.patient_control_number for c in read_837p(swapped).claims()] == ["PCN1", "PCN2"]


def test_line_breaks_after_terminators_are_tolerated():
    source = valid()
    for variant in (
        source.replace("~\n", "~"),
        source.replace("~\n", "~\r\n"),
        "\n" + source + "\n\n",
    ):
        assert len(read_837p(variant).claims()) == 2


def test_several_interchanges_in_one_file():
    first = write(claim("A1"), control=ControlNumbers(1, 1, 1))
    second = write(claim("B1"), claim("B2"), control=ControlNumbers(2, 2, 2))
    read = read_837p(first + second)
    assert [i.control_number for i in read.interchanges] == ["000000001", "000000002"]
    assert [c.claim.patient_control_number for c in read.claims()] == ["A1", "B1", "B2"]
    numbers = [s.number for s in tokenize(first + second) if s.id == "ISA"]
    assert numbers == [1, first.count("~") + 1]


@pytest.mark.parametrize(
    ("data", "number", "seg_id", "reason"),
    [
        ("", 1, "", "empty"),
        ("  \n\n", 1, "", "empty"),
        ("GS*HC*A*B~", 1, "GS", "expected an ISA segment"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, "", "not text"),
        ("\x00\x01\x02garbage", 1, "", "binary data"),
        ("ISA*00*", 1, "ISA", "truncated"),
        ("ISAA00A", 1, "ISA", "unknown element separator"),
    ],
)
def test_unreadable_files(data, number, seg_id, reason):
    rejects(data, number, seg_id, reason)


def test_short_isa_field_is_named():
    source = valid()
    short = source.replace("*ZZ*ETIN12345      *", "*ZZ*ETIN12345*", 1)
    rejects(short, 1, "ISA", "ISA06 must be exactly 15 characters")


def test_delimiters_must_differ():
    source = valid()
    clash = source.replace("*T*:~", "*T***", 1)
    rejects(clash, 1, "ISA", "ISA16")


def test_binary_inside_a_segment():
    source = valid()
    broken = source.replace("NM1*41*2*ACME", "NM1*41*2*AC\x00ME", 1)
    rejects(broken, position(source, "NM1*41"), "NM1", "control character U+0000")


def test_line_break_inside_a_segment():
    source = valid()
    broken = source.replace("ACME BILLING MSO", "ACME\nBILLING MSO", 1)
    rejects(broken, position(source, "NM1*41"), "NM1", "line break inside a segment")


def test_invalid_segment_identifier():
    source = valid()
    broken = source.replace("BHT*", "bht*", 1)
    rejects(broken, 4, "", "invalid segment identifier")


def test_truncated_file_and_missing_trailers():
    source = valid()
    cut = source[: source.index("CLM*PCN1") + 10]
    error = rejects(cut, position(source, "CLM*PCN1"), "CLM", "ends inside a segment")
    assert error.line == position(source, "CLM*PCN1")
    without_iea = source[: source.index("IEA*")]
    rejects(without_iea, position(source, "GE"), "GE", "without the IEA")
    without_se = source.replace(source[source.index("\nSE*") : source.index("\nGE*")], "")
    rejects(without_se, position(source, "GE") - 1, "GE", "SE missing")
    garbage_after = source + "HELLO WORLD"
    rejects(garbage_after, source.count("~") + 1, "", "expected an ISA segment or end of file")


@pytest.mark.parametrize(
    ("old", "new", "seg_id", "reason"),
    [
        ("\nSE*", "\nSE*9", "SE", "SE01 says"),
        ("*0006~\nGE", "*0007~\nGE", "SE", "SE02 control number '0007' does not match ST02"),
        ("GE*1*", "GE*2*", "GE", "GE01 says 2 transaction sets but the group has 1"),
        ("GE*1*45", "GE*1*46", "GE", "GE02 control number '46' does not match GS06 '45'"),
        ("IEA*1*", "IEA*3*", "IEA", "IEA01 says 3 functional groups"),
        ("IEA*1*000000123", "IEA*1*000000124", "IEA", "does not match ISA13"),
    ],
)
def test_envelope_counts_and_control_numbers(old, new, seg_id, reason):
    source = valid()
    broken = source.replace(old, new, 1)
    assert broken != source
    rejects(broken, position(source, seg_id), seg_id, reason)
    # Tolerant mode reads the claims and reports the same problem as a warning.
    read = read_837p(broken, strict=False)
    assert len(read.claims()) == 2
    assert any(reason in w.reason and w.segment_id == seg_id for w in read.warnings)
    assert all(isinstance(w, X12Issue) for w in read.warnings)


def test_segment_outside_a_transaction():
    source = valid()
    broken = source.replace("ST*837", "NM1*41*2*X~\nST*837", 1)
    rejects(broken, 3, "NM1", "outside a transaction set", strict=False)


def test_envelope_reader_groups_transactions():
    reporter = Reporter(strict=True)
    [interchange] = read_envelopes(valid(), reporter=reporter)
    [group] = interchange.groups
    [transaction] = group.transactions
    assert (interchange.sender_id, interchange.usage_indicator) == ("ETIN12345", "T")
    assert (group.functional_id, group.control_number, group.version) == (
        "HC",
        "45",
        "005010X222A1",
    )
    assert (transaction.set_id, transaction.control_number) == ("837", "0006")
    assert transaction.segments[0].id == "ST" and transaction.segments[-1].id == "SE"


# ---------------------------------------------------------------------------- 837 structure


def test_segments_out_of_order_in_the_claim_hierarchy():
    source = valid()
    n3 = "N3*100 MAIN STREET*SUITE 200~\n"
    n4 = "N4*ALBANY*NY*122071234~\n"
    swapped = source.replace(n3 + n4, n4 + n3, 1)
    # strict: at the N4 the required N3 has been skipped
    rejects(swapped, position(source, "N3*100"), "N4", "required segment N3")
    # tolerant: the N3 that follows the N4 cannot be placed
    rejects(swapped, position(source, "N4*ALBANY"), "N3", "out of order", strict=False)
    # the payer loop moved after the claim's HI
    payer = source[source.index("NM1*PR") : source.index("CLM*PCN1")]
    hi = "HI*ABK:E119*ABF:I10~\n"
    moved = source.replace(payer, "", 1).replace(hi, hi + payer, 1)
    rejects(moved, position(source, "CLM*PCN1") - 1, "CLM", "required loop 2010BB (Payer Name)")
    rejects(
        moved,
        position(source, "HI*ABK"),
        "NM1",
        "loop 2010BB (Payer Name) must come before loop 2300",
        strict=False,
    )


@pytest.mark.parametrize(
    ("old", "new", "prefix", "seg_id", "reason"),
    [
        ("HL*2*1*22*0", "HL*2*1*99*0", "HL*2*", "HL", "HL03 '99' is not a valid code here"),
        (
            "NM1*85*2",
            "NM1*86*2",
            "NM1*85",
            "NM1",
            "NM101 '86' is not a valid code here; expected NM101 = 85",
        ),
        (
            "11:B:1",
            "11:A:1",
            "CLM*PCN1",
            "CLM",
            "CLM05-2 (Facility Code Qualifier) 'A' is not a valid code",
        ),
        ("HI*ABK:E119", "HI*ABX:E119", "HI*ABK", "HI", "HI01-1 'ABX' is not a valid code here"),
        ("DTP*472", "DTP*999", "DTP*472", "DTP", "DTP01 '999' is not a valid code here"),
        ("BHT*0019", "BHT*0020", "BHT", "BHT", "BHT01 (Hierarchical Structure Code) '0020'"),
        ("PER*IC*", "ZZZ*IC*", "PER", "ZZZ", "unknown segment ZZZ"),
    ],
)
def test_invalid_codes_in_fixed_code_lists_are_fatal(old, new, prefix, seg_id, reason):
    source = valid()
    broken = source.replace(old, new, 1)
    assert broken != source
    for strict in (True, False):
        rejects(broken, position(source, prefix), seg_id, reason, strict=strict)


@pytest.mark.parametrize(
    ("old", "new", "prefix", "seg_id", "reason"),
    [
        ("SBR*P*18*GRP001", "SBR*P*19*GRP001", "SBR", "SBR", "SBR02"),
        ("SBR*P**GRP001", "SBR*P*18*GRP001", "SBR*P**", "SBR", "SBR02 is 18 (self) but"),
        ("******CI~", "******XX~", "SBR", "SBR", "SBR09 (Claim Filing Indicator Code) 'XX'"),
        ("HL*4*3*23", "HL*4*2*23", "HL*4", "HL", "HL02 parent '2' should be '3'"),
        ("HL*2*1*22*0", "HL*2*1*22*1", "HL*2", "HL", "HL04 '1' should be 0"),
        ("HL*2*1*22", "HL*5*1*22", "HL*2", "HL", "HL01 '5' should be 2"),
        ("PAT*19", "PAT*77", "PAT", "PAT", "PAT01 (Individual Relationship Code) '77'"),
        ("CLM*PCN1*120", "CLM*PCN1*121", "CLM*PCN1", "CLM", "does not equal the sum"),
        ("11:B:1", "11:B:7", "CLM*PCN1", "CLM", "requires REF*F8"),
        ("*UN*1***1~", "*UN*1***3~", "SV1", "SV1", "points to diagnosis 3 but the claim has 2"),
        ("LX*2", "LX*3", "LX*2", "LX", "LX01 '3' should be 2"),
        ("DTP*472*D8*20240501", "DTP*472*D8*20240231", "DTP*472", "DTP", "not a valid CCYYMMDD"),
        ("*CI~\nNM1*IL*1*DOE", "*CI~\nNM1*IL*3*DOE", "NM1*IL", "NM1", "NM102"),
    ],
)
def test_strict_errors_that_tolerant_mode_reports_as_warnings(old, new, prefix, seg_id, reason):
    source = valid()
    broken = source.replace(old, new, 1)
    assert broken != source, old
    rejects(broken, position(source, prefix), seg_id, reason)
    read = read_837p(broken, strict=False)
    assert len(read.claims()) == 2
    assert any(reason in w.reason for w in read.warnings), read.warnings


def test_other_837_versions_and_transaction_types():
    source = valid()
    institutional = source.replace("005010X222A1", "005010X223A2")
    rejects(institutional, 2, "GS", "837 Institutional", strict=False)
    errata = source.replace("005010X222A1", "005010X222A2")
    rejects(errata, 2, "GS", "later errata")
    assert len(read_837p(errata, strict=False).claims()) == 2
    not_claims = source.replace("GS*HC*", "GS*FA*", 1)
    rejects(not_claims, 2, "GS", "not HC", strict=False)


def test_x12_package_does_not_import_django():
    code = (
        "import sys\n"
        "import billing.x12.writer837, billing.x12.reader837, billing.x12.ack999, "
        "billing.x12.ack277ca\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'mso', 'celery'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------- robustness


def without_each_segment(source: str):
    lines = source.splitlines(keepends=True)
    for index in range(len(lines)):
        yield index + 1, "".join(lines[:index] + lines[index + 1 :])


@pytest.mark.parametrize("reader", [read_837p, read_999, read_277ca], ids=["837p", "999", "277ca"])
def test_deleting_any_segment_is_detected_in_strict_mode(reader):
    source = {
        read_837p: valid(),
        read_999: (FIXTURES / "999_partial.txt").read_text(),
        read_277ca: (FIXTURES / "277ca_mixed.txt").read_text(),
    }[reader]
    reader(source)
    total = source.count("~")
    for number, shortened in without_each_segment(source):
        with pytest.raises(X12Error) as excinfo:
            reader(shortened)
        assert 1 <= excinfo.value.segment_number <= total, (number, str(excinfo.value))
        # Tolerant mode either reads the rest or fails cleanly: never another exception.
        with contextlib.suppress(X12Error):
            reader(shortened, strict=False)


def read_outcome(data: str, *, strict: bool) -> X12Error | None:
    try:
        read_837p(data, strict=strict)
    except X12Error as exc:
        return exc
    return None


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0),
    st.sampled_from([*"*:^~\n\x00AZ09 |.-", "", "~\n", "*~", "HL*"]),
    st.booleans(),
)
def test_random_corruption_never_raises_anything_but_x12error(where, insert, strict):
    source = valid()
    index = where % len(source)
    error = read_outcome(source[:index] + insert + source[index + 1 :], strict=strict)
    if error is not None:
        assert error.segment_number >= 1
        assert str(error).startswith(f"segment {error.segment_number}")
