"""Reader of the 277CA Health Care Claim Acknowledgment (005010X214).

`read_277ca(text)` returns an `Ack277`: the batch-level statuses (2200B, with the accepted and
rejected counts and amounts) and, per claim (2200D: TRN*2 = our patient control number), the
STC statuses (category A0..A8, status code, entity), REF*1K payer claim control number, and
whether the claim was accepted or rejected, with plain-language reasons.

A claim is *accepted* when every status category on it is an acknowledgement of receipt or
acceptance (A0, A1, A2, A5) and *rejected* when any is a rejection (A3, A4, A6, A7, A8, or the
error categories E0, E3, E4), also when a rejected service line (2220D) caused it. The
category decides; STC03 (WQ accept / U reject) is kept as `action`. Anything else (pending or
finalised categories, which do not belong in a 277CA) gives status "other".

A 277 that is not a 277CA -- the 005010X212 claim status response, or a BHT that is not
0085 / TH -- is rejected with `X12Error`. Strict mode (default) also rejects envelope, layout,
code and HL numbering problems; tolerant mode (`strict=False`) keeps the non-structural ones as
warnings.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from billing.x12 import codes
from billing.x12.errors import X12Error, X12Issue
from billing.x12.grammar import Matcher, Node, Seg, check_hierarchy, el, loop, seg
from billing.x12.reader import Reporter, Segment, parse_d8, read_envelopes, run_checked

IMPLEMENTATION = "005010X214"
OTHER_277 = {
    "005010X212": "a 277 claim status response (005010X212), the answer to a 276 inquiry",
    "005010X228": "a 277 request for additional information (005010X228)",
}

__all__ = [
    "IMPLEMENTATION",
    "Ack277",
    "ClaimStatus277",
    "LineStatus277",
    "Status277",
    "X12Error",
    "read_277ca",
    "read_277ca_all",
]


def _stc(name: str, pos: int, usage: str = "R", max_use: int | None = None) -> Seg:
    return seg(
        "STC",
        name,
        pos,
        usage,
        max_use,
        elements=[
            el(1, "Health Care Claim Status Category Code", component=1, required=True),
            el(1, "Health Care Claim Status Code", component=2, required=True),
            el(2, "Status Information Effective Date", required=True, kind="d8"),
            el(3, "Action Code", codes="U WQ"),
            el(4, "Total Claim Charge Amount", kind="number"),
        ],
    )


def _nm1(codes_: str, name: str) -> Seg:
    return seg(
        "NM1",
        name,
        1,
        "R",
        q=(1, codes_),
        elements=[el(2, "Entity Type Qualifier", required=True, codes="1 2")],
    )


def _trn(code: str, name: str) -> Seg:
    return seg(
        "TRN",
        name,
        1,
        "R",
        q=(1, code),
        elements=[el(2, "Reference Identification", required=True)],
    )


def _dtp(code: str, name: str, pos: int, usage: str) -> Seg:
    return seg(
        "DTP",
        name,
        pos,
        usage,
        q=(1, code),
        elements=[
            el(2, "Date Time Period Format Qualifier", required=True, codes="D8 RD8"),
            el(3, "Date Time Period", required=True, kind="dtp"),
        ],
    )


def _quantity(code: str, name: str, pos: int) -> Seg:
    return seg(
        "QTY", name, pos, q=(1, code), elements=[el(2, "Quantity", required=True, kind="number")]
    )


def _amount(code: str, name: str, pos: int) -> Seg:
    return seg(
        "AMT", name, pos, q=(1, code), elements=[el(2, "Amount", required=True, kind="number")]
    )


def _ref(code: str, name: str, pos: int) -> Seg:
    return seg(
        "REF", name, pos, q=(1, code), elements=[el(2, "Reference Identification", required=True)]
    )


LAYOUT_277CA = loop(
    "277CA",
    "277CA Health Care Claim Acknowledgment (005010X214)",
    1,
    "R",
    1,
    seg("ST", "Transaction Set Header", 1, "R", q=(1, "277")),
    seg(
        "BHT",
        "Beginning of Hierarchical Transaction",
        2,
        "R",
        elements=[
            el(1, "Hierarchical Structure Code", required=True, codes="0085", fatal=True),
            el(2, "Transaction Set Purpose Code", required=True, codes="08"),
            el(3, "Originator Application Transaction Identifier", required=True),
            el(4, "Transaction Set Creation Date", required=True, kind="d8"),
            el(6, "Transaction Type Code", required=True, codes="TH", fatal=True),
        ],
    ),
    loop(
        "2000A",
        "Information Source Level",
        10,
        "R",
        None,
        seg("HL", "Information Source Level", 10, "R", q=(3, "20")),
        loop("2100A", "Information Source Name", 11, "R", 1, _nm1("AY PR", "Information Source")),
        loop(
            "2200A",
            "Transmission Receipt Control Identifier",
            12,
            "R",
            None,
            _trn("1", "Transmission Receipt Control Identifier"),
            _dtp("050", "Information Source Receipt Date", 2, "R"),
            _dtp("009", "Information Source Process Date", 3, "R"),
        ),
        loop(
            "2000B",
            "Information Receiver Level",
            20,
            "R",
            None,
            seg("HL", "Information Receiver Level", 20, "R", q=(3, "21")),
            loop("2100B", "Information Receiver Name", 21, "R", 1, _nm1("41", "Receiver")),
            loop(
                "2200B",
                "Information Receiver Trace Identifier",
                22,
                "R",
                1,
                _trn("2", "Information Receiver Trace Identifier"),
                _stc("Information Receiver Status Information", 2),
                _quantity("90", "Total Accepted Quantity", 3),
                _quantity("AA", "Total Rejected Quantity", 3),
                _amount("YU", "Total Accepted Amount", 4),
                _amount("YY", "Total Rejected Amount", 4),
            ),
            loop(
                "2000C",
                "Billing Provider of Service Level",
                30,
                "S",
                None,
                seg("HL", "Billing Provider of Service Level", 30, "R", q=(3, "19")),
                loop("2100C", "Billing Provider Name", 31, "R", None, _nm1("85", "Provider")),
                loop(
                    "2200C",
                    "Provider of Service Information Trace Identifier",
                    32,
                    "S",
                    1,
                    _trn("1", "Provider of Service Information Trace Identifier"),
                    _stc("Billing Provider Status Information", 2),
                    seg("REF", "Provider Secondary Identifier", 3),
                    _quantity("QA", "Total Accepted Quantity", 4),
                    _quantity("QC", "Total Rejected Quantity", 4),
                    _amount("YU", "Total Accepted Amount", 5),
                    _amount("YY", "Total Rejected Amount", 5),
                ),
                loop(
                    "2000D",
                    "Patient Level",
                    40,
                    "R",
                    None,
                    seg("HL", "Patient Level", 40, "R", q=(3, "PT")),
                    loop("2100D", "Patient Name", 41, "R", 1, _nm1("QC", "Patient")),
                    loop(
                        "2200D",
                        "Claim Status Tracking Number",
                        42,
                        "S",
                        None,
                        _trn("2", "Claim Status Tracking Number"),
                        _stc("Claim Level Status Information", 2),
                        _ref("1K", "Payer Claim Control Number", 3),
                        _ref("D9", "Clearinghouse Trace Number", 3),
                        _ref("BLT", "Institutional Bill Type Identification", 3),
                        _dtp("472", "Claim Level Service Date", 4, "R"),
                        loop(
                            "2220D",
                            "Service Line Information",
                            50,
                            "S",
                            None,
                            seg("SVC", "Service Line Information", 50, "R"),
                            _stc("Service Line Level Status Information", 51, max_use=None),
                            _ref("FJ", "Line Item Control Number", 52),
                            _ref("XZ", "Pharmacy Prescription Number", 52),
                            _dtp("472", "Service Line Date", 53, "S"),
                        ),
                    ),
                ),
            ),
        ),
    ),
    seg("SE", "Transaction Set Trailer", 99, "R"),
)


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value) if value else None
    except InvalidOperation:
        return None
    return number if number is not None and number.is_finite() else None


@dataclass(frozen=True)
class Status277:
    """One status (STC01, STC10 or STC11 composite) with the STC's date, action, amount."""

    category: str  # A0 .. A8, E0 ..
    code: str  # claim status code, e.g. 20, 562
    entity: str  # entity identifier, e.g. 85 billing provider
    category_description: str
    code_description: str
    entity_description: str
    date: date | None  # STC02
    action: str  # STC03: WQ accept, U reject
    amount: Decimal | None  # STC04
    segment_number: int

    @property
    def accepted(self) -> bool:
        return self.category in codes.ACCEPTED_CATEGORIES

    @property
    def rejected(self) -> bool:
        return self.category in codes.REJECTED_CATEGORIES

    @property
    def reason(self) -> str:
        text = f"{self.category}: {self.category_description}"
        if self.code:
            text += f"; {self.code}: {self.code_description}"
        if self.entity:
            text += f" ({self.entity_description})"
        return text


