"""The scrubber's edits: one small function per rule, registered in order in `EDITS`.

Each edit is `(claim, ctx) -> list[Finding]`. Every finding of an edit carries the edit's stable
code and severity ("error" blocks submission, "warning" does not), a message a biller can act on
(what is wrong and what to do) and a field path:

* paths are relative to the `Claim` (`lines[1].diagnosis_pointers`,
  `subscriber.person.member_id`, `diagnoses[0].code`), with 0-based indexes like Python and
  form sets; messages count from 1 for people ("line 2", "diagnosis 1");
* paths starting with `billing_provider.` point into `ScrubContext.billing_provider`;
* an empty path means the claim as a whole (e.g. a duplicate claim).

Edits are written in the order the registry lists them; the order is part of the contract
(the UI shows findings in it).
"""

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from billing.claimdata import Address, Claim, Finding, Person, ScrubContext, ServiceLine
from billing.scrubber import codes
from mso.geo import US_STATES
from mso.identifiers import npi_is_valid, tin_is_valid

ERROR = "error"
WARNING = "warning"

MAX_LINES = 50  # 837P loop 2400 repeats at most 50 times per claim
MAX_DIAGNOSES = 12  # HI segment: ABK plus 11 ABF
MAX_POINTERS = 4  # SV107 holds four pointers
TIMELY_FILING_WARNING_DAYS = 30
MAX_PATIENT_CONTROL_NUMBER = 20
MAX_PAYER_CLAIM_NUMBER = 50  # REF*F8 REF02 is 1-50 characters

# Characters that never collide with X12 delimiters (* ~ : ^ > |) and survive every payer system.
_X12_SAFE_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-./")
_ADDRESS_STATES = frozenset(US_STATES) | frozenset(codes.USPS_EXTRA_STATES)
_PO_BOX = re.compile(r"\b(?:P\s*O\s*BOX|POST\s+OFFICE\s+BOX|LOCK\s*BOX|POB)\b")

EditFunction = Callable[[Claim, ScrubContext], list[Finding]]
_Check = Callable[[Claim, ScrubContext], Iterable[tuple[str, str]]]


class Edit(NamedTuple):
    """One registry entry: (code, title, severity, function)."""

    code: str
    title: str
    severity: str
    function: EditFunction


EDITS: list[Edit] = []


def _edit(code: str, title: str, severity: str) -> Callable[[_Check], EditFunction]:
    """Register a check that yields (field, message) pairs as an edit returning findings."""
    if severity not in {ERROR, WARNING}:
        raise ValueError(f"unknown severity {severity!r}")

    def register(check: _Check) -> EditFunction:
        if any(existing.code == code for existing in EDITS):
            raise ValueError(f"edit code {code} registered twice")

        @functools.wraps(check)
        def run(claim: Claim, ctx: ScrubContext) -> list[Finding]:
            return [
                Finding(code=code, message=message, field=field, severity=severity)
                for field, message in check(claim, ctx)
            ]

        EDITS.append(Edit(code, title, severity, run))
        return run

    return register


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _at(field: str, message: str) -> tuple[str, str]:
    return field, message


def _money(value: Decimal) -> str:
    return f"${value:,.2f}"


def _finite(value: object) -> bool:
    return (
        isinstance(value, Decimal | int)
        and not isinstance(value, bool)
        and Decimal(value).is_finite()
    )


def _blank(value: str | None) -> bool:
    return not (value or "").strip()


def _patient(claim: Claim) -> tuple[Person, str]:
    """The person who received the services and the field path prefix to reach them."""
    if claim.patient is not None:
        return claim.patient, "patient"
    return claim.subscriber.person, "subscriber.person"


def _pos(claim: Claim, line: ServiceLine) -> str:
    return line.place_of_service or claim.place_of_service


def _valid_pointer(pointer: object, diagnosis_count: int) -> bool:
    return (
        isinstance(pointer, int)
        and not isinstance(pointer, bool)
        and 1 <= pointer <= min(diagnosis_count, MAX_DIAGNOSES)
    )


def _first_line_per_date(claim: Claim) -> dict[date, int]:
    first: dict[date, int] = {}
    for index, line in enumerate(claim.lines):
        if isinstance(line.service_date, date):
            first.setdefault(line.service_date, index)
    return first


def _diagnosis_dates(claim: Claim, ctx: ScrubContext) -> dict[int, list[date]]:
    """Per diagnosis index, the service dates it is billed for.

    A diagnosis no line points at is checked on every service date of the claim (or today when
    the claim has no lines yet).
    """
    all_dates = sorted({line.service_date for line in claim.lines}) or [ctx.today]
    dates: dict[int, set[date]] = {}
    for line in claim.lines:
        for pointer in line.diagnosis_pointers:
            if _valid_pointer(pointer, len(claim.diagnoses)):
                dates.setdefault(pointer - 1, set()).add(line.service_date)
    return {
        index: sorted(dates.get(index, ())) or all_dates for index in range(len(claim.diagnoses))
    }


