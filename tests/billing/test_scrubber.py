"""Claim scrubber: one table-driven case per edit, code-set checks, registry, property test.

Pure and fast: no database. Every case mutates a clean claim (which produces no finding at all)
so that exactly the named edit fires (plus, where unavoidable, the edits listed in `also`).
"""

import ast
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import billing.scrubber as scrubber
from billing.claimdata import (
    Address,
    Claim,
    Diagnosis,
    Finding,
    OtherCoverage,
    Party,
    Payer,
    Person,
    Provider,
    ScrubContext,
    ServiceLine,
    Subscriber,
)
from billing.scrubber import EDITS, ERROR, WARNING, claim_key, codes, is_clean, scrub
from billing.scrubber.edits import Edit
from mso.geo import US_STATES
from mso.identifiers import npi_check_digit

TODAY = date(2026, 6, 30)  # inside the FY2026 code set window of simple-icd-10-cm 1.5
DOS = date(2026, 6, 1)


def make_npi(nine: str) -> str:
    return nine + str(npi_check_digit(nine))


RENDERING_NPI = make_npi("123456789")
GROUP_NPI = make_npi("198765432")


# ---------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------


def address(**changes: Any) -> Address:
    return replace(Address("12 Main St", "Albany", "NY", "12207"), **changes)


def subscriber_person(**changes: Any) -> Person:
    person = Person(
        last_name="Doe",
        first_name="Jane",
        birth_date=date(1980, 4, 2),
        sex="F",
        address=address(),
        member_id="XYZ123456789",
    )
    return replace(person, **changes)


def dependent(**changes: Any) -> Person:
    person = Person("Doe", "Sam", date(2015, 9, 9), "M", address())
    return replace(person, **changes)


def payer(**changes: Any) -> Payer:
    return replace(Payer("Acme Health", "ACME1", "CI", timely_filing_days=365), **changes)


def service_line(**changes: Any) -> ServiceLine:
    line = ServiceLine(
        procedure_code="99214",
        charge=Decimal("150.00"),
        units=Decimal(1),
        service_date=DOS,
        diagnosis_pointers=(1, 2),
    )
    return replace(line, **changes)


def clean_claim(**changes: Any) -> Claim:
    lines = (
        service_line(),
        service_line(procedure_code="83036", charge=Decimal("25.00"), diagnosis_pointers=(1,)),
    )
    claim = Claim(
        patient_control_number="PCN-1001",
        total_charge=Decimal("175.00"),
        place_of_service="11",
        frequency_code="1",
        subscriber=Subscriber(person=subscriber_person(), payer=payer()),
        diagnoses=(Diagnosis("E119"), Diagnosis("I10")),
        lines=lines,
        rendering_provider=Provider("Smith", "Ann", RENDERING_NPI, "207Q00000X"),
    )
    return replace(claim, **changes)


def billing_provider(**changes: Any) -> Party:
    party = Party(
        name="Albany Medical Group, P.C.",
        identifier=GROUP_NPI,
        address=Address("100 State St", "Albany", "NY", "122071234"),
        tax_id="131234567",
    )
    return replace(party, **changes)


def context(**changes: Any) -> ScrubContext:
    ctx = ScrubContext(today=TODAY, patient_key="patient-1", billing_provider=billing_provider())
    return replace(ctx, **changes)


def with_lines(claim: Claim, *lines: ServiceLine) -> Claim:
    """Replace the lines and keep the total equal to their sum."""
    total = sum((line.charge for line in lines if line.charge.is_finite()), Decimal(0))
    return replace(claim, lines=tuple(lines), total_charge=total)


def with_line(claim: Claim, index: int, **changes: Any) -> Claim:
    lines = list(claim.lines)
    lines[index] = replace(lines[index], **changes)
    return with_lines(claim, *lines)


def with_person(claim: Claim, **changes: Any) -> Claim:
    subscriber = replace(claim.subscriber, person=replace(claim.subscriber.person, **changes))
    return replace(claim, subscriber=subscriber)


def with_subscriber(claim: Claim, **changes: Any) -> Claim:
    return replace(claim, subscriber=replace(claim.subscriber, **changes))


def with_payer(claim: Claim, **changes: Any) -> Claim:
    return with_subscriber(claim, payer=replace(claim.subscriber.payer, **changes))


def with_diagnoses(claim: Claim, *dx_codes: str) -> Claim:
    return replace(claim, diagnoses=tuple(Diagnosis(code) for code in dx_codes))


def with_billing(ctx: ScrubContext, **changes: Any) -> ScrubContext:
    return replace(ctx, billing_provider=replace(ctx.billing_provider, **changes))


def primary_coverage(paid: Decimal | None = Decimal("80.00")) -> OtherCoverage:
    other = Subscriber(
        person=subscriber_person(member_id="PRI987654"),
        payer=payer(name="Big Primary Insurance", payer_id="BIGP1"),
    )
    return OtherCoverage(subscriber=other, paid_amount=paid)