@dataclass(frozen=True)
class LineStatus277:
    """2220D: a service line the payer reports on (usually a rejected one)."""

    procedure_qualifier: str  # SVC01-1
    procedure_code: str  # SVC01-2
    modifiers: tuple[str, ...]
    charge: Decimal | None  # SVC02
    line_control_number: str  # REF*FJ = our REF*6R
    service_date: date | None
    statuses: tuple[Status277, ...]
    segment_number: int


@dataclass(frozen=True)
class ClaimStatus277:
    patient_control_number: str  # 2200D TRN02 = our CLM01
    status: str  # accepted | rejected | other
    statuses: tuple[Status277, ...]
    reasons: tuple[str, ...]
    payer_claim_number: str  # REF*1K
    clearinghouse_trace_number: str  # REF*D9
    total_charge: Decimal | None  # STC04 of the first status
    service_date: date | None
    service_date_end: date | None
    patient_last_name: str
    patient_first_name: str
    patient_id: str  # 2100D NM109 (member id)
    billing_provider_name: str
    billing_provider_id: str  # 2100C NM109 (NPI)
    lines: tuple[LineStatus277, ...]
    segment_number: int  # of the TRN

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    @property
    def rejected(self) -> bool:
        return self.status == "rejected"


@dataclass(frozen=True)
class Ack277:
    interchange_control_number: str
    control_number: str  # ST02
    reference: str  # BHT03
    created: date | None  # BHT04
    source_name: str  # 2100A NM103 (payer or clearinghouse)
    receiver_name: str  # 2100B NM103
    receiver_id: str  # 2100B NM109
    batch_reference: str  # 2200B TRN02 (the BHT03 of our 837)
    batch_statuses: tuple[Status277, ...]  # 2200B
    accepted_quantity: Decimal | None  # QTY*90
    rejected_quantity: Decimal | None  # QTY*AA
    accepted_amount: Decimal | None  # AMT*YU
    rejected_amount: Decimal | None  # AMT*YY
    provider_statuses: tuple[Status277, ...]  # 2200C, all providers
    claims: tuple[ClaimStatus277, ...]
    warnings: tuple[X12Issue, ...] = ()

    @property
    def accepted_claims(self) -> tuple[ClaimStatus277, ...]:
        return tuple(c for c in self.claims if c.accepted)

    @property
    def rejected_claims(self) -> tuple[ClaimStatus277, ...]:
        return tuple(c for c in self.claims if c.rejected)

    def claim(self, patient_control_number: str) -> ClaimStatus277 | None:
        for claim in self.claims:
            if claim.patient_control_number == patient_control_number:
                return claim
        return None