def _person_problems(
    person: Person, prefix: str, who: str, today: date
) -> Iterator[tuple[str, str]]:
    """Name, birth date, sex and address of a subscriber or patient."""
    if _blank(person.last_name):
        yield _at(
            f"{prefix}.last_name",
            f"The {who}'s last name is missing. Enter it exactly as printed on the insurance card.",
        )
    if _blank(person.first_name):
        yield _at(
            f"{prefix}.first_name",
            f"The {who}'s first name is missing. Enter it exactly as printed on the insurance"
            " card.",
        )
    if person.birth_date is None:
        yield _at(
            f"{prefix}.birth_date",
            f"The {who}'s date of birth is missing. Payers match members by birth date: enter it.",
        )
    elif person.birth_date > today:
        yield _at(
            f"{prefix}.birth_date",
            f"The {who}'s date of birth ({person.birth_date.isoformat()}) is in the future."
            " Correct the birth date.",
        )
    if person.sex not in codes.SEX_CODES:
        yield _at(
            f"{prefix}.sex",
            f"The {who}'s sex '{person.sex}' is not a valid claim value. Use M (male),"
            " F (female) or U (unknown).",
        )
    if person.address is None:
        yield _at(
            f"{prefix}.address",
            f"The {who}'s address is missing. Enter the street address, city, state and ZIP.",
        )
    else:
        yield from _address_problems(person.address, f"{prefix}.address", f"{who}'s")


def _address_problems(
    address: Address, prefix: str, whose: str, *, zip_plus_four: bool = False
) -> Iterator[tuple[str, str]]:
    if _blank(address.line1):
        yield f"{prefix}.line1", f"The {whose} street address is missing. Enter it."
    if _blank(address.city):
        yield f"{prefix}.city", f"The {whose} city is missing. Enter it."
    if address.state not in _ADDRESS_STATES:
        yield _at(
            f"{prefix}.state",
            f"The {whose} state '{address.state}' is not a US state or territory code."
            " Use the two-letter USPS code, e.g. NY.",
        )
    zip_code = address.zip_code or ""
    if zip_plus_four:
        if not (zip_code.isascii() and zip_code.isdigit() and len(zip_code) == 9):
            yield _at(
                f"{prefix}.zip_code",
                f"The {whose} ZIP code '{zip_code}' must have all 9 digits (ZIP+4) on electronic"
                " claims. Look up the +4 at usps.com and enter the 9 digits without a dash.",
            )
    elif not (zip_code.isascii() and zip_code.isdigit() and len(zip_code) in {5, 9}):
        yield _at(
            f"{prefix}.zip_code",
            f"The {whose} ZIP code '{zip_code}' must be 5 or 9 digits. Enter it without a dash.",
        )


def claim_key(claim: Claim, patient_key: str) -> tuple[str, str, date | None, tuple[str, ...]]:
    """The duplicate-detection key of a claim, as ScrubContext.other_claim_keys holds them.

    (patient key, payer id, first service date, procedure codes sorted, repeats kept).
    Build `other_claim_keys` with this function so both sides agree.
    """
    dates = [line.service_date for line in claim.lines]
    return (
        patient_key,
        claim.subscriber.payer.payer_id,
        min(dates) if dates else None,
        tuple(sorted(line.procedure_code for line in claim.lines)),
    )


# ---------------------------------------------------------------------------------------------
# Claim
# ---------------------------------------------------------------------------------------------