def run(claim: Claim, ctx: ScrubContext) -> list[Finding]:
    return scrub(claim, ctx, strict=True)


# ---------------------------------------------------------------------------------------------
# The clean claim
# ---------------------------------------------------------------------------------------------


def test_clean_claim_has_no_findings_at_all():
    findings = run(clean_claim(), context())
    assert findings == []
    assert is_clean(findings)


def test_clean_dependent_and_secondary_claims_have_no_findings():
    claim = with_subscriber(clean_claim(patient=dependent()), relationship="19")
    assert run(claim, context()) == []
    secondary = replace(
        with_subscriber(clean_claim(), responsibility="S"), other_coverage=(primary_coverage(),)
    )
    assert run(secondary, context()) == []
    replacement = clean_claim(frequency_code="7", payer_claim_number="2026123456789")
    ctx = context(other_claim_keys=frozenset({claim_key(replacement, "patient-1")}))
    assert run(replacement, ctx) == []


# ---------------------------------------------------------------------------------------------
# One case (or more) per edit
# ---------------------------------------------------------------------------------------------


def fifty_one_lines(claim: Claim) -> Claim:
    lines = [
        service_line(procedure_code="99213", service_date=DOS - timedelta(days=day))
        for day in range(51)
    ]
    return with_lines(claim, *lines)


def thirteen_diagnoses(claim: Claim) -> Claim:
    extra = ("J069", "F419", "K219", "N390", "E782", "J45909", "R519", "L309", "G4700", "D649")
    return with_diagnoses(claim, "E119", "I10", "Z23", *extra)


def all_lines_on(claim: Claim, day: date) -> Claim:
    return with_lines(claim, *(replace(line, service_date=day) for line in claim.lines))


def as_dependent(claim: Claim, **patient_changes: Any) -> Claim:
    return with_subscriber(replace(claim, patient=dependent(**patient_changes)), relationship="19")


def as_secondary(claim: Claim, *others: OtherCoverage, responsibility: str = "S") -> Claim:
    return replace(with_subscriber(claim, responsibility=responsibility), other_coverage=others)


def with_billing_address(ctx: ScrubContext, **changes: Any) -> ScrubContext:
    return with_billing(ctx, address=replace(ctx.billing_provider.address, **changes))


def late(claim: Claim, days_ago: int) -> Claim:
    return all_lines_on(with_payer(claim, timely_filing_days=90), TODAY - timedelta(days=days_ago))


def case(
    case_id: str,
    field: str,
    claim: Any = None,
    ctx: Any = None,
    also: tuple[str, ...] = (),
) -> Any:
    """A table row: the edit code is the id up to the first dash."""
    return pytest.param(
        case_id.split("-")[0],
        field,
        claim or (lambda c: c),
        ctx or (lambda x: x),
        frozenset(also),
        id=case_id,
    )


def duplicate_keys(x: ScrubContext) -> ScrubContext:
    return replace(x, other_claim_keys=frozenset({claim_key(clean_claim(), "patient-1")}))


FY2027 = date(2026, 11, 2)
FY2025 = date(2025, 9, 15)
NO_MEMBER_ID = Subscriber(subscriber_person(member_id=""), payer())