def _statuses(stc: Segment) -> list[Status277]:
    found = []
    for position in (1, 10, 11):
        parts = stc.components(position)
        if not parts or not parts[0]:
            continue
        category = parts[0]
        code = parts[1] if len(parts) > 1 else ""
        entity = parts[2] if len(parts) > 2 else ""
        found.append(
            Status277(
                category=category,
                code=code,
                entity=entity,
                category_description=codes.describe(
                    codes.STATUS_CATEGORIES, category, "status category"
                ),
                code_description=codes.describe(codes.STATUS_CODES, code, "claim status code"),
                entity_description=codes.describe(codes.ENTITIES, entity, "entity"),
                date=parse_d8(stc.get(2)),
                action=stc.get(3),
                amount=_decimal(stc.get(4)),
                segment_number=stc.number,
            )
        )
    return found


def _all_statuses(node: Node | None) -> tuple[Status277, ...]:
    if node is None:
        return ()
    return tuple(status for stc in node.all("STC") for status in _statuses(stc))


def _dates(node: Node) -> tuple[date | None, date | None]:
    dtp = node.first("DTP", "472")
    if dtp is None:
        return None, None
    if dtp.get(2) == "RD8":
        first, _, last = dtp.get(3).partition("-")
        return parse_d8(first), parse_d8(last)
    day = parse_d8(dtp.get(3))
    return day, day