@_edit("CLM001", "Claim has between 1 and 50 service lines", ERROR)
def service_line_count(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    if not claim.lines:
        yield "lines", "The claim has no service lines. Add at least one procedure line."
    elif len(claim.lines) > MAX_LINES:
        yield _at(
            "lines",
            f"The claim has {len(claim.lines)} service lines; an electronic claim holds at most"
            f" {MAX_LINES}. Split the services into two or more claims.",
        )


@_edit("CLM002", "Claim total equals the sum of the line charges", ERROR)
def total_charge_matches(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    if not _finite(claim.total_charge):
        yield "total_charge", f"The claim total '{claim.total_charge}' is not an amount. Enter it."
        return
    if not all(_finite(line.charge) for line in claim.lines):
        return  # the bad line charge is reported by LN003
    lines_total = sum((Decimal(line.charge) for line in claim.lines), Decimal(0))
    if Decimal(claim.total_charge) != lines_total:
        yield _at(
            "total_charge",
            f"The claim total is {_money(claim.total_charge)} but the line charges add up to"
            f" {_money(lines_total)}. Correct the total or the line charges so they match.",
        )


@_edit("CLM003", "Claim frequency code is 1, 7 or 8", ERROR)
def frequency_code_valid(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    if claim.frequency_code not in codes.CLAIM_FREQUENCY_CODES:
        yield _at(
            "frequency_code",
            f"Claim frequency '{claim.frequency_code}' is not supported. Use 1 for a new claim,"
            " 7 to replace a claim the payer already has, or 8 to void one.",
        )


@_edit("CLM004", "Replacement and void claims carry the payer's claim number", ERROR)
def original_claim_number(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    number = (claim.payer_claim_number or "").strip()
    if claim.frequency_code in {"7", "8"} and not number:
        action = "replacement" if claim.frequency_code == "7" else "void"
        yield _at(
            "payer_claim_number",
            f"This is a {action} claim (frequency {claim.frequency_code}) but the payer's claim"
            " number of the original claim is missing. Copy it from the payer's remittance or"
            " claim status and enter it.",
        )
    elif len(number) > MAX_PAYER_CLAIM_NUMBER:
        yield _at(
            "payer_claim_number",
            f"The payer claim number is {len(number)} characters long; the most a claim can"
            f" carry is {MAX_PAYER_CLAIM_NUMBER}. Check that it was copied correctly.",
        )


@_edit("CLM005", "Patient control number present, short and plain", ERROR)
def patient_control_number(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    number = claim.patient_control_number or ""
    field = "patient_control_number"
    if not number:
        yield field, "The patient control (account) number is missing. Generate or enter one."
    elif len(number) > MAX_PATIENT_CONTROL_NUMBER:
        yield _at(
            field,
            f"The patient control number '{number}' is {len(number)} characters; payers keep"
            f" only {MAX_PATIENT_CONTROL_NUMBER}. Shorten it so remittances can be matched back.",
        )
    elif not set(number) <= _X12_SAFE_ID_CHARS:
        bad = "".join(sorted(set(number) - _X12_SAFE_ID_CHARS))
        yield _at(
            field,
            f"The patient control number '{number}' contains characters claims cannot carry"
            f" safely ({bad!r}). Use only letters, digits, '-', '.' and '/'.",
        )


@_edit("CLM006", "Not a duplicate of a claim already billed", ERROR)
def duplicate_claim(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    if claim.frequency_code in {"7", "8"} or not claim.lines or not ctx.patient_key:
        return  # replacements and voids are meant to match their original
    key = claim_key(claim, ctx.patient_key)
    if key in ctx.other_claim_keys:
        yield _at(
            "",
            f"Another claim to this payer already bills {', '.join(key[3])} for this patient on"
            f" {key[2].isoformat()}. The payer will deny this one as a duplicate. If it corrects"
            " that claim, send it as a replacement (frequency 7) with the payer's claim number;"
            " otherwise delete it.",
        )


# ---------------------------------------------------------------------------------------------
# Providers
# ---------------------------------------------------------------------------------------------


@_edit("NPI001", "Rendering provider NPI is valid", ERROR)
def rendering_npi(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    providers = [("rendering_provider", claim.rendering_provider, "The rendering provider")]
    providers += [
        (
            f"lines[{index}].rendering_provider",
            line.rendering_provider,
            f"Line {index + 1}'s rendering provider",
        )
        for index, line in enumerate(claim.lines)
    ]
    for prefix, provider, who in providers:
        if provider is not None and not npi_is_valid(provider.npi):
            yield _at(
                f"{prefix}.npi",
                f"{who} NPI '{provider.npi}' is not a valid NPI (10 digits with a correct check"
                " digit). Look it up in the NPPES registry and correct it.",
            )


@_edit("NPI003", "Rendering provider is not excluded (OIG LEIE)", ERROR)
def rendering_not_excluded(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    """Services on or after the exclusion date; earlier ones were furnished before it."""
    flagged: set[str] = set()
    for index, line in enumerate(claim.lines):
        own = line.rendering_provider is not None
        provider = line.rendering_provider if own else claim.rendering_provider
        since = ctx.excluded_since.get(provider.npi) if provider is not None else None
        field = f"lines[{index}].rendering_provider.npi" if own else "rendering_provider.npi"
        if since is None or line.service_date < since or field in flagged:
            continue
        flagged.add(field)
        yield _at(
            field,
            f"The rendering provider (NPI {provider.npi}) is on the OIG exclusion list since "
            f"{since:%m/%d/%Y}, confirmed on the practice's Compliance page. Federal health care "
            "programs pay nothing for services an excluded person furnishes (42 CFR "
            "1001.1901): do not submit; the compliance officer decides what happens to them.",
        )


@_edit("NPI004", "Rendering provider licensed where and when the service was given", ERROR)
def rendering_licensed(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    """Only where the practice recorded the provider's state licenses (Compliance,
    Credentials): a provider with none on file is not judged here. A license counts in its
    own state (the service location's) until it expires; issue dates are not compared,
    because a renewal may carry the new document's date."""
    for index, line in enumerate(claim.lines):
        provider = line.rendering_provider or claim.rendering_provider
        licenses = ctx.license_periods.get(provider.npi) if provider is not None else None
        if not licenses:
            continue
        here = [
            expires
            for state, expires in licenses
            if not ctx.service_state or state == ctx.service_state
        ]
        day = line.service_date
        if not here:
            problem = f"holds no {ctx.service_state} license on file"
        elif all(expires is not None and expires < day for expires in here):
            problem = (
                f"held no license in force on {day:%m/%d/%Y} (latest expired {max(here):%m/%d/%Y})"
            )
        else:
            continue
        yield _at(
            f"lines[{index}].service_date",
            f"Line {index + 1}: the rendering provider (NPI {provider.npi}) {problem}, "
            "according to the practice's credentials. Record the license or its renewal on "
            "the Credentials page; otherwise the service cannot be billed under this provider.",
        )


@_edit("NPI002", "Billing provider set up with a valid NPI", ERROR)
def billing_npi(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    provider = ctx.billing_provider
    if provider is None:
        yield _at(
            "billing_provider",
            "No billing provider is set up for this claim. Complete the practice's billing"
            " provider (name, group NPI, tax ID, address) in the practice settings.",
        )
        return
    if _blank(provider.name):
        yield _at(
            "billing_provider.name",
            "The billing provider's name is missing. Enter the practice's legal name.",
        )
    if not npi_is_valid(provider.identifier):
        yield _at(
            "billing_provider.identifier",
            f"The billing provider NPI '{provider.identifier}' is not a valid NPI (10 digits with"
            " a correct check digit). Enter the practice's group (type 2) NPI from NPPES.",
        )


@_edit("BP001", "Billing provider tax ID is valid", ERROR)
def billing_tax_id(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    provider = ctx.billing_provider
    if provider is not None and not tin_is_valid(provider.tax_id):
        yield _at(
            "billing_provider.tax_id",
            f"The billing provider's tax ID '{provider.tax_id}' is not a valid EIN (9 digits,"
            " with a prefix the IRS issues). Enter the EIN from the practice's IRS letter.",
        )


@_edit("BP002", "Billing provider street address with ZIP+4", ERROR)
def billing_address(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    provider = ctx.billing_provider
    if provider is None:
        return
    if provider.address is None:
        yield _at(
            "billing_provider.address",
            "The billing provider's address is missing. Enter the practice's street address"
            " with the 9-digit ZIP code.",
        )
        return
    address = provider.address
    for line_field in ("line1", "line2"):
        if _PO_BOX.search((getattr(address, line_field) or "").upper().replace(".", " ")):
            yield _at(
                f"billing_provider.address.{line_field}",
                "The billing provider's address is a PO Box or lock box, which electronic claims"
                " do not accept there. Enter the physical street address; payments can go to a"
                " separate pay-to address.",
            )
    yield from _address_problems(
        address, "billing_provider.address", "billing provider's", zip_plus_four=True
    )


# ---------------------------------------------------------------------------------------------
# Subscriber and patient
# ---------------------------------------------------------------------------------------------


@_edit("SUB001", "Subscriber name, birth date, sex and address complete", ERROR)
def subscriber_demographics(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    yield from _person_problems(
        claim.subscriber.person, "subscriber.person", "subscriber", ctx.today
    )


@_edit("SUB002", "Subscriber member ID present and well formed", ERROR)
def member_id(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    value = claim.subscriber.person.member_id or ""
    field = "subscriber.person.member_id"
    if not value:
        yield _at(
            field,
            "The subscriber's member ID is missing. Copy it from the insurance card.",
        )
    elif not (value.isascii() and value.isalnum() and 2 <= len(value) <= 80):
        yield _at(
            field,
            f"The member ID '{value}' should be 2 to 80 letters and digits. Enter it as printed"
            " on the insurance card, without spaces or dashes.",
        )


@_edit("PAT001", "Patient relationship to the subscriber is consistent", ERROR)
def patient_relationship(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    relationship = claim.subscriber.relationship
    if relationship not in codes.RELATIONSHIP_CODES:
        yield _at(
            "subscriber.relationship",
            f"Relationship code '{relationship}' is not valid on a claim. Use 18 (self),"
            " 01 (spouse), 19 (child), 20 (employee), 53 (life partner), G8 (other) or"
            " 21 (unknown).",
        )
        return
    if relationship != "18" and claim.patient is None:
        yield _at(
            "patient",
            "The patient is not the subscriber (relationship"
            f" {codes.RELATIONSHIP_CODES[relationship].lower()}) but no patient details are on"
            " the claim. Add the patient's name, birth date, sex and address.",
        )
    elif relationship == "18" and claim.patient is not None:
        subscriber = claim.subscriber.person
        patient = claim.patient
        same = (
            patient.last_name.strip().upper() == subscriber.last_name.strip().upper()
            and patient.first_name.strip().upper() == subscriber.first_name.strip().upper()
            and patient.birth_date == subscriber.birth_date
        )
        if not same:
            yield _at(
                "subscriber.relationship",
                "The relationship says the patient is the subscriber (self), but the patient"
                " on the claim is a different person. Correct the relationship code or the"
                " patient.",
            )


@_edit("PAT002", "Patient name, birth date, sex and address complete", ERROR)
def patient_demographics(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    if claim.patient is not None and claim.subscriber.relationship != "18":
        yield from _person_problems(claim.patient, "patient", "patient", ctx.today)


# ---------------------------------------------------------------------------------------------
# Payer and coordination of benefits
# ---------------------------------------------------------------------------------------------


@_edit("PAY001", "Payer ID and name present", ERROR)
def payer_identified(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    payer = claim.subscriber.payer
    payer_id = payer.payer_id or ""
    if not payer_id:
        yield _at(
            "subscriber.payer.payer_id",
            f"The payer '{payer.name}' has no payer ID, so the clearinghouse cannot route the"
            " claim. Enter the payer ID from the clearinghouse's payer list.",
        )
    elif not (payer_id.isascii() and payer_id.isalnum() and 2 <= len(payer_id) <= 80):
        yield _at(
            "subscriber.payer.payer_id",
            f"The payer ID '{payer_id}' should be 2 to 80 letters and digits. Copy it exactly"
            " from the clearinghouse's payer list.",
        )
    if _blank(payer.name):
        yield "subscriber.payer.name", "The payer's name is missing. Enter it."


@_edit("PAY002", "Claim filing indicator is valid", ERROR)
def filing_indicator(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    indicator = claim.subscriber.payer.filing_indicator
    if indicator not in codes.CLAIM_FILING_INDICATORS:
        yield _at(
            "subscriber.payer.filing_indicator",
            f"Claim filing indicator '{indicator}' is not valid. Set the payer's insurance type"
            " (e.g. CI commercial, MB Medicare Part B, MC Medicaid, BL Blue Cross).",
        )


@_edit("COB001", "Secondary claims list the payers before them", ERROR)
def other_coverage_present(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    responsibility = claim.subscriber.responsibility
    if responsibility not in codes.PAYER_RESPONSIBILITY_CODES:
        yield _at(
            "subscriber.responsibility",
            f"Payer responsibility '{responsibility}' is not valid. Use P (primary),"
            " S (secondary) or T (tertiary).",
        )
        return
    needed = codes.PAYER_RESPONSIBILITY_ORDER.find(responsibility)
    if needed > len(claim.other_coverage):
        rank = {"S": "the secondary", "T": "the tertiary"}.get(responsibility, "a later")
        yield _at(
            "other_coverage",
            f"This claim goes to {rank} payer, so it must list the {needed} payer(s) billed"
            f" before it, but it lists {len(claim.other_coverage)}. Add the earlier insurance"
            " (payer, member ID and what it paid), starting with the primary.",
        )
    for index, other in enumerate(claim.other_coverage):
        prefix = f"other_coverage[{index}].subscriber"
        if _blank(other.subscriber.payer.payer_id):
            yield _at(
                f"{prefix}.payer.payer_id",
                f"Other insurance {index + 1} ({other.subscriber.payer.name}) has no payer ID."
                " Enter it from the clearinghouse's payer list.",
            )
        if _blank(other.subscriber.person.member_id):
            yield _at(
                f"{prefix}.person.member_id",
                f"Other insurance {index + 1} ({other.subscriber.payer.name}) has no member ID."
                " Copy it from that insurance card.",
            )
        if _blank(other.subscriber.person.last_name):
            yield _at(
                f"{prefix}.person.last_name",
                f"Other insurance {index + 1}'s subscriber has no last name. Enter it.",
            )


@_edit("COB002", "Secondary claims report what the earlier payer paid", WARNING)
def other_payer_paid(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    if claim.subscriber.responsibility in {"P", "U"}:
        return
    for index, other in enumerate(claim.other_coverage):
        if other.paid_amount is None:
            yield _at(
                f"other_coverage[{index}].paid_amount",
                f"The amount {other.subscriber.payer.name} paid is missing. Secondary payers"
                " usually deny claims without the earlier payer's adjudication: enter the paid"
                " amount from its remittance (0.00 if it denied).",
            )


# ---------------------------------------------------------------------------------------------
# Diagnoses
# ---------------------------------------------------------------------------------------------


@_edit("DX001", "Claim has between 1 and 12 diagnoses", ERROR)
def diagnosis_count(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    if not claim.diagnoses:
        yield "diagnoses", "The claim has no diagnosis codes. Add at least the primary diagnosis."
    elif len(claim.diagnoses) > MAX_DIAGNOSES:
        yield _at(
            "diagnoses",
            f"The claim has {len(claim.diagnoses)} diagnosis codes; a claim holds at most"
            f" {MAX_DIAGNOSES}. Keep the ones the services are for, or split the claim.",
        )


@_edit("DX002", "Diagnosis codes are valid and billable on the date of service", ERROR)
def diagnosis_billable(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    dates = _diagnosis_dates(claim, ctx)
    for index, diagnosis in enumerate(claim.diagnoses):
        raw = diagnosis.code or ""
        field = f"diagnoses[{index}].code"
        if not raw.strip():
            yield field, f"Diagnosis {index + 1} is blank. Enter its ICD-10-CM code or remove it."
            continue
        if raw != codes.normalize_icd10(raw):
            yield _at(
                field,
                f"Diagnosis {index + 1} is written '{raw}'. Enter ICD-10-CM codes in capitals"
                f" without the dot or spaces: {codes.normalize_icd10(raw)}.",
            )
            continue
        covered = [day for day in dates[index] if codes.code_set_covers(day)]
        if not covered:
            continue  # outside the code set's years: DX003 reports it as a warning
        billable, reason = codes.icd10_billable(raw, covered[0])
        if not billable:
            yield _at(
                field,
                f"Diagnosis {index + 1}: {reason} Correct the code (pick the full, most specific"
                " code) before submitting.",
            )


@_edit("DX003", "Diagnosis code set covers the date of service", WARNING)
def diagnosis_code_set_year(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    dates = _diagnosis_dates(claim, ctx)
    uncovered = {day for days in dates.values() for day in days if not codes.code_set_covers(day)}
    if not uncovered:
        return
    year = codes.code_set_fiscal_year()
    first, last = codes.code_set_window()
    years = sorted({f"FY{codes.fiscal_year(day)}" for day in uncovered})
    yield _at(
        "diagnoses",
        f"Diagnosis codes could only be checked against the FY{year} ICD-10-CM code set (for"
        f" services {first.isoformat()} to {last.isoformat()}); this claim has services in"
        f" {', '.join(years)}. Verify the codes in the code set for those dates, and ask the"
        " administrator to update the code set.",
    )
    for index, diagnosis in enumerate(claim.diagnoses):
        raw = diagnosis.code or ""
        outside = [day for day in dates[index] if not codes.code_set_covers(day)]
        if not outside or not raw.strip() or raw != codes.normalize_icd10(raw):
            continue
        billable, reason = codes.icd10_billable(raw, outside[0])
        if not billable:
            yield _at(
                f"diagnoses[{index}].code",
                f"Diagnosis {index + 1}: {reason} Check this code in the code set for"
                f" FY{codes.fiscal_year(outside[0])} before submitting.",
            )


@_edit("DX004", "Principal diagnosis is not an external cause code", ERROR)
def principal_not_external_cause(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    if claim.diagnoses and codes.icd10_is_external_cause(claim.diagnoses[0].code):
        shown = codes.icd10_display(claim.diagnoses[0].code)
        yield _at(
            "diagnoses[0].code",
            f"The first (principal) diagnosis {shown} is an external cause code (V00-Y99): it"
            " tells how an injury happened and can never be listed first. List the injury or"
            f" condition first and move {shown} after it.",
        )


@_edit("DX005", "Principal diagnosis is not a manifestation code", ERROR)
def principal_not_manifestation(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    if claim.diagnoses and codes.icd10_is_manifestation(claim.diagnoses[0].code):
        code = claim.diagnoses[0].code
        shown = codes.icd10_display(code)
        yield _at(
            "diagnoses[0].code",
            f"The first (principal) diagnosis {shown} ({codes.icd10_description(code)}) is a"
            " manifestation code, which ICD-10-CM never allows first. List the underlying"
            f" disease first and move {shown} after it.",
        )


@_edit("DX006", "No diagnosis code is listed twice", ERROR)
def duplicate_diagnoses(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    seen: dict[str, int] = {}
    for index, diagnosis in enumerate(claim.diagnoses):
        code = codes.normalize_icd10(diagnosis.code)
        if not code:
            continue
        if code in seen:
            yield _at(
                f"diagnoses[{index}].code",
                f"Diagnosis {index + 1} ({codes.icd10_display(code)}) repeats diagnosis"
                f" {seen[code] + 1}. Remove the repeat and point its lines at diagnosis"
                f" {seen[code] + 1}.",
            )
        else:
            seen[code] = index


@_edit("DX007", "Every diagnosis is pointed to by a service line", WARNING)
def unpointed_diagnoses(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    pointed = {pointer for line in claim.lines for pointer in line.diagnosis_pointers}
    for index, diagnosis in enumerate(claim.diagnoses):
        if index + 1 not in pointed:
            yield _at(
                f"diagnoses[{index}]",
                f"Diagnosis {index + 1} ({codes.icd10_display(diagnosis.code)}) is not linked to"
                " any service line, so it supports none of the services. Point a line at it, or"
                " remove it if it is not relevant.",
            )


# ---------------------------------------------------------------------------------------------
# Service lines
# ---------------------------------------------------------------------------------------------


@_edit("LN001", "Procedure code is a CPT or HCPCS code", ERROR)
def procedure_code_format(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    for index, line in enumerate(claim.lines):
        code = line.procedure_code or ""
        if codes.procedure_code_kind(code) is not None:
            continue
        hint = ""
        if code and codes.procedure_code_kind(code.strip().upper()) is not None:
            hint = f" Write it as {code.strip().upper()} (capitals, no spaces)."
        yield _at(
            f"lines[{index}].procedure_code",
            f"Line {index + 1}'s procedure code '{code}' is not a CPT or HCPCS code. CPT codes"
            " are 5 digits (99213) or 4 digits and F, T, U or M (3074F); HCPCS codes are a"
            f" letter and 4 digits (J1100).{hint or ' Correct the code.'}",
        )


@_edit("LN002", "Diagnosis pointers are 1 to 4 distinct diagnoses of the claim", ERROR)
def diagnosis_pointers(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    count = len(claim.diagnoses)
    for index, line in enumerate(claim.lines):
        pointers = tuple(line.diagnosis_pointers)
        field = f"lines[{index}].diagnosis_pointers"
        if not pointers:
            yield _at(
                field,
                f"Line {index + 1} is not linked to any diagnosis. Point it at the diagnosis"
                " (1 to 4 of them) the service was for.",
            )
            continue
        if len(pointers) > MAX_POINTERS:
            yield _at(
                field,
                f"Line {index + 1} points at {len(pointers)} diagnoses; a line can point at"
                f" {MAX_POINTERS} at most. Keep the {MAX_POINTERS} most relevant.",
            )
        wrong = [pointer for pointer in pointers if not _valid_pointer(pointer, count)]
        if wrong:
            yield _at(
                field,
                f"Line {index + 1} points at diagnosis {', '.join(map(str, wrong))}, but the"
                f" claim has {count} diagnosis code(s). Point it at diagnoses 1 to {count}.",
            )
        if len(set(pointers)) != len(pointers):
            yield _at(
                field,
                f"Line {index + 1} points at the same diagnosis more than once. Remove the"
                " repeated pointer.",
            )


@_edit("LN003", "Line charge is a positive amount in dollars and cents", ERROR)
def line_charge(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    for index, line in enumerate(claim.lines):
        field = f"lines[{index}].charge"
        if not _finite(line.charge):
            yield field, f"Line {index + 1}'s charge '{line.charge}' is not an amount. Enter it."
            continue
        charge = Decimal(line.charge)
        if charge <= 0:
            yield _at(
                field,
                f"Line {index + 1}'s charge is {_money(charge)}. Every line needs a charge above"
                " zero; for no-charge reporting codes enter $0.01.",
            )
        elif charge != charge.quantize(Decimal("0.01")):
            yield _at(
                field,
                f"Line {index + 1}'s charge {charge} has more than 2 decimal places. Round it to"
                " cents.",
            )


@_edit("LN004", "Units are positive, in units or minutes", ERROR)
def line_units(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    for index, line in enumerate(claim.lines):
        if not _finite(line.units) or Decimal(line.units) <= 0:
            yield _at(
                f"lines[{index}].units",
                f"Line {index + 1}'s units '{line.units}' must be a number above zero. Enter how"
                " many units (or minutes) were provided.",
            )
        if line.unit_code not in codes.UNIT_CODES:
            yield _at(
                f"lines[{index}].unit_code",
                f"Line {index + 1}'s unit type '{line.unit_code}' is not valid. Use UN (units) or"
                " MJ (minutes, for anesthesia).",
            )


@_edit("LN005", "Units are whole numbers", WARNING)
def whole_units(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    for index, line in enumerate(claim.lines):
        if line.unit_code != "UN" or not _finite(line.units) or Decimal(line.units) <= 0:
            continue
        units = Decimal(line.units)
        if units != units.to_integral_value():
            yield _at(
                f"lines[{index}].units",
                f"Line {index + 1} bills {units} units. Payers expect whole units: round as the"
                " code's descriptor says (drugs: up to the next whole unit).",
            )


@_edit("LN006", "No service line is repeated", WARNING)
def duplicate_lines(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    seen: dict[tuple[str, tuple[str, ...], date], int] = {}
    for index, line in enumerate(claim.lines):
        key = (line.procedure_code, tuple(sorted(line.modifiers)), line.service_date)
        if key in seen:
            yield _at(
                f"lines[{index}]",
                f"Line {index + 1} repeats line {seen[key] + 1} (same code, modifiers and date)."
                " If the service was done more than once, bill one line with more units, or add"
                " modifier 76/77 (repeat procedure) or 91 (repeat lab test); otherwise delete it.",
            )
        else:
            seen[key] = index


# ---------------------------------------------------------------------------------------------
# Modifiers
# ---------------------------------------------------------------------------------------------


@_edit("MOD001", "Modifiers are well formed, distinct and at most 4", ERROR)
def modifiers_well_formed(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    for index, line in enumerate(claim.lines):
        field = f"lines[{index}].modifiers"
        modifiers = tuple(line.modifiers)
        if len(modifiers) > codes.MAX_MODIFIERS:
            yield _at(
                field,
                f"Line {index + 1} has {len(modifiers)} modifiers; a line holds at most"
                f" {codes.MAX_MODIFIERS}. Keep the pricing modifiers first and drop the rest.",
            )
        for modifier in modifiers:
            if not codes.modifier_is_well_formed(modifier):
                yield _at(
                    field,
                    f"Line {index + 1}'s modifier '{modifier}' is not valid: a modifier is"
                    " exactly 2 capital letters or digits (e.g. 25, LT). Correct or remove it.",
                )
        repeated = sorted({modifier for modifier in modifiers if modifiers.count(modifier) > 1})
        if repeated:
            yield _at(
                field,
                f"Line {index + 1} lists modifier {', '.join(repeated)} more than once. Remove"
                " the repeat.",
            )


@_edit("MOD002", "Modifiers are known", WARNING)
def modifiers_known(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    for index, line in enumerate(claim.lines):
        for modifier in line.modifiers:
            if codes.modifier_is_well_formed(modifier) and modifier not in codes.KNOWN_MODIFIERS:
                yield _at(
                    f"lines[{index}].modifiers",
                    f"Line {index + 1}'s modifier {modifier} is not in our list of common"
                    " modifiers. Check it is a current CPT/HCPCS modifier the payer accepts.",
                )


@_edit("MOD003", "E/M with modifier 25 has another service the same day", WARNING)
def modifier_25_needs_procedure(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    for index, line in enumerate(claim.lines):
        if "25" not in line.modifiers or not codes.is_evaluation_and_management(
            line.procedure_code
        ):
            continue
        others = [
            other
            for other in claim.lines
            if other.service_date == line.service_date
            and not codes.is_evaluation_and_management(other.procedure_code)
        ]
        if not others:
            yield _at(
                f"lines[{index}].modifiers",
                f"Line {index + 1} bills visit {line.procedure_code} with modifier 25, but no"
                f" procedure is billed on {line.service_date.isoformat()}. Modifier 25 marks a"
                " visit separate from a same-day procedure: add the procedure or remove 25.",
            )


@_edit("MOD004", "Telehealth place of service has a telehealth modifier", WARNING)
def telehealth_modifier(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    # A warning, not an error: whether a modifier is required with POS 02/10 depends on the
    # payer (Medicare relies on the POS alone for most services; many Medicaid and commercial
    # plans still require 95, GT or an audio-only modifier).
    for index, line in enumerate(claim.lines):
        pos = _pos(claim, line)
        if pos in codes.TELEHEALTH_POS and not (set(line.modifiers) & codes.TELEHEALTH_MODIFIERS):
            yield _at(
                f"lines[{index}].modifiers",
                f"Line {index + 1} is billed as telehealth (place of service {pos}) without a"
                " telehealth modifier. Many payers require 95 (video) or 93/FQ (audio-only):"
                " add the one this payer wants, unless it relies on the place of service only.",
            )


# ---------------------------------------------------------------------------------------------
# Place of service and dates
# ---------------------------------------------------------------------------------------------


@_edit("POS001", "Place of service is a CMS place of service code", ERROR)
def place_of_service(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    if claim.place_of_service not in codes.PLACE_OF_SERVICE:
        yield _at(
            "place_of_service",
            f"Place of service '{claim.place_of_service}' is not a CMS place of service code."
            " Choose where the services were provided (e.g. 11 office, 22 outpatient hospital,"
            " 10 telehealth in the patient's home).",
        )
    for index, line in enumerate(claim.lines):
        if line.place_of_service and line.place_of_service not in codes.PLACE_OF_SERVICE:
            yield _at(
                f"lines[{index}].place_of_service",
                f"Line {index + 1}'s place of service '{line.place_of_service}' is not a CMS"
                " place of service code. Correct it, or leave it blank to use the claim's.",
            )


@_edit("DOS001", "Service dates are not in the future", ERROR)
def service_date_not_future(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    for index, line in enumerate(claim.lines):
        if line.service_date > ctx.today:
            yield _at(
                f"lines[{index}].service_date",
                f"Line {index + 1}'s date of service {line.service_date.isoformat()} is in the"
                " future. Services can only be billed once provided: correct the date or hold"
                " the claim.",
            )


def _filing_deadline(claim: Claim, service_date: date) -> date | None:
    days = claim.subscriber.payer.timely_filing_days
    if not isinstance(days, int) or days <= 0:
        return None  # not configured for this payer
    return service_date + timedelta(days=days)


@_edit("DOS002", "Within the payer's timely filing limit", ERROR)
def timely_filing_passed(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    for service_date, index in _first_line_per_date(claim).items():
        deadline = _filing_deadline(claim, service_date)
        if deadline is not None and ctx.today > deadline:
            yield _at(
                f"lines[{index}].service_date",
                f"Services on {service_date.isoformat()} are past {claim.subscriber.payer.name}'s"
                f" {claim.subscriber.payer.timely_filing_days}-day filing limit (deadline"
                f" {deadline.isoformat()}). The payer will deny them: file only with proof of"
                " timely filing or an exception, and review the write-off with your manager.",
            )


@_edit("DOS003", "Timely filing limit is more than 30 days away", WARNING)
def timely_filing_near(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    for service_date, index in _first_line_per_date(claim).items():
        deadline = _filing_deadline(claim, service_date)
        if deadline is None or ctx.today > deadline:
            continue
        left = (deadline - ctx.today).days
        if left <= TIMELY_FILING_WARNING_DAYS:
            yield _at(
                f"lines[{index}].service_date",
                f"Only {left} day(s) left to file services of {service_date.isoformat()} with"
                f" {claim.subscriber.payer.name} (deadline {deadline.isoformat()}). Fix and"
                " submit this claim first.",
            )


@_edit("DOS004", "Service dates are not before the patient's birth", ERROR)
def service_after_birth(claim: Claim, ctx: ScrubContext) -> Iterator[tuple[str, str]]:
    patient, prefix = _patient(claim)
    if patient.birth_date is None:
        return
    for index, line in enumerate(claim.lines):
        if line.service_date < patient.birth_date:
            yield _at(
                f"lines[{index}].service_date",
                f"Line {index + 1}'s date of service {line.service_date.isoformat()} is before"
                f" the patient's date of birth ({patient.birth_date.isoformat()}). Correct the"
                f" service date or the birth date ({prefix}.birth_date).",
            )