CASES = [
    # Claim
    case("CLM001-no-lines", "lines", lambda c: with_lines(c), also=("DX007",)),
    case("CLM001-51-lines", "lines", fifty_one_lines),
    case("CLM002", "total_charge", lambda c: replace(c, total_charge=Decimal(170))),
    case("CLM003", "frequency_code", lambda c: replace(c, frequency_code="2")),
    case("CLM004-replacement", "payer_claim_number", lambda c: replace(c, frequency_code="7")),
    case("CLM004-void", "payer_claim_number", lambda c: replace(c, frequency_code="8")),
    case("CLM004-long", "payer_claim_number", lambda c: replace(c, payer_claim_number="9" * 51)),
    case(
        "CLM005-missing", "patient_control_number", lambda c: replace(c, patient_control_number="")
    ),
    case(
        "CLM005-long",
        "patient_control_number",
        lambda c: replace(c, patient_control_number="A" * 21),
    ),
    case(
        "CLM005-delimiters",
        "patient_control_number",
        lambda c: replace(c, patient_control_number="P*1~"),
    ),
    case("CLM006", "", ctx=duplicate_keys),
    # Providers
    case(
        "NPI001-claim",
        "rendering_provider.npi",
        lambda c: replace(c, rendering_provider=replace(c.rendering_provider, npi="1234567890")),
    ),
    case(
        "NPI001-line",
        "lines[1].rendering_provider.npi",
        lambda c: with_line(c, 1, rendering_provider=Provider("Lee", "Bo", "1234567890")),
    ),
    case(
        "NPI003-claim",
        "rendering_provider.npi",
        ctx=lambda x: replace(x, excluded_since={clean_claim().rendering_provider.npi: DOS}),
    ),
    case(
        "NPI003-line",
        "lines[1].rendering_provider.npi",
        lambda c: with_line(c, 1, rendering_provider=Provider("Lee", "Bo", "1245319599")),
        ctx=lambda x: replace(x, excluded_since={"1245319599": DOS}),
    ),
    case(
        "NPI004",
        "lines[1].service_date",
        lambda c: with_line(c, 1, service_date=DOS + timedelta(days=1)),
        ctx=lambda x: replace(
            x, license_periods={clean_claim().rendering_provider.npi: (("NY", DOS),)}
        ),
    ),
    case(
        "NPI002-invalid",
        "billing_provider.identifier",
        ctx=lambda x: with_billing(x, identifier="123"),
    ),
    case("NPI002-missing", "billing_provider", ctx=lambda x: replace(x, billing_provider=None)),
    case("BP001", "billing_provider.tax_id", ctx=lambda x: with_billing(x, tax_id="071234567")),
    case(
        "BP002-zip5",
        "billing_provider.address.zip_code",
        ctx=lambda x: with_billing_address(x, zip_code="12207"),
    ),
    case(
        "BP002-po-box",
        "billing_provider.address.line1",
        ctx=lambda x: with_billing_address(x, line1="P.O. Box 44"),
    ),
    case("BP002-missing", "billing_provider.address", ctx=lambda x: with_billing(x, address=None)),
    # Subscriber and patient
    case(
        "SUB001-last-name", "subscriber.person.last_name", lambda c: with_person(c, last_name=" ")
    ),
    case("SUB001-dob", "subscriber.person.birth_date", lambda c: with_person(c, birth_date=None)),
    case(
        "SUB001-dob-future",
        "subscriber.person.birth_date",
        lambda c: with_person(c, birth_date=TODAY + timedelta(days=1)),
        also=("DOS004",),
    ),
    case("SUB001-sex", "subscriber.person.sex", lambda c: with_person(c, sex="X")),
    case("SUB001-address", "subscriber.person.address", lambda c: with_person(c, address=None)),
    case(
        "SUB001-zip",
        "subscriber.person.address.zip_code",
        lambda c: with_person(c, address=address(zip_code="1220")),
    ),
    case(
        "SUB001-state",
        "subscriber.person.address.state",
        lambda c: with_person(c, address=address(state="XX")),
    ),
    case("SUB002-missing", "subscriber.person.member_id", lambda c: with_person(c, member_id="")),
    case(
        "SUB002-format",
        "subscriber.person.member_id",
        lambda c: with_person(c, member_id="XYZ 123-456"),
    ),
    case("PAT001-no-patient", "patient", lambda c: with_subscriber(c, relationship="19")),
    case(
        "PAT001-bad-code",
        "subscriber.relationship",
        lambda c: with_subscriber(c, relationship="99"),
    ),
    case(
        "PAT001-self-not-self", "subscriber.relationship", lambda c: replace(c, patient=dependent())
    ),
    case("PAT002-dob", "patient.birth_date", lambda c: as_dependent(c, birth_date=None)),
    case(
        "PAT002-city", "patient.address.city", lambda c: as_dependent(c, address=address(city=""))
    ),
    # Payer and coordination of benefits
    case("PAY001-missing", "subscriber.payer.payer_id", lambda c: with_payer(c, payer_id="")),
    case("PAY001-format", "subscriber.payer.payer_id", lambda c: with_payer(c, payer_id="AC ME")),
    case("PAY001-name", "subscriber.payer.name", lambda c: with_payer(c, name="")),
    case(
        "PAY002",
        "subscriber.payer.filing_indicator",
        lambda c: with_payer(c, filing_indicator="XX"),
    ),
    case("COB001-no-primary", "other_coverage", lambda c: as_secondary(c)),
    case(
        "COB001-tertiary-one-other",
        "other_coverage",
        lambda c: as_secondary(c, primary_coverage(), responsibility="T"),
    ),
    case(
        "COB001-bad-code",
        "subscriber.responsibility",
        lambda c: as_secondary(c, responsibility="Z"),
    ),
    case(
        "COB001-other-member-id",
        "other_coverage[0].subscriber.person.member_id",
        lambda c: as_secondary(c, replace(primary_coverage(), subscriber=NO_MEMBER_ID)),
    ),
    case(
        "COB002",
        "other_coverage[0].paid_amount",
        lambda c: as_secondary(c, primary_coverage(paid=None)),
    ),
    # Diagnoses
    case("DX001-none", "diagnoses", lambda c: replace(c, diagnoses=()), also=("LN002",)),
    case("DX001-13", "diagnoses", thirteen_diagnoses, also=("DX007",)),
    case("DX002-heading", "diagnoses[0].code", lambda c: with_diagnoses(c, "E11", "I10")),
    case("DX002-unknown", "diagnoses[1].code", lambda c: with_diagnoses(c, "E119", "I109")),
    case("DX002-dotted", "diagnoses[0].code", lambda c: with_diagnoses(c, "E11.9", "I10")),
    case("DX002-blank", "diagnoses[1].code", lambda c: with_diagnoses(c, "E119", "")),
    case("DX002-expanded-fy2022", "diagnoses[1].code", lambda c: with_diagnoses(c, "E119", "M545")),
    case(
        "DX003-after-fy",
        "diagnoses",
        lambda c: all_lines_on(c, FY2027),
        ctx=lambda x: replace(x, today=date(2026, 11, 30)),
    ),
    case(
        "DX003-before-fy-not-billable",
        "diagnoses[0].code",
        lambda c: with_diagnoses(all_lines_on(c, FY2025), "E11", "I10"),
        ctx=lambda x: replace(x, today=date(2025, 10, 20)),
    ),
    case("DX004", "diagnoses[0].code", lambda c: with_diagnoses(c, "W010XXA", "I10")),
    case("DX005", "diagnoses[0].code", lambda c: with_diagnoses(c, "G63", "E119")),
    case("DX006", "diagnoses[1].code", lambda c: with_diagnoses(c, "E119", "E119")),
    case("DX007", "diagnoses[2]", lambda c: with_diagnoses(c, "E119", "I10", "Z23")),
    # Service lines
    case(
        "LN001-short", "lines[0].procedure_code", lambda c: with_line(c, 0, procedure_code="9921")
    ),
    case(
        "LN001-lower", "lines[1].procedure_code", lambda c: with_line(c, 1, procedure_code="j1100")
    ),
    case(
        "LN001-section",
        "lines[1].procedure_code",
        lambda c: with_line(c, 1, procedure_code="N1234"),
    ),
    case(
        "LN002-none",
        "lines[1].diagnosis_pointers",
        lambda c: with_line(c, 1, diagnosis_pointers=()),
    ),
    case(
        "LN002-out-of-range",
        "lines[1].diagnosis_pointers",
        lambda c: with_line(c, 1, diagnosis_pointers=(3,)),
    ),
    case(
        "LN002-zero",
        "lines[1].diagnosis_pointers",
        lambda c: with_line(c, 1, diagnosis_pointers=(0,)),
    ),
    case(
        "LN002-repeated",
        "lines[0].diagnosis_pointers",
        lambda c: with_line(c, 0, diagnosis_pointers=(1, 2, 1)),
    ),
    case(
        "LN002-five",
        "lines[0].diagnosis_pointers",
        lambda c: with_line(
            with_diagnoses(c, "E119", "I10", "Z23", "J069", "F419"),
            0,
            diagnosis_pointers=(1, 2, 3, 4, 5),
        ),
    ),
    case("LN003-zero", "lines[1].charge", lambda c: with_line(c, 1, charge=Decimal("0.00"))),
    case("LN003-mills", "lines[1].charge", lambda c: with_line(c, 1, charge=Decimal("25.005"))),
    case("LN003-nan", "lines[1].charge", lambda c: with_line(c, 1, charge=Decimal("NaN"))),
    case("LN004-zero", "lines[0].units", lambda c: with_line(c, 0, units=Decimal(0))),
    case("LN004-unit-code", "lines[0].unit_code", lambda c: with_line(c, 0, unit_code="HR")),
    case("LN005", "lines[1].units", lambda c: with_line(c, 1, units=Decimal("1.5"))),
    case("LN006", "lines[2]", lambda c: with_lines(c, *c.lines, c.lines[1])),
    # Modifiers
    case("MOD001-one-char", "lines[1].modifiers", lambda c: with_line(c, 1, modifiers=("9",))),
    case("MOD001-lowercase", "lines[1].modifiers", lambda c: with_line(c, 1, modifiers=("lt",))),
    case(
        "MOD001-repeated", "lines[1].modifiers", lambda c: with_line(c, 1, modifiers=("91", "91"))
    ),
    case(
        "MOD001-five",
        "lines[1].modifiers",
        lambda c: with_line(c, 1, modifiers=("91", "QW", "59", "XS", "GA")),
    ),
    case("MOD002", "lines[1].modifiers", lambda c: with_line(c, 1, modifiers=("ZQ",))),
    case(
        "MOD003",
        "lines[0].modifiers",
        lambda c: with_lines(c, replace(c.lines[0], modifiers=("25",))),
    ),
    case("MOD004", "lines[0].modifiers", lambda c: with_line(c, 0, place_of_service="10")),
    # Place of service and dates
    case("POS001-claim", "place_of_service", lambda c: replace(c, place_of_service="00")),
    case(
        "POS001-line", "lines[1].place_of_service", lambda c: with_line(c, 1, place_of_service="28")
    ),
    case(
        "DOS001",
        "lines[1].service_date",
        lambda c: with_line(c, 1, service_date=TODAY + timedelta(days=1)),
    ),
    case("DOS002", "lines[0].service_date", lambda c: late(c, 91)),
    case("DOS003", "lines[0].service_date", lambda c: late(c, 60)),
    case(
        "DOS004",
        "lines[0].service_date",
        lambda c: with_person(c, birth_date=DOS + timedelta(days=1)),
    ),
]


