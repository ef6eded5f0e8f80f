"""Reader of 837 Professional claim files (005010X222A1).

`read_837p(text)` returns interchanges -> groups -> transactions -> billing providers ->
subscribers (-> patients) -> claims -> service lines, as frozen dataclasses, or raises
`X12Error` naming the segment and the reason.

Strict mode (the default) is "valid 5010 as far as this reader checks": the envelope (counts,
control numbers, ISA layout), the loop structure (order, required segments, repeats), the
code lists of the elements it reads (SBR, PAT, NM1, CLM, HI, SV1, DTP ...), the HL hierarchy
(HL01 numbering, HL02 parents, HL04 child flags), SBR02 = 18 exactly when claims hang under
the subscriber, LX numbering, diagnosis pointers, CLM02 = sum of SV102, REF*F8 present for
frequency 7/8, and GS08 = ST03 = 005010X222A1.

Tolerant mode (`strict=False`) reads files with bookkeeping defects and returns them in
`Read837.warnings`: envelope counts and trailer control numbers, header dates, ISA11, HL
numbering, element codes and formats, missing required segments, totals, and the later
005010X222A2 errata. It still raises for what makes the data unreadable or ambiguous: broken
envelope nesting, segments out of order or in the wrong loop, and an unknown code where the
guide fixes a code list that decides the structure (HL03 level, NM101 entity, the DTP/REF/HI
qualifiers, CLM05-2 facility code qualifier, BHT01), and any transaction that is not an 837P.
"""

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from billing.claimdata import Address
from billing.x12.errors import X12Error, X12Issue
from billing.x12.grammar import Matcher, Node, check_hierarchy
from billing.x12.layout837 import LAYOUT_837P
from billing.x12.reader import (
    Reporter,
    Segment,
    Transaction,
    parse_d8,
    read_envelopes,
    run_checked,
)

IMPLEMENTATION = "005010X222A1"
LATER_ERRATA = ("005010X222A2",)

__all__ = [
    "IMPLEMENTATION",
    "BillingProvider837",
    "Claim837",
    "ClaimContext",
    "Entity837",
    "Group837",
    "Interchange837",
    "Line837",
    "OtherSubscriber837",
    "Patient837",
    "Read837",
    "Subscriber837",
    "Transaction837",
    "X12Error",
    "read_837p",
]


@dataclass(frozen=True)
class Entity837:
    """An NM1 with what follows it in its loop (address, demographics, ids)."""

    entity_code: str  # NM101: 85 billing provider, IL subscriber, QC patient, PR payer ...
    entity_type: str  # NM102: 1 person, 2 organisation
    name: str  # NM103: last name or organisation name
    first_name: str = ""
    middle_name: str = ""
    suffix: str = ""
    id_qualifier: str = ""  # NM108: XX NPI, MI member id, PI payer id, 46 ETIN
    identifier: str = ""  # NM109
    address: Address | None = None
    birth_date: date | None = None  # DMG02
    sex: str = ""  # DMG03
    taxonomy: str = ""  # PRV03
    tax_id: str = ""  # REF*EI / REF*SY (billing provider)
    contact_name: str = ""  # PER02 (submitter)
    contact_phone: str = ""  # PER*..*TE (submitter)


@dataclass(frozen=True)
class Line837:
    number: int | None  # LX01
    procedure_qualifier: str  # SV101-1 (HC)
    procedure_code: str  # SV101-2
    modifiers: tuple[str, ...]  # SV101-3..6
    charge: Decimal | None  # SV102
    unit_code: str  # SV103: UN, MJ
    units: Decimal | None  # SV104
    place_of_service: str  # SV105 ("" = the claim's)
    diagnosis_pointers: tuple[int, ...]  # SV107
    service_date: date | None  # DTP*472 (start of a range)
    service_date_end: date | None
    line_control_number: str  # REF*6R
    rendering_provider: Entity837 | None  # 2420A
    segment_number: int  # of the LX


