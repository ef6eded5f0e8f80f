"""Builders of synthetic claim batches for the X12 tests, and the pyx12 validation helper.

Other test_x12_* modules import from here; the tests at the bottom check the helpers
themselves (valid NPIs, and that the pyx12 check does report errors in a broken file).

pyx12 4.0: `x12n_document()` builds its own error handler internally, so a True return alone
says little. We pass `fd_json` (pyx12's JSON error visitor) and collect every error of the
interchange, group, transaction, segment and element nodes; `fd_997` receives the 999 pyx12
generates, which the ack tests read back.
"""

import io
import json
from datetime import date
from decimal import Decimal

import pyx12.params
import pyx12.x12n_document

from billing.claimdata import (
    Address,
    Claim,
    ClaimBatch,
    ControlNumbers,
    Diagnosis,
    OtherCoverage,
    Party,
    Payer,
    Person,
    Provider,
    ServiceLine,
    Subscriber,
)
from billing.x12.writer837 import write_837p
from mso.identifiers import npi_check_digit, npi_is_valid


def make_npi(seed: int) -> str:
    """A valid synthetic NPI (starts with 1, Luhn check digit)."""
    first_nine = "1" + f"{seed % 10**8:08d}"
    return first_nine + str(npi_check_digit(first_nine))


BILLING_ADDRESS = Address("100 MAIN STREET", "ALBANY", "NY", "122071234", line2="SUITE 200")
HOME = Address("12 ELM ROAD", "TROY", "NY", "12180")
SUBMITTER = Party(
    "ACME BILLING MSO", "ETIN12345", contact_name="JANE CLERK", contact_phone="5185551234"
)
RECEIVER = Party("SYNTHETIC CLEARINGHOUSE", "CH98765")
BILLING_PROVIDER = Party(
    "FRIENDLY MEDICAL PC",
    make_npi(1000),
    address=BILLING_ADDRESS,
    tax_id="131234567",
    taxonomy="207Q00000X",
)
PAYER = Payer("ACME HEALTH PLAN", "ACME01", "CI")
PRIMARY_PAYER = Payer(
    "BIG STATE INSURANCE", "BSI77", "BL", address=Address("PO BOX 9", "RENO", "NV", "89501")
)
RENDERING = Provider("SMITH", "ANNA", make_npi(2000), "207Q00000X")
OTHER_RENDERING = Provider("JONES", "OMAR", make_npi(3000), "207R00000X")
SERVICE_DATE = date(2024, 5, 1)
CREATED = date(2024, 5, 2)
CONTROL = ControlNumbers(interchange=123, group=45, transaction=6)


def person(
    last: str = "DOE",
    first: str = "JOHN",
    *,
    member_id: str = "MEM123456",
    birth: date = date(1980, 1, 2),
    sex: str = "M",
    address: Address | None = HOME,
) -> Person:
    return Person(last, first, birth, sex, address, middle_name="Q", member_id=member_id)


def subscriber(
    who: Person | None = None,
    *,
    payer: Payer = PAYER,
    responsibility: str = "P",
    relationship: str = "18",
    group_number: str = "GRP001",
) -> Subscriber:
    return Subscriber(
        who or person(), payer, responsibility, relationship, group_number=group_number
    )


def line(
    code: str = "99213",
    charge: str = "100.00",
    *,
    units: str = "1",
    pointers: tuple[int, ...] = (1,),
    modifiers: tuple[str, ...] = (),
    control: str = "",
    place: str = "",
    rendering: Provider | None = None,
    when: date = SERVICE_DATE,
) -> ServiceLine:
    return ServiceLine(
        procedure_code=code,
        charge=Decimal(charge),
        units=Decimal(units),
        service_date=when,
        diagnosis_pointers=pointers,
        modifiers=modifiers,
        place_of_service=place,
        line_control_number=control,
        rendering_provider=rendering,
    )