@pytest.mark.parametrize(("code", "field", "mutate_claim", "mutate_ctx", "also"), CASES)
def test_edit_fires_on_its_mutation(
    code: str, field: str, mutate_claim: Any, mutate_ctx: Any, also: frozenset[str]
):
    findings = run(mutate_claim(clean_claim()), mutate_ctx(context()))
    fired = {finding.code for finding in findings}
    assert fired == {code} | also, [(f.code, f.field, f.message) for f in findings]
    mine = [finding for finding in findings if finding.code == code]
    assert field in {finding.field for finding in mine}
    edit = next(edit for edit in EDITS if edit.code == code)
    assert all(finding.severity == edit.severity for finding in mine)
    assert all(len(finding.message) > 20 for finding in mine)
    assert is_clean(findings) == all(f.severity == WARNING for f in findings)


def test_every_edit_has_a_case():
    covered = {param.values[0] for param in CASES}
    assert covered == {edit.code for edit in EDITS}


# ---------------------------------------------------------------------------------------------
# Finer points of individual edits
# ---------------------------------------------------------------------------------------------


def test_license_counts_in_its_own_state_until_it_expires():
    claim = clean_claim()
    npi = claim.rendering_provider.npi
    ny_until_dos = {npi: (("NY", DOS), ("NJ", None))}
    assert run(claim, context(license_periods=ny_until_dos, service_state="NY")) == []
    assert run(claim, context(license_periods=ny_until_dos, service_state="NJ")) == []
    findings = run(claim, context(license_periods={npi: (("NJ", None),)}, service_state="NY"))
    assert {f.code for f in findings} == {"NPI004"}
    assert "holds no NY license on file" in findings[0].message
    lapsed = {npi: (("NY", DOS - timedelta(days=1)),)}
    findings = run(claim, context(license_periods=lapsed, service_state="NY"))
    assert "held no license in force" in findings[0].message