@dataclass(frozen=True)
class OtherSubscriber837:
    """Loops 2320/2330A/2330B: another payer of the claim."""

    responsibility: str  # SBR01
    relationship: str  # SBR02: the patient's relationship to this other subscriber
    group_number: str
    group_name: str
    filing_indicator: str
    paid_amount: Decimal | None  # AMT*D
    benefits_assignment: str  # OI03
    release_of_information: str  # OI06
    subscriber: Entity837 | None  # 2330A
    payer: Entity837 | None  # 2330B


@dataclass(frozen=True)
class Claim837:
    patient_control_number: str  # CLM01
    total_charge: Decimal | None  # CLM02
    place_of_service: str  # CLM05-1
    facility_code_qualifier: str  # CLM05-2 (B)
    frequency_code: str  # CLM05-3: 1 original, 7 replacement, 8 void
    provider_signature_on_file: bool  # CLM06 = Y
    accept_assignment: str  # CLM07
    assignment_of_benefits: str  # CLM08
    release_of_information: str  # CLM09
    diagnoses: tuple[str, ...]  # HI codes, principal first
    diagnosis_qualifiers: tuple[str, ...]  # ABK/ABF (ICD-10) or BK/BF (ICD-9), same order
    payer_claim_number: str  # REF*F8
    prior_authorization: str  # REF*G1
    onset_date: date | None  # DTP*431
    rendering_provider: Entity837 | None  # 2310B
    other_subscribers: tuple[OtherSubscriber837, ...]  # 2320
    lines: tuple[Line837, ...]  # 2400
    segment_number: int  # of the CLM

    @property
    def line_total(self) -> Decimal:
        return sum((line.charge or Decimal(0) for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class Patient837:
    """Loop 2000C: the patient when not the subscriber."""

    hl_id: str
    relationship: str  # PAT01: 19 child, 01 spouse ...
    patient: Entity837
    claims: tuple[Claim837, ...]


@dataclass(frozen=True)
class Subscriber837:
    """Loop 2000B with its subscriber (2010BA) and payer (2010BB)."""

    hl_id: str
    responsibility: str  # SBR01
    relationship: str  # SBR02 (18 when the subscriber is the patient)
    group_number: str  # SBR03
    group_name: str  # SBR04
    filing_indicator: str  # SBR09
    subscriber: Entity837
    payer: Entity837
    claims: tuple[Claim837, ...]  # claims of the subscriber as patient
    patients: tuple[Patient837, ...]


@dataclass(frozen=True)
class BillingProvider837:
    hl_id: str
    provider: Entity837  # with taxonomy (PRV*BI) and tax_id (REF*EI)
    subscribers: tuple[Subscriber837, ...]


@dataclass(frozen=True)
class Transaction837:
    control_number: str  # ST02
    implementation: str  # ST03
    purpose: str  # BHT02
    reference: str  # BHT03
    created: date | None  # BHT04
    created_time: str  # BHT05
    claim_or_encounter: str  # BHT06: CH chargeable, RP reporting
    submitter: Entity837
    receiver: Entity837
    billing_providers: tuple[BillingProvider837, ...]
    segment_count: int  # ST..SE


@dataclass(frozen=True)
class Group837:
    control_number: str  # GS06
    version: str  # GS08
    sender: str
    receiver: str
    transactions: tuple[Transaction837, ...]


@dataclass(frozen=True)
class Interchange837:
    control_number: str  # ISA13
    sender_id: str
    receiver_id: str
    date: date | None
    time: str
    usage_indicator: str
    groups: tuple[Group837, ...]


@dataclass(frozen=True)
class ClaimContext:
    """One claim with the parties around it (see `Read837.claims()`)."""

    claim: Claim837
    patient: Entity837  # the 2000C patient, or the subscriber when they are the patient
    patient_relationship: str  # "18" when the patient is the subscriber, else PAT01
    subscriber: Subscriber837
    billing_provider: BillingProvider837
    transaction: Transaction837
    interchange_control_number: str


@dataclass(frozen=True)
class Read837:
    interchanges: tuple[Interchange837, ...]
    warnings: tuple[X12Issue, ...]  # always empty in strict mode

    def claims(self) -> list[ClaimContext]:
        return list(self._iter_claims())

    def _iter_claims(self) -> Iterator[ClaimContext]:
        for interchange in self.interchanges:
            for group in interchange.groups:
                for transaction in group.transactions:
                    for provider in transaction.billing_providers:
                        for subscriber in provider.subscribers:
                            for claim in subscriber.claims:
                                yield ClaimContext(
                                    claim,
                                    subscriber.subscriber,
                                    "18",
                                    subscriber,
                                    provider,
                                    transaction,
                                    interchange.control_number,
                                )
                            for patient in subscriber.patients:
                                for claim in patient.claims:
                                    yield ClaimContext(
                                        claim,
                                        patient.patient,
                                        patient.relationship,
                                        subscriber,
                                        provider,
                                        transaction,
                                        interchange.control_number,
                                    )


# ---------------------------------------------------------------------------- helpers


def _decimal(segment: Segment, position: int) -> Decimal | None:
    value = segment.get(position)
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        # The element check already reported it; keep going without a number.
        return None
    return number


def _blank(near: Segment, seg_id: str) -> Segment:
    """An empty stand-in for a required segment that is missing (tolerant mode only)."""
    return Segment(seg_id, (), near.number, near.line, near.delimiters)


def _address(node: Node) -> Address | None:
    n3 = node.first("N3")
    n4 = node.first("N4")
    if n3 is None and n4 is None:
        return None
    return Address(
        line1=n3.get(1) if n3 else "",
        line2=n3.get(2) if n3 else "",
        city=n4.get(1) if n4 else "",
        state=n4.get(2) if n4 else "",
        zip_code=n4.get(3) if n4 else "",
    )


def _entity(node: Node | None) -> Entity837 | None:
    if node is None:
        return None
    nm1 = node.header
    dmg = node.first("DMG")
    prv = node.first("PRV")
    tax = node.first("REF", "EI") or node.first("REF", "SY")
    per = node.first("PER")
    phone = ""
    if per is not None:
        for position in (3, 5, 7):
            if per.get(position) == "TE":
                phone = per.get(position + 1)
                break
    return Entity837(
        entity_code=nm1.get(1),
        entity_type=nm1.get(2),
        name=nm1.get(3),
        first_name=nm1.get(4),
        middle_name=nm1.get(5),
        suffix=nm1.get(7),
        id_qualifier=nm1.get(8),
        identifier=nm1.get(9),
        address=_address(node),
        birth_date=parse_d8(dmg.get(2)) if dmg else None,
        sex=dmg.get(3) if dmg else "",
        taxonomy=prv.get(3) if prv else "",
        tax_id=tax.get(2) if tax else "",
        contact_name=per.get(2) if per else "",
        contact_phone=phone,
    )


def _required_entity(node: Node | None) -> Entity837:
    entity = _entity(node)
    if entity is None:
        # Only reachable in tolerant mode, where the missing loop was already reported.
        return Entity837(entity_code="", entity_type="", name="")
    return entity


# ---------------------------------------------------------------------------- claims


def _diagnoses(claim: Node, reporter: Reporter) -> tuple[tuple[str, ...], tuple[str, ...]]:
    hi = claim.first("HI")
    if hi is None or hi.component(1, 1) not in ("ABK", "BK"):
        for candidate in claim.all("HI"):
            if candidate.component(1, 1) in ("ABK", "BK"):
                hi = candidate
                break
        else:
            return (), ()
    principal = hi.component(1, 1)
    other = "ABF" if principal == "ABK" else "BF"
    codes: list[str] = []
    qualifiers: list[str] = []
    if len(hi.elements) > 12:
        reporter.report(hi, f"HI holds {len(hi.elements)} diagnoses; at most 12 are allowed")
    for position in range(1, len(hi.elements) + 1):
        if not hi.get(position):
            continue
        qualifier = hi.component(position, 1)
        code = hi.component(position, 2)
        expected = principal if position == 1 else other
        if qualifier != expected:
            reporter.report(
                hi,
                f"HI{position:02d}-1 {qualifier!r} is not a valid diagnosis type code here; "
                f"expected {expected} (after a principal {principal})",
            )
            continue
        if not code:
            reporter.report(hi, f"HI{position:02d}-2 (Diagnosis Code) is required")
            continue
        if "." in code:
            reporter.report(hi, f"HI{position:02d}-2 {code!r}: diagnosis codes carry no dot")
        codes.append(code)
        qualifiers.append(qualifier)
    return tuple(codes), tuple(qualifiers)


def _pointers(sv1: Segment, diagnosis_count: int, reporter: Reporter) -> tuple[int, ...]:
    pointers: list[int] = []
    parts = sv1.components(7)
    if len(parts) > 4:
        reporter.report(sv1, f"SV107 holds {len(parts)} diagnosis pointers; at most 4")
    for index, part in enumerate(parts, start=1):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 12:
            reporter.report(sv1, f"SV107-{index} {part!r} must be a diagnosis pointer 1-12")
            continue
        pointer = int(part)
        if pointer > diagnosis_count:
            reporter.report(
                sv1,
                f"SV107-{index} points to diagnosis {pointer} but the claim has "
                f"{diagnosis_count} diagnosis code(s)",
            )
        if pointer in pointers:
            reporter.report(sv1, f"SV107-{index}: diagnosis pointer {pointer} is repeated")
        pointers.append(pointer)
    return tuple(pointers)


def _line(node: Node, diagnosis_count: int, expected_number: int, reporter: Reporter) -> Line837:
    lx = node.header
    # A missing SV1 or SBR was reported by the matcher; tolerant mode reads on with blanks.
    sv1 = node.first("SV1") or _blank(lx, "SV1")
    number = int(lx.get(1)) if lx.get(1).isdigit() else None
    if number != expected_number:
        reporter.report(
            lx, f"LX01 {lx.get(1)!r} should be {expected_number} (lines are numbered from 1)"
        )
    service = node.first("DTP", "472")
    start = end = None
    if service is not None:
        if service.get(2) == "RD8":
            first, _, last = service.get(3).partition("-")
            start, end = parse_d8(first), parse_d8(last)
        else:
            start = end = parse_d8(service.get(3))
    composite = sv1.components(1)
    lcn = node.first("REF", "6R")
    return Line837(
        number=number,
        procedure_qualifier=composite[0] if composite else "",
        procedure_code=composite[1] if len(composite) > 1 else "",
        modifiers=tuple(m for m in composite[2:6] if m),
        charge=_decimal(sv1, 2),
        unit_code=sv1.get(3),
        units=_decimal(sv1, 4),
        place_of_service=sv1.get(5),
        diagnosis_pointers=_pointers(sv1, diagnosis_count, reporter),
        service_date=start,
        service_date_end=end,
        line_control_number=lcn.get(2) if lcn else "",
        rendering_provider=_entity(node.loop("2420A")),
        segment_number=lx.number,
    )


def _other_subscriber(node: Node, reporter: Reporter) -> OtherSubscriber837:
    sbr = node.header
    paid = node.first("AMT", "D")
    oi = node.first("OI")
    return OtherSubscriber837(
        responsibility=sbr.get(1),
        relationship=sbr.get(2),
        group_number=sbr.get(3),
        group_name=sbr.get(4),
        filing_indicator=sbr.get(9),
        paid_amount=_decimal(paid, 2) if paid else None,
        benefits_assignment=oi.get(3) if oi else "",
        release_of_information=oi.get(6) if oi else "",
        subscriber=_entity(node.loop("2330A")),
        payer=_entity(node.loop("2330B")),
    )


def _claim(node: Node, reporter: Reporter) -> Claim837:
    clm = node.header
    diagnoses, qualifiers = _diagnoses(node, reporter)
    lines = tuple(
        _line(line, len(diagnoses), index, reporter)
        for index, line in enumerate(node.loops("2400"), start=1)
    )
    total = _decimal(clm, 2)
    if total is not None and all(line.charge is not None for line in lines):
        line_total = sum((line.charge or Decimal(0) for line in lines), Decimal(0))
        if line_total != total:
            reporter.report(
                clm,
                f"CLM02 total charge {clm.get(2)} does not equal the sum of the service line "
                f"charges ({line_total})",
            )
    frequency = clm.component(5, 3)
    if frequency and (len(frequency) != 1 or not frequency.isalnum()):
        reporter.report(clm, f"CLM05-3 claim frequency code {frequency!r} must be one character")
    f8 = node.first("REF", "F8")
    if frequency in ("7", "8") and f8 is None:
        kind = "replacement" if frequency == "7" else "void"
        reporter.report(
            clm,
            f"claim frequency {frequency} ({kind}) requires REF*F8 with the payer's claim "
            "control number of the original claim",
        )
    prior = node.first("REF", "G1")
    onset = node.first("DTP", "431")
    return Claim837(
        patient_control_number=clm.get(1),
        total_charge=total,
        place_of_service=clm.component(5, 1),
        facility_code_qualifier=clm.component(5, 2),
        frequency_code=frequency,
        provider_signature_on_file=clm.get(6) == "Y",
        accept_assignment=clm.get(7),
        assignment_of_benefits=clm.get(8),
        release_of_information=clm.get(9),
        diagnoses=diagnoses,
        diagnosis_qualifiers=qualifiers,
        payer_claim_number=f8.get(2) if f8 else "",
        prior_authorization=prior.get(2) if prior else "",
        onset_date=parse_d8(onset.get(3)) if onset else None,
        rendering_provider=_entity(node.loop("2310B")),
        other_subscribers=tuple(_other_subscriber(o, reporter) for o in node.loops("2320")),
        lines=lines,
        segment_number=clm.number,
    )


# ---------------------------------------------------------------------------- hierarchy


def _subscriber(node: Node, reporter: Reporter) -> Subscriber837:
    hl = node.header
    patients_nodes = node.loops("2000C")
    sbr = node.first("SBR") or _blank(hl, "SBR")
    claims = tuple(_claim(c, reporter) for c in node.loops("2300"))
    if claims and sbr.get(2) != "18":
        reporter.report(
            sbr,
            "SBR02 must be 18 (self) when claims follow the subscriber loop directly "
            f"(found {sbr.get(2)!r}); a different patient needs a 2000C patient loop",
        )
    if patients_nodes and sbr.get(2) == "18":
        reporter.report(sbr, "SBR02 is 18 (self) but the subscriber has a 2000C patient loop")
    if not claims and not patients_nodes:
        reporter.report(hl, "subscriber level without any claim or patient level")
    subscriber_loop = node.loop("2010BA")
    if claims and subscriber_loop is not None and subscriber_loop.first("DMG") is None:
        reporter.report(
            subscriber_loop.header,
            "DMG (subscriber demographics) is required when the subscriber is the patient",
        )
    patients = []
    for patient_node in patients_nodes:
        pat = patient_node.first("PAT")
        patients.append(
            Patient837(
                hl_id=patient_node.header.get(1),
                relationship=pat.get(1) if pat else "",
                patient=_required_entity(patient_node.loop("2010CA")),
                claims=tuple(_claim(c, reporter) for c in patient_node.loops("2300")),
            )
        )
    return Subscriber837(
        hl_id=hl.get(1),
        responsibility=sbr.get(1),
        relationship=sbr.get(2),
        group_number=sbr.get(3),
        group_name=sbr.get(4),
        filing_indicator=sbr.get(9),
        subscriber=_required_entity(node.loop("2010BA")),
        payer=_required_entity(node.loop("2010BB")),
        claims=claims,
        patients=tuple(patients),
    )


def _transaction(transaction: Transaction, version: str, reporter: Reporter) -> Transaction837:
    st = transaction.segments[0]
    if transaction.set_id != "837":
        raise st.error(f"ST01 {transaction.set_id!r} is not 837: this is not a claim transaction")
    if transaction.implementation != version:
        reporter.report(st, f"ST03 {transaction.implementation!r} does not match GS08 {version!r}")
    root = Matcher(LAYOUT_837P, reporter).parse(transaction.segments)
    bht = root.first("BHT") or _blank(st, "BHT")
    check_hierarchy(root, reporter)
    providers = []
    for provider_node in root.loops("2000A"):
        subscribers = tuple(_subscriber(node, reporter) for node in provider_node.loops("2000B"))
        providers.append(
            BillingProvider837(
                hl_id=provider_node.header.get(1),
                provider=_billing_entity(provider_node),
                subscribers=subscribers,
            )
        )
    submitter = _required_entity(root.loop("1000A"))
    return Transaction837(
        control_number=transaction.control_number,
        implementation=transaction.implementation,
        purpose=bht.get(2),
        reference=bht.get(3),
        created=parse_d8(bht.get(4)),
        created_time=bht.get(5),
        claim_or_encounter=bht.get(6),
        submitter=submitter,
        receiver=_required_entity(root.loop("1000B")),
        billing_providers=tuple(providers),
        segment_count=len(transaction.segments),
    )


def _billing_entity(provider_node: Node) -> Entity837:
    entity = _required_entity(provider_node.loop("2010AA"))
    prv = provider_node.first("PRV", "BI")
    if prv is None:
        return entity
    return replace(entity, taxonomy=prv.get(3))


def _check_version(group_header: Segment, reporter: Reporter) -> None:
    version = group_header.get(8)
    if group_header.get(1) != "HC":
        raise group_header.error(
            f"GS01 {group_header.get(1)!r} is not HC (health care claim): not an 837 claim file"
        )
    if version == IMPLEMENTATION:
        return
    if version in LATER_ERRATA:
        reporter.report(
            group_header,
            f"GS08 {version} is a later errata of the 837P that HIPAA has not adopted; "
            f"payers expect {IMPLEMENTATION} (same loop layout, read anyway in tolerant mode)",
        )
        return
    kinds = {"005010X223": "837 Institutional", "005010X224": "837 Dental"}
    kind = kinds.get(version[:10], "")
    raise group_header.error(
        f"GS08 {version!r} is not {IMPLEMENTATION} (837 Professional)"
        + (f": it is an {kind} file" if kind else "")
    )


def read_837p(text: str | bytes, *, strict: bool = True) -> Read837:
    """Read an 837P file. Raises X12Error (segment number, id, reason) for the first problem
    in file order; see the module docstring for what strict and tolerant mode check."""

    def work(reporter: Reporter) -> tuple[Interchange837, ...]:
        interchanges = []
        for interchange in read_envelopes(text, reporter=reporter):
            groups = []
            for group in interchange.groups:
                _check_version(group.header, reporter)
                transactions = tuple(
                    _transaction(t, group.version, reporter) for t in group.transactions
                )
                groups.append(
                    Group837(
                        control_number=group.control_number,
                        version=group.version,
                        sender=group.sender,
                        receiver=group.receiver,
                        transactions=transactions,
                    )
                )
            interchanges.append(
                Interchange837(
                    control_number=interchange.control_number,
                    sender_id=interchange.sender_id,
                    receiver_id=interchange.receiver_id,
                    date=interchange.date,
                    time=interchange.time,
                    usage_indicator=interchange.usage_indicator,
                    groups=tuple(groups),
                )
            )
        return tuple(interchanges)

    interchanges, warnings = run_checked(strict, work)
    return Read837(interchanges=interchanges, warnings=warnings)