def _line(node: Node) -> LineStatus277:
    svc = node.header
    composite = svc.components(1)
    fj = node.first("REF", "FJ")
    return LineStatus277(
        procedure_qualifier=composite[0] if composite else "",
        procedure_code=composite[1] if len(composite) > 1 else "",
        modifiers=tuple(m for m in composite[2:6] if m),
        charge=_decimal(svc.get(2)),
        line_control_number=fj.get(2) if fj else "",
        service_date=_dates(node)[0],
        statuses=_all_statuses(node),
        segment_number=svc.number,
    )


def _claim(node: Node, patient: Segment, provider: Segment) -> ClaimStatus277:
    trn = node.header
    statuses = _all_statuses(node)
    lines = tuple(_line(line) for line in node.loops("2220D"))
    line_statuses = [status for line in lines for status in line.statuses]
    if any(s.rejected for s in statuses) or any(s.rejected for s in line_statuses):
        outcome = "rejected"
    elif statuses and all(s.accepted for s in statuses):
        outcome = "accepted"
    else:
        outcome = "other"
    reasons = [status.reason for status in statuses]
    for line in lines:
        label = f"line {line.line_control_number or line.procedure_code}"
        reasons += [f"{label}: {status.reason}" for status in line.statuses]
    ref_1k = node.first("REF", "1K")
    ref_d9 = node.first("REF", "D9")
    start, end = _dates(node)
    return ClaimStatus277(
        patient_control_number=trn.get(2),
        status=outcome,
        statuses=statuses,
        reasons=tuple(reasons),
        payer_claim_number=ref_1k.get(2) if ref_1k else "",
        clearinghouse_trace_number=ref_d9.get(2) if ref_d9 else "",
        total_charge=statuses[0].amount if statuses else None,
        service_date=start,
        service_date_end=end,
        patient_last_name=patient.get(3),
        patient_first_name=patient.get(4),
        patient_id=patient.get(9),
        billing_provider_name=provider.get(3),
        billing_provider_id=provider.get(9),
        lines=lines,
        segment_number=trn.number,
    )


def _first_value(node: Node | None, seg_id: str, code: str) -> Decimal | None:
    if node is None:
        return None
    found = node.first(seg_id, code)
    return _decimal(found.get(2)) if found else None