def test_exclusion_holds_only_services_from_the_exclusion_date():
    claim = clean_claim()
    npi = claim.rendering_provider.npi
    assert run(claim, context(excluded_since={npi: DOS + timedelta(days=1)})) == []
    (finding,) = run(claim, context(excluded_since={npi: DOS}))
    assert (finding.code, finding.field) == ("NPI003", "rendering_provider.npi")


def test_duplicate_claim_key_ignores_line_order_and_other_patients():
    claim = clean_claim()
    swapped = replace(claim, lines=claim.lines[::-1])
    assert claim_key(claim, "p") == claim_key(swapped, "p")
    ctx = context(other_claim_keys=frozenset({claim_key(claim, "someone-else")}))
    assert run(claim, ctx) == []
    # Without a patient key the check cannot tell patients apart, so it stays silent.
    ctx = context(patient_key="", other_claim_keys=frozenset({claim_key(claim, "")}))
    assert run(claim, ctx) == []


def test_timely_filing_boundaries():
    claim = with_payer(clean_claim(), timely_filing_days=90)
    last_day = DOS + timedelta(days=90)
    assert "DOS002" not in {f.code for f in run(claim, context(today=last_day))}
    day_after = last_day + timedelta(days=1)
    assert "DOS002" in {f.code for f in run(claim, context(today=day_after))}
    codes_31_left = {f.code for f in run(claim, context(today=last_day - timedelta(days=31)))}
    assert "DOS003" not in codes_31_left
    codes_30_left = {f.code for f in run(claim, context(today=last_day - timedelta(days=30)))}
    assert "DOS003" in codes_30_left


def test_timely_filing_reports_each_date_once():
    claim = with_payer(clean_claim(), timely_filing_days=10)
    findings = [f for f in run(claim, context()) if f.code == "DOS002"]
    assert [f.field for f in findings] == ["lines[0].service_date"]


def test_modifier_25_with_a_procedure_the_same_day_is_fine():
    claim = with_line(clean_claim(), 0, modifiers=("25",))
    assert run(claim, context()) == []
    other_day = with_line(claim, 1, service_date=DOS - timedelta(days=1))
    assert {f.code for f in run(other_day, context())} == {"MOD003"}


def test_telehealth_with_modifier_95_is_fine():
    claim = replace(clean_claim(), place_of_service="02")
    claim = with_line(with_line(claim, 0, modifiers=("95",)), 1, modifiers=("GT",))
    assert run(claim, context()) == []


def test_whole_units_only_matter_for_unit_code_un():
    claim = with_line(clean_claim(), 1, units=Decimal("7.5"), unit_code="MJ")
    assert run(claim, context()) == []


