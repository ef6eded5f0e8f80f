"""837P writer: pyx12 must find zero errors, and the facts pyx12 does not check (counts,
control numbers, HL parents, claim totals) are asserted from the raw text. Files are read
back with reader837 for the claim content."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.claimdata import Address, ControlNumbers, OtherCoverage, Provider
from billing.x12.errors import X12WriteError
from billing.x12.reader837 import read_837p
from billing.x12.segments import text as x12_text
from billing.x12.writer837 import write_837p
from tests.billing.test_x12_helpers import (
    BILLING_PROVIDER,
    CONTROL,
    OTHER_RENDERING,
    PAYER,
    PRIMARY_PAYER,
    RENDERING,
    assert_pyx12_clean,
    batch,
    claim,
    line,
    make_npi,
    person,
    segments_of,
    subscriber,
    write,
)

GOLDEN_ISA = (
    "ISA*00*          *00*          *ZZ*ETIN12345      *ZZ*CH98765        "
    "*240502*1015*^*00501*000000123*0*T*:~"
)
GOLDEN_SINGLE = """\
{isa}
GS*HC*ETIN12345*CH98765*20240502*1015*45*X*005010X222A1~
ST*837*0006*005010X222A1~
BHT*0019*00*000000123*20240502*1015*CH~
NM1*41*2*ACME BILLING MSO*****46*ETIN12345~
PER*IC*JANE CLERK*TE*5185551234~
NM1*40*2*SYNTHETIC CLEARINGHOUSE*****46*CH98765~
HL*1**20*1~
PRV*BI*PXC*207Q00000X~
NM1*85*2*FRIENDLY MEDICAL PC*****XX*{billing_npi}~
N3*100 MAIN STREET*SUITE 200~
N4*ALBANY*NY*122071234~
REF*EI*131234567~
HL*2*1*22*0~
SBR*P*18*GRP001******CI~
NM1*IL*1*DOE*JOHN*Q***MI*MEM123456~
N3*12 ELM ROAD~
N4*TROY*NY*12180~
DMG*D8*19800102*M~
NM1*PR*2*ACME HEALTH PLAN*****PI*ACME01~
CLM*PCN0001*100***11:B:1*Y*A*Y*Y~
DTP*431*D8*20240420~
REF*G1*AUTH77~
HI*ABK:E119~
NM1*82*1*SMITH*ANNA****XX*{rendering_npi}~
PRV*PE*PXC*207Q00000X~
LX*1~
SV1*HC:99213:25*100*UN*1***1~
DTP*472*D8*20240501~
REF*6R*L1~
SE*29*0006~
GE*1*45~
IEA*1*000000123~
"""


def check_envelope_and_hierarchy(text: str) -> list[list[str]]:
    """The business facts pyx12 does not enforce, checked on the raw segments."""
    lines = text.split("\n")
    assert len(lines[0]) == 106, "ISA must be 106 characters including its terminator"
    segs = segments_of(text)
    ids = [s[0] for s in segs]
    assert ids[0] == "ISA" and ids[-1] == "IEA"
    isa, iea = segs[0], segs[-1]
    assert isa[13] == iea[2] and len(isa[13]) == 9 and isa[13].isdigit()
    assert iea[1] == str(ids.count("GS"))
    gs, ge = segs[1], segs[-2]
    assert ge[0] == "GE" and gs[6] == ge[2]
    assert ge[1] == str(ids.count("ST"))
    st_index, se_index = ids.index("ST"), ids.index("SE")
    st_seg, se = segs[st_index], segs[se_index]
    assert st_seg[2] == se[2] and len(st_seg[2]) >= 4
    assert int(se[1]) == se_index - st_index + 1
    # HL: numbered 1..n; parents point to an earlier HL of the level above; HL04 flags.
    levels: dict[str, str] = {}
    hls = [s for s in segs if s[0] == "HL"]
    for number, hl in enumerate(hls, start=1):
        assert hl[1] == str(number)
        parent_level = {"20": None, "22": "20", "23": "22"}[hl[3]]
        if parent_level is None:
            assert hl[2] == ""
        else:
            assert levels[hl[2]] == parent_level
        levels[hl[1]] = hl[3]
    for index, hl in enumerate(hls):
        has_child = any(other[2] == hl[1] for other in hls[index + 1 :])
        assert hl[4] == ("1" if has_child else "0"), hl
    # CLM02 = sum of SV102 of the claim's lines.
    for index, seg in enumerate(segs):
        if seg[0] != "CLM":
            continue
        total = Decimal(0)
        for later in segs[index + 1 :]:
            if later[0] in ("CLM", "HL", "SE"):
                break
            if later[0] == "SV1":
                total += Decimal(later[2])
        assert Decimal(seg[2]) == total, seg
    return segs


def test_single_claim_is_exactly_the_expected_text_and_pyx12_clean():
    text = write(
        claim(
            onset=date(2024, 4, 20),
            prior_authorization="AUTH77",
            lines=(line(control="L1", modifiers=("25",)),),
        )
    )
    expected = GOLDEN_SINGLE.format(
        isa=GOLDEN_ISA, billing_npi=BILLING_PROVIDER.identifier, rendering_npi=RENDERING.npi
    )
    assert text == expected
    assert_pyx12_clean(text)
    check_envelope_and_hierarchy(text)
    read = read_837p(text)
    assert read.warnings == ()
    [context] = read.claims()
    assert context.claim.patient_control_number == "PCN0001"
    assert context.claim.prior_authorization == "AUTH77"
    assert context.claim.onset_date == date(2024, 4, 20)
    assert context.patient_relationship == "18"
    assert context.patient.birth_date == date(1980, 1, 2)


def test_fifty_claims_in_one_transaction():
    claims = [
        claim(
            f"PCN{n:04d}",
            (line(charge=f"{50 + n}.25", control=f"L{n}"), line("85025", "12.5")),
            sub=subscriber(person(f"PATIENT{n}", member_id=f"M{n:06d}")),
        )
        for n in range(50)
    ]
    text = write(*claims)
    assert_pyx12_clean(text)
    segs = check_envelope_and_hierarchy(text)
    assert sum(1 for s in segs if s[0] == "CLM") == 50
    assert sum(1 for s in segs if s[0] == "HL") == 51  # one billing provider + 50 subscribers
    read = read_837p(text)
    contexts = read.claims()
    assert [c.claim.patient_control_number for c in contexts] == [f"PCN{n:04d}" for n in range(50)]
    assert [c.claim.total_charge for c in contexts] == [
        Decimal(f"{62.75 + n:.2f}") for n in range(50)
    ]


def test_consecutive_claims_of_one_subscriber_share_the_hierarchical_level():
    same = subscriber()
    text = write(claim("A1", sub=same), claim("A2", sub=same), claim("B1"))
    assert_pyx12_clean(text)
    segs = check_envelope_and_hierarchy(text)
    # A1 and A2 share HL 2 (equal subscribers); B1 has an equal subscriber too -> same run.
    assert [s[1:5] for s in segs if s[0] == "HL"] == [["1", "", "20", "1"], ["2", "1", "22", "0"]]
    other = subscriber(person("ROE", member_id="OTHER1"))
    text = write(claim("A1", sub=same), claim("C1", sub=other), claim("A2", sub=same))
    segs = check_envelope_and_hierarchy(text)
    assert sum(1 for s in segs if s[0] == "HL") == 4  # order of the batch is kept


def test_secondary_claim_for_a_child_with_the_primary_payer_paid_amount():
    mother = person("ROE", "MARY", member_id="SEC998877", sex="F", birth=date(1975, 3, 4))
    father = person("ROE", "PAUL", member_id="PRI112233", birth=date(1974, 6, 7))
    child = person("ROE", "KIM", member_id="", birth=date(2012, 9, 10), sex="F")
    secondary = subscriber(mother, responsibility="S", relationship="19", group_number="")
    primary = OtherCoverage(
        subscriber(father, payer=PRIMARY_PAYER, responsibility="P", relationship="19"),
        paid_amount=Decimal("80.00"),
    )
    text = write(
        claim(
            "SEC0001",
            (line(charge="120.00"), line("36415", "15.50")),
            sub=secondary,
            patient=child,
            other=(primary,),
        )
    )
    assert_pyx12_clean(text)
    segs = check_envelope_and_hierarchy(text)
    rendered = ["*".join(s) for s in segs]
    assert "HL*2*1*22*1" in rendered and "HL*3*2*23*0" in rendered
    assert "SBR*S********CI" in rendered  # SBR02 empty: the patient is not the subscriber
    assert "PAT*19" in rendered
    assert "NM1*QC*1*ROE*KIM*Q" in rendered
    assert "SBR*P*19*GRP001******BL" in rendered  # 2320: the primary payer
    assert "AMT*D*80" in rendered
    assert "OI***Y***Y" in rendered
    assert f"NM1*PR*2*{PRIMARY_PAYER.name}*****PI*{PRIMARY_PAYER.payer_id}" in rendered
    [context] = read_837p(text).claims()
    assert context.patient_relationship == "19"
    assert context.patient.name == "ROE" and context.patient.first_name == "KIM"
    assert context.subscriber.responsibility == "S"
    assert context.subscriber.subscriber.identifier == "SEC998877"
    [other] = context.claim.other_subscribers
    assert other.paid_amount == Decimal("80")
    assert other.responsibility == "P" and other.relationship == "19"
    assert other.payer is not None and other.payer.identifier == "BSI77"
    assert other.subscriber is not None and other.subscriber.identifier == "PRI112233"


def test_multi_line_claim_with_four_modifiers_four_pointers_and_twelve_diagnoses():
    diagnoses = (
        "E119",
        "I10",
        "E785",
        "Z6841",
        "M545",
        "J449",
        "N183",
        "F329",
        "K219",
        "G4733",
        "E039",
        "R0602",
    )
    lines = (
        line("99214", "150.00", modifiers=("25", "GT", "95", "59"), pointers=(1, 2, 3, 4)),
        line("93000", "45.10", pointers=(2,), control="LINE-2", place="22"),
        line("80053", "30.00", units="2", pointers=(12, 11), rendering=OTHER_RENDERING),
        line("97110", "60.00", units="1.5", pointers=(5,), modifiers=("GP",)),
    )
    text = write(claim("MULTI1", lines, diagnoses=diagnoses))
    assert_pyx12_clean(text)
    segs = check_envelope_and_hierarchy(text)
    rendered = ["*".join(s) for s in segs]
    hi = next(s for s in segs if s[0] == "HI")
    assert hi[1:] == ["ABK:E119"] + [f"ABF:{code}" for code in diagnoses[1:]]
    assert "SV1*HC:99214:25:GT:95:59*150*UN*1***1:2:3:4" in rendered
    assert "SV1*HC:93000*45.1*UN*1*22**2" in rendered  # line place of service differs
    assert "SV1*HC:80053*30*UN*2***12:11" in rendered
    assert "SV1*HC:97110:GP*60*UN*1.5***5" in rendered
    assert f"NM1*82*1*JONES*OMAR****XX*{OTHER_RENDERING.npi}" in rendered  # 2420A
    assert rendered.count(f"NM1*82*1*SMITH*ANNA****XX*{RENDERING.npi}") == 1  # 2310B only
    [context] = read_837p(text).claims()
    read = context.claim
    assert read.diagnoses == diagnoses
    assert read.diagnosis_qualifiers == ("ABK",) + ("ABF",) * 11
    assert read.total_charge == Decimal("285.10")
    assert [ln.modifiers for ln in read.lines] == [("25", "GT", "95", "59"), (), (), ("GP",)]
    assert [ln.diagnosis_pointers for ln in read.lines] == [(1, 2, 3, 4), (2,), (12, 11), (5,)]
    assert [ln.units for ln in read.lines] == [Decimal(1), Decimal(1), Decimal(2), Decimal("1.5")]
    assert read.lines[1].place_of_service == "22" and read.lines[0].place_of_service == ""
    assert read.lines[1].line_control_number == "LINE-2"
    assert read.lines[2].rendering_provider is not None
    assert read.lines[2].rendering_provider.identifier == OTHER_RENDERING.npi
    assert read.lines[0].rendering_provider is None


@pytest.mark.parametrize(("frequency", "payer_claim_number"), [("7", "PAYER-123"), ("8", "X9")])
def test_corrected_and_void_claims_carry_ref_f8(frequency, payer_claim_number):
    text = write(claim("CORR1", frequency=frequency, payer_claim_number=payer_claim_number))
    assert_pyx12_clean(text)
    segs = check_envelope_and_hierarchy(text)
    rendered = ["*".join(s) for s in segs]
    assert f"CLM*CORR1*100***11:B:{frequency}*Y*A*Y*Y" in rendered
    assert f"REF*F8*{payer_claim_number}" in rendered
    [context] = read_837p(text).claims()
    assert context.claim.frequency_code == frequency
    assert context.claim.payer_claim_number == payer_claim_number


def test_original_claim_never_prints_ref_f8():
    text = write(claim(frequency="1", payer_claim_number="IGNORED"))
    assert "REF*F8" not in text


def test_single_line_output_and_names_cleaned_of_delimiters():
    odd = person("O'BRIEN*SMITH", "JOSÉ~", member_id="M1")
    text = write_837p(batch(claim(sub=subscriber(odd))), CONTROL, line_breaks=False)
    assert "\n" not in text
    assert "NM1*IL*1*O'BRIEN SMITH*JOSE*Q***MI*M1~" in text
    assert_pyx12_clean(text)
    [context] = read_837p(text).claims()
    assert context.subscriber.subscriber.name == "O'BRIEN SMITH"


def test_control_numbers_are_formatted_and_matched():
    text = write(claim(), control=ControlNumbers(interchange=987654321, group=1, transaction=12345))
    segs = check_envelope_and_hierarchy(text)
    assert segs[0][13] == "987654321" and segs[-1][2] == "987654321"
    assert segs[1][6] == "1" and segs[-2][2] == "1"
    st_seg = next(s for s in segs if s[0] == "ST")
    assert st_seg[2] == "12345"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (replace(claim(), total_charge=Decimal("11")), "total_charge"),
        (claim(frequency="8"), "payer_claim_number"),
        (claim(frequency="5"), "frequency_code"),
        (claim(lines=(line(pointers=(2,)),)), "diagnosis_pointers"),
        (claim(lines=(line(pointers=(1, 1)),)), "diagnosis_pointers"),
        (claim(lines=(line(modifiers=("25", "59", "GT", "95", "76")),)), "modifiers"),
        (claim(lines=(line(code="9921"),)), "procedure_code"),
        (claim(sub=subscriber(person(member_id="BAD*ID"))), "member_id"),
        (claim(sub=subscriber(relationship="19")), "relationship"),
        (claim(patient=person("KID"), sub=subscriber(relationship="18")), "relationship"),
        (claim(rendering=Provider("X", "Y", "1234567890")), "npi"),
        (claim(diagnoses=()), "diagnoses"),
        (claim(diagnoses=("E11.9",)), "diagnoses[0]"),
        (claim(place="1"), "place_of_service"),
        (claim(sub=subscriber(person(birth=None))), "birth_date"),
    ],
)
def test_invalid_claim_data_raises_with_the_field(bad, field):
    with pytest.raises(X12WriteError) as excinfo:
        write(bad)
    assert field in excinfo.value.field


def test_float_amounts_and_extra_decimals_are_refused():
    with pytest.raises(X12WriteError, match="Decimal"):
        write(replace(claim(), lines=(replace(line(), charge=100.0),)))
    with pytest.raises(X12WriteError, match="decimal places"):
        write(claim(lines=(line(charge="10.005"),)))


def test_billing_provider_needs_valid_npi_nine_digit_zip_and_tax_id():
    good = batch(claim())
    for changes, field in (
        ({"identifier": "1234567890"}, "billing_provider.identifier"),
        ({"address": Address("1 A ST", "X", "NY", "12207")}, "zip"),
        ({"tax_id": "12345"}, "tax_id"),
    ):
        bad = replace(good, billing_provider=replace(BILLING_PROVIDER, **changes))
        with pytest.raises(X12WriteError) as excinfo:
            write_837p(bad, CONTROL)
        assert field in excinfo.value.field


def test_envelope_inputs_are_validated():
    good = batch(claim())
    with pytest.raises(X12WriteError, match="999999999"):
        write_837p(good, ControlNumbers(interchange=0, group=1, transaction=1))
    with pytest.raises(X12WriteError, match="P or T"):
        write_837p(replace(good, usage_indicator="X"), CONTROL)
    with pytest.raises(X12WriteError, match="15"):
        write_837p(replace(good, sender_id="S" * 16), CONTROL)
    with pytest.raises(X12WriteError, match="at least one claim"):
        write_837p(replace(good, claims=()), CONTROL)


# ---------------------------------------------------------------------------- property

PROCEDURES = ["99213", "99214", "93000", "80053", "36415", "97110", "G0439", "J3420"]
MODIFIERS = ["25", "59", "GT", "95", "76", "LT", "RT", "GP"]
DIAGNOSES = ["E119", "I10", "E785", "Z6841", "M545", "J449", "N183", "F329", "K219", "R0602"]
NAME_CHARS = st.sampled_from(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ éü'-*~:^"))


@st.composite
def service_lines(draw, diagnosis_count: int):
    pointers = draw(
        st.lists(
            st.integers(1, diagnosis_count),
            min_size=1,
            max_size=min(4, diagnosis_count),
            unique=True,
        )
    )
    return line(
        draw(st.sampled_from(PROCEDURES)),
        str(Decimal(draw(st.integers(0, 2_000_000))) / 100),
        units=draw(st.sampled_from(["1", "2", "0.5", "12", "1.25"])),
        pointers=tuple(pointers),
        modifiers=tuple(draw(st.lists(st.sampled_from(MODIFIERS), max_size=4, unique=True))),
        control=draw(st.sampled_from(["", "LC1", "X-9"])),
        when=draw(st.dates(date(2020, 1, 1), date(2025, 12, 31))),
    )


@st.composite
def claims(draw, index: int):
    diagnoses = tuple(
        draw(st.lists(st.sampled_from(DIAGNOSES), min_size=1, max_size=10, unique=True))
    )
    lines = tuple(draw(st.lists(service_lines(len(diagnoses)), min_size=1, max_size=6)))
    last = "A" + draw(st.text(NAME_CHARS, max_size=12))
    who = person(last, "B" + draw(st.text(NAME_CHARS, max_size=8)), member_id=f"M{index:05d}")
    frequency = draw(st.sampled_from(["1", "7", "8"]))
    child = draw(st.booleans())
    other = ()
    if draw(st.booleans()):
        paid = draw(st.one_of(st.none(), st.integers(0, 100_000).map(lambda c: Decimal(c) / 100)))
        other = (
            OtherCoverage(
                subscriber(
                    person("PRIMARY", member_id="P1"), payer=PRIMARY_PAYER, relationship="18"
                ),
                paid,
            ),
        )
    return claim(
        f"P{index}-{draw(st.integers(0, 999))}",
        lines,
        diagnoses=diagnoses,
        sub=subscriber(
            who, relationship="19" if child else "18", responsibility="S" if other else "P"
        ),
        patient=person("CHILD", "C", member_id="") if child else None,
        frequency=frequency,
        payer_claim_number="ORIG1" if frequency != "1" else "",
        other=other,
    )


@st.composite
def batches(draw):
    count = draw(st.integers(1, 20))
    return [draw(claims(index)) for index in range(count)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches())
def test_written_batches_read_back_to_the_same_claims(generated):
    text = write(*generated)
    read = read_837p(text)  # strict: any count, hierarchy or code problem raises
    assert read.warnings == ()
    [interchange] = read.interchanges
    [group] = interchange.groups
    [transaction] = group.transactions
    assert transaction.segment_count == text.count("~") - 4  # minus ISA, GS, GE, IEA
    contexts = read.claims()
    assert len(contexts) == len(generated)
    for source, context in zip(generated, contexts, strict=True):
        got = context.claim
        assert got.patient_control_number == source.patient_control_number
        assert got.total_charge == source.total_charge
        assert got.frequency_code == source.frequency_code
        assert got.payer_claim_number == (
            source.payer_claim_number if source.frequency_code != "1" else ""
        )
        assert got.diagnoses == tuple(d.code for d in source.diagnoses)
        assert len(got.lines) == len(source.lines)
        for want, have in zip(source.lines, got.lines, strict=True):
            assert have.procedure_code == want.procedure_code
            assert have.modifiers == want.modifiers
            assert have.charge == want.charge
            assert have.units == want.units
            assert have.diagnosis_pointers == want.diagnosis_pointers
            assert have.service_date == want.service_date
            assert have.line_control_number == want.line_control_number
        assert context.patient_relationship == source.subscriber.relationship
        assert context.subscriber.subscriber.name == x12_text(
            source.subscriber.person.last_name, max_len=60
        )
        assert len(got.other_subscribers) == len(source.other_coverage)
        for want, have in zip(source.other_coverage, got.other_subscribers, strict=True):
            assert have.paid_amount == want.paid_amount
    assert sum(c.claim.total_charge for c in contexts) == sum(c.total_charge for c in generated)
    assert make_npi(1000) == context.billing_provider.provider.identifier
    assert context.subscriber.payer.identifier == PAYER.payer_id