def claim(
    pcn: str = "PCN0001",
    lines: tuple[ServiceLine, ...] | None = None,
    *,
    diagnoses: tuple[str, ...] = ("E119",),
    sub: Subscriber | None = None,
    patient: Person | None = None,
    frequency: str = "1",
    payer_claim_number: str = "",
    other: tuple[OtherCoverage, ...] = (),
    rendering: Provider | None = RENDERING,
    place: str = "11",
    prior_authorization: str = "",
    onset: date | None = None,
) -> Claim:
    lines = lines or (line(),)
    return Claim(
        patient_control_number=pcn,
        total_charge=sum((item.charge for item in lines), Decimal(0)),
        place_of_service=place,
        frequency_code=frequency,
        subscriber=sub or subscriber(),
        diagnoses=tuple(Diagnosis(code) for code in diagnoses),
        lines=lines,
        patient=patient,
        rendering_provider=rendering,
        payer_claim_number=payer_claim_number,
        other_coverage=other,
        prior_authorization=prior_authorization,
        onset_date=onset,
    )


def batch(*claims: Claim, usage: str = "T") -> ClaimBatch:
    return ClaimBatch(
        submitter=SUBMITTER,
        receiver=RECEIVER,
        billing_provider=BILLING_PROVIDER,
        claims=claims,
        created=CREATED,
        created_time="1015",
        usage_indicator=usage,
    )


def write(*claims: Claim, control: ControlNumbers = CONTROL) -> str:
    return write_837p(batch(*claims), control)


# ---------------------------------------------------------------------------- pyx12


def pyx12_check(text: str) -> tuple[bool, list[str], str]:
    """(pyx12's verdict, every error it recorded, the 999 it generated)."""
    fd_json = io.StringIO()
    fd_999 = io.StringIO()
    ok = pyx12.x12n_document.x12n_document(
        param=pyx12.params.params(),
        src_file=io.StringIO(text),
        fd_997=fd_999,
        fd_html=None,
        fd_xmldoc=None,
        fd_json=fd_json,
        map_path=None,
    )
    errors: list[str] = []

    def collect(node: dict, where: str) -> None:
        for error in node.get("errors", []):
            line = node.get("cur_line", "?")
            errors.append(f"{where} line {line}: [{error['err_cde']}] {error['err_str']}")
        for key in ("groups", "transactions", "segments", "elements"):
            for child in node.get(key, []):
                label = child.get("seg_id") or child.get("trn_set_id") or child.get("fic") or key
                collect(child, f"{where}/{label}")

    document = json.loads(fd_json.getvalue() or '{"interchanges": []}')
    for interchange in document["interchanges"]:
        collect(interchange, "ISA")
    if not document["interchanges"]:
        errors.append("pyx12 did not read any interchange")
    return ok, errors, fd_999.getvalue()


def assert_pyx12_clean(text: str) -> str:
    """Fails with pyx12's messages unless it finds zero errors; returns pyx12's 999."""
    ok, errors, ack = pyx12_check(text)
    assert errors == [], "pyx12 found errors:\n" + "\n".join(errors)
    assert ok, "pyx12 rejected the file without itemised errors"
    return ack


def segments_of(text: str) -> list[list[str]]:
    """The elements of each segment of a file written with the default delimiters."""
    return [raw.strip().split("*") for raw in text.split("~") if raw.strip()]


# ---------------------------------------------------------------------------- tests


def test_make_npi_gives_valid_distinct_npis():
    npis = {make_npi(seed) for seed in range(200)}
    assert len(npis) == 200
    assert all(npi_is_valid(npi) for npi in npis)


def test_pyx12_check_passes_a_written_file_and_flags_a_broken_one():
    text = write(claim())
    assert_pyx12_clean(text)
    # The same file with a wrong SE count and an invalid entity code must not pass.
    broken = text.replace("NM1*85*2*", "NM1*86*2*")
    ok, errors, _ = pyx12_check(broken)
    assert not ok
    assert any("NM1" in error for error in errors), errors
    se = next(s for s in segments_of(text) if s[0] == "SE")
    wrong_count = text.replace(f"SE*{se[1]}*", f"SE*{int(se[1]) + 1}*")
    ok, errors, _ = pyx12_check(wrong_count)
    assert not ok
    assert any("SE count" in error for error in errors), errors


def test_writer_npi_check_agrees_with_mso_identifiers():
    from billing.x12.writer837 import npi_is_valid as writer_npi_is_valid

    candidates = [f"{n:010d}" for n in range(1_234_567_000, 1_234_567_400)] + [
        "123456789",
        "12345678AB",
    ]
    assert [writer_npi_is_valid(c) for c in candidates] == [npi_is_valid(c) for c in candidates]
    assert sum(writer_npi_is_valid(c) for c in candidates) == 40