def test_secondary_and_manifestation_codes_are_fine_after_the_first():
    claim = with_diagnoses(clean_claim(), "E119", "G63")
    assert run(claim, context()) == []
    claim = with_diagnoses(clean_claim(), "S72001A", "W010XXA")
    assert run(claim, context()) == []


def test_unpointed_diagnosis_is_only_a_warning():
    claim = with_diagnoses(clean_claim(), "E119", "I10", "Z23")
    findings = run(claim, context())
    assert is_clean(findings)
    assert [(f.code, f.severity) for f in findings] == [("DX007", WARNING)]


def test_diagnosis_checked_on_the_dates_of_the_lines_pointing_at_it():
    # Diagnosis 2 only supports a line from the previous fiscal year: checked as a warning there.
    claim = with_diagnoses(clean_claim(), "E119", "E11")
    claim = with_line(claim, 0, diagnosis_pointers=(1,))
    claim = with_line(claim, 1, diagnosis_pointers=(2,), service_date=date(2025, 9, 30))
    findings = run(claim, context())
    by_code = {(f.code, f.field) for f in findings}
    assert ("DX003", "diagnoses[1].code") in by_code
    assert not any(f.code == "DX002" for f in findings)
    assert not any(f.field == "diagnoses[0].code" for f in findings)


def test_address_in_a_territory_outside_mso_geo_is_accepted():
    claim = with_person(clean_claim(), address=address(state="AS", zip_code="96799"))
    assert run(claim, context()) == []


def test_billing_provider_checks_skip_quietly_when_it_is_missing():
    findings = run(clean_claim(), context(billing_provider=None))
    assert [(f.code, f.field) for f in findings] == [("NPI002", "billing_provider")]


# ---------------------------------------------------------------------------------------------
# Code sets
# ---------------------------------------------------------------------------------------------


def test_packaged_icd10cm_is_fiscal_year_2026():
    assert codes.code_set_fiscal_year() == 2026
    assert codes.code_set_window() == (date(2025, 10, 1), date(2026, 9, 30))
    assert codes.code_set_covers(date(2025, 10, 1))
    assert codes.code_set_covers(date(2026, 9, 30))
    assert not codes.code_set_covers(date(2025, 9, 30))
    assert not codes.code_set_covers(date(2026, 10, 1))
    assert codes.fiscal_year(date(2025, 9, 30)) == 2025
    assert codes.fiscal_year(date(2025, 10, 1)) == 2026


@pytest.mark.parametrize(
    ("code", "billable"),
    [
        ("E119", True),
        ("E11.9", True),
        ("e11.9 ", True),
        ("S72001A", True),
        ("E11", False),  # category heading
        ("S72001", False),  # needs its 7th character
        ("M545", False),  # expanded to M54.50-M54.59 in FY2022
        ("E08-E13", False),  # a block, which the package also calls a valid item
        ("4", False),  # a chapter
        ("I109", False),
        ("", False),
    ],
)
def test_icd10_billable_in_fy2026(code: str, billable: bool):
    ok, reason = codes.icd10_billable(code, date(2026, 3, 1))
    assert ok is billable
    assert "FY2026" in reason
    assert "Note" not in reason


def test_icd10_billable_outside_the_fiscal_year_says_which_code_set_was_used():
    ok, reason = codes.icd10_billable("E119", date(2025, 6, 1))
    assert ok
    assert "FY2025" in reason
    assert "FY2026 code set" in reason
    assert "2025-10-01" in reason
    _, later = codes.icd10_billable("E11", date(2026, 10, 1))
    assert "FY2027" in later
    assert "FY2026 code set" in later


@pytest.mark.parametrize(
    ("code", "manifestation"),
    [
        ("G63", True),  # Polyneuropathy in diseases classified elsewhere
        ("F0280", True),  # Dementia in other diseases classified elsewhere...
        ("D631", True),  # Anemia in chronic kidney disease (under D63 ... classified elsewhere)
        ("M14611", False),  # Charcot's joint: under M14 but without a code-first note
        ("B9620", False),  # E. coli as the cause of diseases classified elsewhere
        ("E119", False),
        ("XYZ", False),
    ],
)
def test_manifestation_codes(code: str, manifestation: bool):
    assert codes.icd10_is_manifestation(code) is manifestation


def test_external_cause_codes():
    assert codes.icd10_is_external_cause("V0001XA")
    assert codes.icd10_is_external_cause("y92.9")
    assert not codes.icd10_is_external_cause("S72001A")
    assert not codes.icd10_is_external_cause("")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("99213", "CPT"),
        ("3074F", "CPT Category II"),
        ("0042T", "CPT Category III"),
        ("0001U", "CPT Proprietary Laboratory Analyses"),
        ("J1100", "HCPCS Level II"),
        ("G0439", "HCPCS Level II"),
        ("V2020", "HCPCS Level II"),
        ("W1234", None),  # beyond V
        ("I1234", None),  # no HCPCS section I
        ("9921", None),
        ("992133", None),
        ("j1100", None),
        ("3074X", None),
        ("", None),
    ],
)
def test_procedure_code_kind(code: str, kind: str | None):
    assert codes.procedure_code_kind(code) == kind