def _ack(root: Node, interchange_control: str, reporter: Reporter) -> Ack277:
    st = root.header
    bht = root.first("BHT") or Segment("BHT", (), st.number, st.line, st.delimiters)
    check_hierarchy(root, reporter)
    claims: list[ClaimStatus277] = []
    batch_statuses: list[Status277] = []
    provider_statuses: list[Status277] = []
    source_name = receiver_name = receiver_id = batch_reference = ""
    quantities: dict[str, Decimal | None] = {}
    for source in root.loops("2000A"):
        source_nm1 = source.loop("2100A")
        source_name = source_name or (source_nm1.header.get(3) if source_nm1 else "")
        for receiver in source.loops("2000B"):
            receiver_nm1 = receiver.loop("2100B")
            if receiver_nm1 is not None and not receiver_name:
                receiver_name, receiver_id = receiver_nm1.header.get(3), receiver_nm1.header.get(9)
            trace = receiver.loop("2200B")
            if trace is not None:
                batch_reference = batch_reference or trace.header.get(2)
                batch_statuses += _all_statuses(trace)
                for seg_id, code in (("QTY", "90"), ("QTY", "AA"), ("AMT", "YU"), ("AMT", "YY")):
                    quantities.setdefault(code, _first_value(trace, seg_id, code))
            for provider in receiver.loops("2000C"):
                provider_names = provider.loops("2100C")
                provider_nm1 = provider_names[0].header if provider_names else provider.header
                provider_statuses += _all_statuses(provider.loop("2200C"))
                for patient in provider.loops("2000D"):
                    patient_name = patient.loop("2100D")
                    patient_nm1 = patient_name.header if patient_name else patient.header
                    claims += [
                        _claim(node, patient_nm1, provider_nm1) for node in patient.loops("2200D")
                    ]
    return Ack277(
        interchange_control_number=interchange_control,
        control_number=st.get(2),
        reference=bht.get(3),
        created=parse_d8(bht.get(4)),
        source_name=source_name,
        receiver_name=receiver_name,
        receiver_id=receiver_id,
        batch_reference=batch_reference,
        batch_statuses=tuple(batch_statuses),
        accepted_quantity=quantities.get("90"),
        rejected_quantity=quantities.get("AA"),
        accepted_amount=quantities.get("YU"),
        rejected_amount=quantities.get("YY"),
        provider_statuses=tuple(provider_statuses),
        claims=tuple(claims),
    )


def _check_group(header: Segment) -> None:
    version = header.get(8)
    if version in OTHER_277:
        raise header.error(
            f"GS08 {version} is {OTHER_277[version]}, not a 277CA claim acknowledgment "
            f"({IMPLEMENTATION})"
        )
    if header.get(1) != "HN":
        raise header.error(
            f"GS01 {header.get(1)!r} is not HN: this is not a 277 claim acknowledgment file"
        )
    if version != IMPLEMENTATION:
        raise header.error(f"GS08 {version!r} is not the 277CA ({IMPLEMENTATION})")


def read_277ca_all(text: str | bytes, *, strict: bool = True) -> list[Ack277]:
    """Every 277CA transaction set of the file, in order."""

    def work(reporter: Reporter) -> list[Ack277]:
        acks = []
        for interchange in read_envelopes(text, reporter=reporter):
            for group in interchange.groups:
                _check_group(group.header)
                for transaction in group.transactions:
                    st = transaction.segments[0]
                    if transaction.set_id != "277":
                        raise st.error(f"ST01 {transaction.set_id!r} is not 277")
                    if transaction.implementation != group.version:
                        if transaction.implementation in OTHER_277:
                            raise st.error(
                                f"ST03 {transaction.implementation} is "
                                f"{OTHER_277[transaction.implementation]}, not a 277CA"
                            )
                        reporter.report(
                            st,
                            f"ST03 {transaction.implementation!r} does not match GS08 "
                            f"{group.version!r}",
                        )
                    root = Matcher(LAYOUT_277CA, reporter).parse(transaction.segments)
                    acks.append(_ack(root, interchange.control_number, reporter))
        return acks

    acks, warnings = run_checked(strict, work)
    return [replace(ack, warnings=warnings) for ack in acks] if warnings else acks


def read_277ca(text: str | bytes, *, strict: bool = True) -> Ack277:
    """The 277CA of a file holding exactly one (the usual case)."""
    acks = read_277ca_all(text, strict=strict)
    if len(acks) != 1:
        raise X12Error(
            1, "ISA", f"the file holds {len(acks)} 277CA transaction sets; use read_277ca_all()"
        )
    return acks[0]
