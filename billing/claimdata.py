"""Plain data describing professional claims, as the scrubber checks them and the 837P
writer prints them. Pure Python (no Django): services build these from the database.

Money is Decimal, dates are datetime.date. Codes are stored without dots (ICD-10-CM
"E119", as X12 wants them); `Diagnosis.display` gives the dotted form for people.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    state: str  # USPS code
    zip_code: str  # 5 or 9 digits (9 required for the billing provider in 5010)
    line2: str = ""


@dataclass(frozen=True)
class Party:
    """A submitter, receiver or billing provider organisation."""

    name: str
    identifier: str  # ETIN for submitter/receiver, NPI for a provider
    address: Address | None = None
    tax_id: str = ""  # EIN, 9 digits, billing provider only
    taxonomy: str = ""  # billing provider PRV*BI
    contact_name: str = ""  # submitter PER
    contact_phone: str = ""  # digits only


@dataclass(frozen=True)
class Person:
    last_name: str
    first_name: str
    birth_date: date | None = None
    sex: str = "U"  # M, F or U
    address: Address | None = None
    middle_name: str = ""
    member_id: str = ""  # subscriber's member id at the payer (NM1*IL*...*MI)


@dataclass(frozen=True)
class Provider:
    """Rendering (or referring) provider: an individual NPI."""

    last_name: str
    first_name: str
    npi: str
    taxonomy: str = ""


@dataclass(frozen=True)
class Payer:
    name: str
    payer_id: str  # the clearinghouse's payer id (NM1*PR*...*PI)
    # Claim filing indicator (SBR09): CI commercial, MB Medicare B, MC Medicaid, BL BCBS,
    # HM HMO, 16 Medicare Advantage HMO, etc.
    filing_indicator: str = "CI"
    address: Address | None = None
    timely_filing_days: int = 365


@dataclass(frozen=True)
class Subscriber:
    person: Person  # the insured (member_id set)
    payer: Payer
    # SBR01 payer responsibility: P primary, S secondary, T tertiary
    responsibility: str = "P"
    # Patient's relationship to the subscriber (PAT01 when not self): 18 self, 01 spouse,
    # 19 child, 20 employee, 21 unknown, 39 organ donor, 40 cadaver donor, 53 life partner,
    # G8 other relationship
    relationship: str = "18"
    group_number: str = ""
    group_name: str = ""


@dataclass(frozen=True)
class OtherCoverage:
    """Another payer on the claim (loop 2320/2330): e.g. the primary when billing secondary."""

    subscriber: Subscriber
    paid_amount: Decimal | None = None  # AMT*D when the other payer has adjudicated


@dataclass(frozen=True)
class Diagnosis:
    code: str  # ICD-10-CM without the dot, e.g. "E119"

    @property
    def display(self) -> str:
        return self.code if len(self.code) <= 3 else f"{self.code[:3]}.{self.code[3:]}"


@dataclass(frozen=True)
class ServiceLine:
    procedure_code: str  # CPT or HCPCS Level II, 5 characters
    charge: Decimal
    units: Decimal
    service_date: date
    diagnosis_pointers: tuple[int, ...]  # 1-based indexes into Claim.diagnoses, 1 to 4
    modifiers: tuple[str, ...] = ()  # up to 4, two characters each
    place_of_service: str = ""  # blank: same as the claim's
    line_control_number: str = ""  # REF*6R, echoed by the 835 (unique within the claim)
    rendering_provider: Provider | None = None  # blank: same as the claim's
    unit_code: str = "UN"  # UN units, MJ minutes


@dataclass(frozen=True)
class Claim:
    patient_control_number: str  # CLM01, up to 20 characters, unique per practice
    total_charge: Decimal  # CLM02 = sum of line charges
    place_of_service: str  # CLM05-1, 2 digits
    frequency_code: str  # CLM05-3: 1 original, 7 replacement, 8 void
    subscriber: Subscriber
    diagnoses: tuple[Diagnosis, ...]  # 1 to 12; the first is principal (ABK)
    lines: tuple[ServiceLine, ...]
    patient: Person | None = None  # None when the patient is the subscriber (relationship 18)
    rendering_provider: Provider | None = None
    payer_claim_number: str = ""  # REF*F8, required for frequency 7 and 8
    other_coverage: tuple[OtherCoverage, ...] = ()
    provider_signature_on_file: bool = True  # CLM06
    assignment_of_benefits: bool = True  # CLM08
    release_of_information: str = "Y"  # CLM09
    accept_assignment: str = "A"  # CLM07: A assigned, C not assigned
    onset_date: date | None = None  # DTP*431
    prior_authorization: str = ""  # REF*G1


@dataclass(frozen=True)
class ClaimBatch:
    """Everything one 837P interchange holds: claims of one billing provider to one payer."""

    submitter: Party
    receiver: Party
    billing_provider: Party
    claims: tuple[Claim, ...]
    created: date
    created_time: str = "1200"  # HHMM
    usage_indicator: str = "T"  # ISA15: T test, P production
    sender_id: str = ""  # ISA06 (defaults to the submitter's identifier)
    receiver_id: str = ""  # ISA08 (defaults to the receiver's identifier)


@dataclass(frozen=True)
class ControlNumbers:
    interchange: int  # ISA13, 1..999999999
    group: int  # GS06
    transaction: int  # ST02 / SE02 (printed as at least 4 digits)


@dataclass
class Finding:
    """One scrubber edit that fired: a stable code, the plain-language message, where."""

    code: str
    message: str
    field: str = ""  # e.g. "lines[2].modifiers", "subscriber.member_id"
    severity: str = "error"  # error blocks submission; warning does not


@dataclass(frozen=True)
class ScrubContext:
    """What the scrubber needs beyond the claim itself."""

    today: date
    # Patient control numbers / keys of other claims of this practice that could duplicate it:
    # (patient key, payer id, first service date, procedure codes) of live claims.
    other_claim_keys: frozenset[tuple[str, str, date, tuple[str, ...]]] = field(
        default_factory=frozenset
    )
    patient_key: str = ""
    billing_provider: Party | None = None
    # NPI -> exclusion date of providers whose exclusion (OIG LEIE) a reviewer confirmed.
    excluded_since: dict[str, date] = field(default_factory=dict)
    # Provider NPI -> (state, expires) of each state license on file (None: no expiry).
    license_periods: dict[str, tuple[tuple[str, date | None], ...]] = field(default_factory=dict)
    # The state where the service was given (the claim's location); blank: not known.
    service_state: str = ""