def test_modifier_table():
    required = "25 59 76 77 91 95 GT GQ XE XP XS XU LT RT 26 TC 50 51 52 53 57 24 AI GA GY GZ KX"
    assert set(required.split()) | {"Q5", "Q6", "CS", "FS"} <= set(codes.KNOWN_MODIFIERS)
    assert all(codes.modifier_is_well_formed(m) for m in codes.KNOWN_MODIFIERS)
    assert not codes.modifier_is_well_formed("5")
    assert not codes.modifier_is_well_formed("rt")
    assert not codes.modifier_is_well_formed("RTT")


def test_place_of_service_list():
    pos = codes.PLACE_OF_SERVICE
    assert all(len(code) == 2 and code.isdigit() for code in pos)
    assert {"02", "10", "11", "22", "27", "58", "66", "99"} <= set(pos)
    assert not {"00", "28", "35", "43", "59", "63", "67", "73", "82", "98"} & set(pos)
    assert pos["11"] == "Office"


# ---------------------------------------------------------------------------------------------
# Registry and scrub()
# ---------------------------------------------------------------------------------------------


def test_registry():
    assert len(EDITS) >= 20
    assert len({edit.code for edit in EDITS}) == len(EDITS)
    for edit in EDITS:
        code, title, severity, function = edit
        assert code and title.strip()
        assert severity in {ERROR, WARNING}
        assert callable(function)
        assert function.__name__ != "run"  # functools.wraps keeps the edit's own name


def test_findings_come_in_registry_order():
    claim = replace(clean_claim(), total_charge=Decimal(1), frequency_code="2")
    claim = with_diagnoses(claim, "E119", "I10", "Z23")
    order = [edit.code for edit in EDITS]
    fired = [f.code for f in run(claim, context())]
    assert fired == sorted(fired, key=order.index)
    assert fired == ["CLM002", "CLM003", "DX007"]


def test_an_edit_that_raises_fails_closed(monkeypatch: pytest.MonkeyPatch):
    def broken(claim: Claim, ctx: ScrubContext) -> list[Finding]:
        raise ZeroDivisionError

    edits = [EDITS[0], Edit("ZZZ999", "Broken check", WARNING, broken), *EDITS[1:]]
    monkeypatch.setattr(scrubber, "EDITS", edits)
    claim = replace(clean_claim(), frequency_code="2")
    findings = scrub(claim, context())
    assert [f.code for f in findings] == [scrubber.SCRUB_FAILED, "CLM003"]
    assert findings[0].severity == ERROR
    assert "Broken check" in findings[0].message
    assert not is_clean(findings)
    with pytest.raises(ZeroDivisionError):
        scrub(claim, context(), strict=True)


def test_scrubber_modules_do_not_import_django():
    package = Path(scrubber.__file__).parent
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "django" for name in names), source


def test_is_clean():
    assert is_clean([])
    assert is_clean([Finding("X", "m", severity=WARNING)])
    assert not is_clean([Finding("X", "m", severity=WARNING), Finding("Y", "m")])


# ---------------------------------------------------------------------------------------------
# Property: valid variations of the clean claim never raise an error
# ---------------------------------------------------------------------------------------------

PRINCIPAL_CODES = ["E119", "I10", "J069", "Z0000", "M5450", "R0789", "F419", "K219", "S72001A"]
SECONDARY_CODES = [*PRINCIPAL_CODES, "N390", "E782", "W010XXA", "Y929", "G63", "D631", "Z23"]
PROCEDURES = ["99213", "99214", "99203", "83036", "36415", "3074F", "0042T", "J1100", "G0439"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
VALID_EIN_PREFIXES = ["01", "13", "20", "27", "45", "81", "95", "98"]

names = st.text(LETTERS, min_size=1, max_size=12).map(str.title)
zips = st.one_of(st.from_regex(r"\A[0-9]{5}\Z"), st.from_regex(r"\A[0-9]{9}\Z"))
addresses = st.builds(
    Address,
    line1=st.sampled_from(["12 Main St", "1 Elm Ave Apt 4", "900 Route 9"]),
    city=st.sampled_from(["Albany", "Troy", "Hilo", "Pago Pago"]),
    state=st.sampled_from([*sorted(US_STATES), "AS", "AE"]),
    zip_code=zips,
)
member_ids = st.text(LETTERS + "0123456789", min_size=2, max_size=20)
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(99999), places=2)
nines = st.from_regex(r"\A[12][0-9]{8}\Z")


@st.composite
def valid_claims(draw: st.DrawFn) -> tuple[Claim, ScrubContext]:
    timely = draw(st.sampled_from([90, 180, 365, 730]))
    first_date = max(TODAY - timedelta(days=timely), date(2025, 10, 1))
    service_dates = st.dates(min_value=first_date, max_value=TODAY)

    n_dx = draw(st.integers(1, 12))
    principal = draw(st.sampled_from(PRINCIPAL_CODES))
    secondary = draw(
        st.lists(
            st.sampled_from([c for c in SECONDARY_CODES if c != principal]),
            min_size=n_dx - 1,
            max_size=n_dx - 1,
            unique=True,
        )
    )
    diagnoses = tuple(Diagnosis(code) for code in [principal, *secondary])
    pointers = st.lists(st.integers(1, len(diagnoses)), min_size=1, max_size=4, unique=True)

    def provider() -> Provider | None:
        if not draw(st.booleans()):
            return None
        return Provider(draw(names), draw(names), make_npi(draw(nines)))

    lines = []
    for _ in range(draw(st.integers(1, 8))):
        unit_code = draw(st.sampled_from(["UN", "MJ"]))
        units = (
            Decimal(draw(st.integers(1, 20)))
            if unit_code == "UN"
            else draw(st.decimals(min_value=Decimal(1), max_value=Decimal(480), places=1))
        )
        lines.append(
            ServiceLine(
                procedure_code=draw(st.sampled_from(PROCEDURES)),
                charge=draw(money),
                units=units,
                service_date=draw(service_dates),
                diagnosis_pointers=tuple(draw(pointers)),
                modifiers=tuple(
                    draw(
                        st.lists(
                            st.sampled_from(sorted(codes.KNOWN_MODIFIERS)), max_size=4, unique=True
                        )
                    )
                ),
                place_of_service=draw(st.sampled_from(["", *codes.PLACE_OF_SERVICE])),
                rendering_provider=provider(),
                unit_code=unit_code,
            )
        )
    earliest = min(line.service_date for line in lines)
    birth_dates = st.dates(min_value=date(1920, 1, 1), max_value=earliest)

    def person(member_id: str = "") -> Person:
        return Person(
            last_name=draw(names),
            first_name=draw(names),
            birth_date=draw(birth_dates),
            sex=draw(st.sampled_from(["M", "F", "U"])),
            address=draw(addresses),
            middle_name=draw(st.sampled_from(["", "Q"])),
            member_id=member_id,
        )

    insured = person(draw(member_ids))
    relationship = draw(st.sampled_from(list(codes.RELATIONSHIP_CODES)))
    patient = None if relationship == "18" else person()
    responsibility = draw(st.sampled_from(["P", "S", "T"]))
    others = tuple(
        OtherCoverage(
            Subscriber(person(draw(member_ids)), payer(payer_id=draw(member_ids))),
            paid_amount=draw(st.one_of(st.none(), money)),
        )
        for _ in range(
            codes.PAYER_RESPONSIBILITY_ORDER.index(responsibility) + draw(st.integers(0, 1))
        )
    )
    frequency = draw(st.sampled_from(["1", "7", "8"]))
    claim = Claim(
        patient_control_number=draw(st.text(LETTERS + "0123456789-./", min_size=1, max_size=20)),
        total_charge=sum((line.charge for line in lines), Decimal(0)),
        place_of_service=draw(st.sampled_from(list(codes.PLACE_OF_SERVICE))),
        frequency_code=frequency,
        subscriber=Subscriber(
            person=insured,
            payer=payer(
                payer_id=draw(member_ids),
                filing_indicator=draw(st.sampled_from(list(codes.CLAIM_FILING_INDICATORS))),
                timely_filing_days=timely,
            ),
            responsibility=responsibility,
            relationship=relationship,
        ),
        diagnoses=diagnoses,
        lines=tuple(lines),
        patient=patient,
        rendering_provider=provider(),
        payer_claim_number="" if frequency == "1" else draw(member_ids),
        other_coverage=others,
    )
    billing = Party(
        name=draw(names),
        identifier=make_npi(draw(nines)),
        address=Address("100 State St", "Albany", "NY", draw(st.from_regex(r"\A[0-9]{9}\Z"))),
        tax_id=draw(st.sampled_from(VALID_EIN_PREFIXES)) + draw(st.from_regex(r"\A[0-9]{7}\Z")),
    )
    ctx = ScrubContext(
        today=TODAY,
        patient_key=draw(st.sampled_from(["", "patient-1"])),
        other_claim_keys=frozenset({claim_key(claim, "someone-else")}),
        billing_provider=billing,
    )
    return claim, ctx


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_claims())
def test_valid_variations_never_raise_an_error(claim_and_ctx: tuple[Claim, ScrubContext]):
    claim, ctx = claim_and_ctx
    findings = run(claim, ctx)
    errors = [(f.code, f.field, f.message) for f in findings if f.severity == ERROR]
    assert errors == []
    assert is_clean(findings)
