"""835 Health Care Claim Payment/Advice writer, 005010X221A1, for tests, benchmarks and demo
data (we receive 835s; we never send them to anyone).

`write_835(remit, control)` prints one interchange (ISA/IEA) with one functional group
(GS*HP) and one transaction set:

    ST BPR TRN DTM*405
    1000A payer  N1*PR, N3, N4, REF*2U (payer id), PER*BL (technical contact, required)
    1000B payee  N1*PE ... XX NPI, N3, N4, REF*TJ (TIN)
    2000  LX*1
      2100 claim CLP, CAS (claim level), NM1*QC, NM1*82, MOA (remarks), DTM*232/233, AMT*AU
        2110 line SVC, DTM*472, CAS, REF*6R (our line id), AMT*B6 (allowed), LQ*HE (remarks)
    PLB (provider-level adjustments, up to 6 per segment)
    SE GE IEA

The file balances by construction: the caller gives charges and adjustments, the writer
computes SVC03 = SVC02 - line adjustments, CLP04 = CLP03 - all adjustments, CLP05 = the PR
adjustments, and BPR02 = sum(CLP04) - sum(PLB amounts). CLP03 is the sum of the line
charges (or `Claim835Input.charge` for a claim without service lines). A reversal
(status 22, see `reversal_of`) carries the original amounts negated. Data that would make an
invalid or unbalanced file (negative payment, unknown codes, bad NPI, ...) raises
`X12WriteError` naming the field.

`synthetic_835(n_claims, seed)` makes a realistic balanced remittance: paid claims with CO-45,
partial payments with PR-1/2/3, denials (CLP02 4) with CO-97/CO-16/CO-50/PR-204, secondary
payments with OA-23, claims adjudicated at claim level only, a reversal followed by its
correction, and PLB interest (L6) and overpayment recovery (WO).
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from billing.claimdata import Address, ControlNumbers, Provider
from billing.x12 import carc, reader835
from billing.x12.errors import X12WriteError
from billing.x12.segments import (
    DEFAULT_DELIMITERS,
    Delimiters,
    SegmentWriter,
    amount,
    d8,
    hhmm,
    ident,
    quantity,
    text,
    yymmdd,
)
from billing.x12.writer837 import npi_is_valid

IMPLEMENTATION = "005010X221A1"
CLAIM_STATUS_CODES = frozenset(carc.CLAIM_STATUS)
GROUP_CODES = carc.GROUP_CODES_5010
FILING_INDICATORS = frozenset(reader835.FILING_INDICATORS.split())
PRODUCT_QUALIFIERS = frozenset(reader835.PRODUCT_QUALIFIERS.split())
MAX_PER_SEGMENT = 6  # adjustments per CAS or PLB segment
ZERO = Decimal(0)

__all__ = [
    "IMPLEMENTATION",
    "Adjustment835Input",
    "BankAccount",
    "Claim835Input",
    "ControlNumbers",
    "Line835Input",
    "Payee835Input",
    "Payer835Input",
    "ProviderAdjustment835Input",
    "Remittance835Input",
    "X12WriteError",
    "reversal_of",
    "synthetic_835",
    "synthetic_835_input",
    "write_835",
]


@dataclass(frozen=True)
class BankAccount:
    routing: str  # ABA routing number, 9 digits
    account: str


@dataclass(frozen=True)
class Payer835Input:
    name: str
    address: Address
    company_id: str  # TRN03 and BPR10: "1" followed by the payer's 9-digit EIN
    payer_id: str = ""  # REF*2U (the payer id our 837s use); omitted when blank
    contact_name: str = "EDI SUPPORT"  # PER*BL
    contact_phone: str = "8005550100"
    bank: BankAccount | None = None  # sending account, required for ACH


@dataclass(frozen=True)
class Payee835Input:
    name: str
    npi: str  # N1*PE ... XX
    tin: str = ""  # REF*TJ, 9 digits
    address: Address | None = None
    bank: BankAccount | None = None  # receiving account, required for ACH


@dataclass(frozen=True)
class Adjustment835Input:
    group: str  # CO, PR, OA, PI
    reason: str  # CARC
    amount: Decimal  # positive reduces the payment
    quantity: Decimal | None = None


@dataclass(frozen=True)
class Line835Input:
    procedure_code: str
    charge: Decimal  # SVC02
    adjustments: tuple[Adjustment835Input, ...] = ()
    service_date: date | None = None  # DTM*472 (required unless the claim has DTM*232)
    modifiers: tuple[str, ...] = ()
    units: Decimal = Decimal(1)  # SVC05
    line_control_number: str = ""  # REF*6R (our line id from the 837)
    allowed: Decimal | None = None  # AMT*B6
    remarks: tuple[str, ...] = ()  # LQ*HE remark codes
    qualifier: str = "HC"
    original_procedure_code: str = ""  # SVC06 when the payer adjudicated another code

    @property
    def adjustment_total(self) -> Decimal:
        return sum((a.amount for a in self.adjustments), ZERO)

    @property
    def paid(self) -> Decimal:
        """SVC03 = SVC02 - adjustments."""
        return self.charge - self.adjustment_total


@dataclass(frozen=True)
class Claim835Input:
    patient_control_number: str  # CLP01: our claim id
    payer_claim_number: str  # CLP07
    patient_last_name: str
    patient_first_name: str
    member_id: str  # NM1*QC ... MI
    lines: tuple[Line835Input, ...] = ()
    adjustments: tuple[Adjustment835Input, ...] = ()  # claim level
    status: str = "1"  # CLP02
    charge: Decimal | None = None  # CLP03 when there are no lines (else the line sum)
    filing_indicator: str = "12"  # CLP06: 12 PPO, HM HMO, MB Medicare B, MC Medicaid, ...
    facility_code: str = "11"  # CLP08
    frequency_code: str = "1"  # CLP09
    rendering_provider: Provider | None = None  # NM1*82
    statement_from: date | None = None  # DTM*232
    statement_to: date | None = None  # DTM*233
    remarks: tuple[str, ...] = ()  # MOA03..MOA07
    coverage_amount: Decimal | None = None  # AMT*AU

    @property
    def total_charge(self) -> Decimal:
        if self.lines:
            return sum((line.charge for line in self.lines), ZERO)
        return self.charge if self.charge is not None else ZERO

    @property
    def all_adjustments(self) -> tuple[Adjustment835Input, ...]:
        return self.adjustments + tuple(a for line in self.lines for a in line.adjustments)

    @property
    def paid(self) -> Decimal:
        """CLP04 = CLP03 - claim and line adjustments."""
        return self.total_charge - sum((a.amount for a in self.all_adjustments), ZERO)

    @property
    def patient_responsibility(self) -> Decimal:
        """CLP05 = the PR adjustments of the claim and its lines."""
        return sum((a.amount for a in self.all_adjustments if a.group == "PR"), ZERO)


@dataclass(frozen=True)
class ProviderAdjustment835Input:
    reason: str  # PLB03-1: L6 interest, WO recoupment, FB forwarding balance, 72, CS, ...
    amount: Decimal  # positive reduces the payment, negative increases it
    reference: str = ""  # PLB03-2
    provider_id: str = ""  # PLB01, defaults to the payee NPI
    fiscal_period_end: date | None = None  # PLB02, defaults to December 31 of the payment year


@dataclass(frozen=True)
class Remittance835Input:
    payer: Payer835Input
    payee: Payee835Input
    payment_date: date  # BPR16
    trace_number: str  # TRN02: check number or EFT trace number
    claims: tuple[Claim835Input, ...]
    provider_adjustments: tuple[ProviderAdjustment835Input, ...] = ()
    method: str = "CHK"  # BPR04: CHK or ACH (a zero payment is written as NON)
    production_date: date | None = None  # DTM*405, defaults to the payment date
    created_time: str = "1200"
    usage_indicator: str = "T"  # ISA15
    sender_id: str = ""  # ISA06/GS02, defaults to the payer id (or TRN03)
    receiver_id: str = ""  # ISA08/GS03, defaults to the payee NPI

    @property
    def total_paid(self) -> Decimal:
        """BPR02 = sum(CLP04) - sum(PLB amounts)."""
        claims = sum((c.paid for c in self.claims), ZERO)
        return claims - sum((p.amount for p in self.provider_adjustments), ZERO)


def reversal_of(claim: Claim835Input) -> Claim835Input:
    """The reversal (CLP02 22) of an earlier claim payment: every charge, payment, adjustment
    and supplemental amount negated, same codes, same claim and line ids."""

    def negate_adjustments(items: Sequence[Adjustment835Input]) -> tuple[Adjustment835Input, ...]:
        return tuple(replace(a, amount=-a.amount) for a in items)

    lines = tuple(
        replace(
            line,
            charge=-line.charge,
            adjustments=negate_adjustments(line.adjustments),
            allowed=-line.allowed if line.allowed is not None else None,
        )
        for line in claim.lines
    )
    return replace(
        claim,
        status="22",
        lines=lines,
        adjustments=negate_adjustments(claim.adjustments),
        charge=-claim.charge if claim.charge is not None else None,
        coverage_amount=-claim.coverage_amount if claim.coverage_amount is not None else None,
    )


# ---------------------------------------------------------------------------- writer


@dataclass
class _Writer:
    remit: Remittance835Input
    control: ControlNumbers
    delimiters: Delimiters
    line_breaks: bool
    out: SegmentWriter = field(init=False)

    def __post_init__(self) -> None:
        self.out = SegmentWriter(self.delimiters, line_breaks=self.line_breaks)

    def id_(self, value: str | None, field_name: str, **kwargs) -> str:
        return ident(value, field=field_name, delimiters=self.delimiters, **kwargs)

    def name(self, value: str, field_name: str, max_len: int = 60) -> str:
        cleaned = text(value, max_len=max_len, delimiters=self.delimiters)
        if not cleaned:
            raise X12WriteError(field_name, "is required")
        return cleaned

    def npi(self, value: str, field_name: str) -> str:
        npi = self.id_(value, field_name)
        if not npi_is_valid(npi):
            raise X12WriteError(field_name, f"{npi!r} is not a valid NPI (10 digits, Luhn check)")
        return npi

    def address(self, address: Address, field_name: str) -> None:
        self.out.add(
            "N3",
            self.name(address.line1, f"{field_name}.line1", 55),
            text(address.line2, max_len=55, delimiters=self.delimiters),
        )
        zip_code = (address.zip_code or "").replace("-", "").strip()
        self.out.add(
            "N4",
            self.name(address.city, f"{field_name}.city", 30),
            self.id_(address.state, f"{field_name}.state", pattern=r"[A-Z]{2}"),
            self.id_(zip_code, f"{field_name}.zip_code", pattern=r"\d{5}(\d{4})?"),
        )

    def adjustments(self, items: Sequence[Adjustment835Input], field_name: str) -> None:
        """CAS segments: one group code per segment, at most 6 adjustments each."""
        by_group: dict[str, list[tuple[str, str, str]]] = {}
        for index, item in enumerate(items):
            where = f"{field_name}[{index}]"
            if item.group not in GROUP_CODES:
                raise X12WriteError(
                    f"{where}.group", f"{item.group!r} must be one of {sorted(GROUP_CODES)}"
                )
            reason = self.id_(item.reason, f"{where}.reason", pattern=r"[A-Z0-9]{1,5}")
            count = (
                quantity(item.quantity, field=f"{where}.quantity")
                if item.quantity is not None
                else ""
            )
            by_group.setdefault(item.group, []).append(
                (reason, amount(item.amount, field=f"{where}.amount"), count)
            )
        for group, triplets in by_group.items():
            for start in range(0, len(triplets), MAX_PER_SEGMENT):
                chunk = triplets[start : start + MAX_PER_SEGMENT]
                self.out.add("CAS", group, *(value for triplet in chunk for value in triplet))

    def write(self) -> str:
        remit, control = self.remit, self.control
        for label, value in (
            ("control.interchange", control.interchange),
            ("control.group", control.group),
            ("control.transaction", control.transaction),
        ):
            if not isinstance(value, int) or not 1 <= value <= 999_999_999:
                raise X12WriteError(label, f"{value!r} must be an integer 1-999999999")
        usage = (remit.usage_indicator or "").upper()
        if usage not in ("P", "T"):
            raise X12WriteError("usage_indicator", f"{remit.usage_indicator!r} must be P or T")
        if not remit.claims and not remit.provider_adjustments:
            raise X12WriteError("claims", "a remittance needs claims or provider adjustments")
        payer, payee = remit.payer, remit.payee
        company_id = self.id_(payer.company_id, "payer.company_id", pattern=r"1\d{9}")
        payee_npi = self.npi(payee.npi, "payee.npi")
        sender = self.id_(
            remit.sender_id or payer.payer_id or company_id, "sender_id", max_len=15, min_len=2
        )
        receiver = self.id_(remit.receiver_id or payee_npi, "receiver_id", max_len=15, min_len=2)
        created = remit.production_date or remit.payment_date
        time = hhmm(remit.created_time)
        d = self.delimiters
        # The detail first, so a bad claim is reported before the totals it would spoil.
        body = self.out
        if remit.claims:
            body.add("LX", "1")
            for index, claim in enumerate(remit.claims):
                self.claim(claim, f"claims[{index}]")
        self.provider_adjustments(payee_npi)
        head = self.out = SegmentWriter(d, line_breaks=self.line_breaks)
        head.add_raw(
            d.element.join(
                [
                    "ISA",
                    "00",
                    " " * 10,
                    "00",
                    " " * 10,
                    "ZZ",
                    sender.ljust(15),
                    "ZZ",
                    receiver.ljust(15),
                    yymmdd(created),
                    time,
                    d.repetition,
                    "00501",
                    f"{control.interchange:09d}",
                    "0",
                    usage,
                    d.component,
                ]
            )
        )
        head.add(
            "GS", "HP", sender, receiver, d8(created), time, str(control.group), "X", IMPLEMENTATION
        )
        st_index = len(head)
        st_control = f"{control.transaction:04d}"
        head.add("ST", "835", st_control)
        self.financial(company_id)
        head.add("DTM", "405", d8(created))
        head.add("N1", "PR", self.name(payer.name, "payer.name"))
        self.address(payer.address, "payer.address")
        if payer.payer_id:
            head.add("REF", "2U", self.id_(payer.payer_id, "payer.payer_id", max_len=50))
        phone = self.id_(payer.contact_phone, "payer.contact_phone", pattern=r"\d{10,15}")
        head.add("PER", "BL", text(payer.contact_name, max_len=60, delimiters=d), "TE", phone)
        head.add("N1", "PE", self.name(payee.name, "payee.name"), "XX", payee_npi)
        if payee.address is not None:
            self.address(payee.address, "payee.address")
        if payee.tin:
            head.add("REF", "TJ", self.id_(payee.tin, "payee.tin", pattern=r"\d{9}"))
        tail = SegmentWriter(d, line_breaks=self.line_breaks)
        tail.add("SE", str(head.count_since(st_index) + len(body) + 1), st_control)
        tail.add("GE", "1", str(control.group))
        tail.add("IEA", "1", f"{control.interchange:09d}")
        return head.render() + body.render() + tail.render()

    def financial(self, company_id: str) -> None:
        remit = self.remit
        total = remit.total_paid
        if total < 0:
            raise X12WriteError(
                "provider_adjustments",
                f"the payment total would be {total}: an 835 cannot pay less than zero (carry "
                "the balance to a later remittance with a PLB FB adjustment)",
            )
        paid = amount(total, field="total_paid")
        when = d8(remit.payment_date)
        if total == 0:
            self.out.add("BPR", "H", paid, "C", "NON", *[""] * 11, when)
        elif remit.method == "CHK":
            self.out.add("BPR", "I", paid, "C", "CHK", *[""] * 11, when)
        elif remit.method == "ACH":
            sending, receiving = remit.payer.bank, remit.payee.bank
            if sending is None or receiving is None:
                raise X12WriteError("method", "ACH needs payer.bank and payee.bank")
            self.out.add(
                "BPR",
                "I",
                paid,
                "C",
                "ACH",
                "CCP",
                "01",
                self.id_(sending.routing, "payer.bank.routing", pattern=r"\d{9}"),
                "DA",
                self.id_(sending.account, "payer.bank.account", max_len=35),
                company_id,
                "",
                "01",
                self.id_(receiving.routing, "payee.bank.routing", pattern=r"\d{9}"),
                "DA",
                self.id_(receiving.account, "payee.bank.account", max_len=35),
                when,
            )
        else:
            raise X12WriteError("method", f"{remit.method!r} must be CHK or ACH")
        trace = self.id_(remit.trace_number, "trace_number", max_len=50)
        self.out.add("TRN", "1", trace, company_id)

    def claim(self, claim: Claim835Input, field_name: str) -> None:
        if claim.status not in CLAIM_STATUS_CODES:
            raise X12WriteError(f"{field_name}.status", f"{claim.status!r} is not a CLP02 code")
        if claim.filing_indicator not in FILING_INDICATORS:
            raise X12WriteError(
                f"{field_name}.filing_indicator", f"{claim.filing_indicator!r} is not a CLP06 code"
            )
        reversal = claim.status == "22"
        # Amounts of the parts first: a bad line amount is named before the totals it spoils.
        for index, item in enumerate(claim.lines):
            amount(item.charge, field=f"{field_name}.lines[{index}].charge")
            for position, each in enumerate(item.adjustments):
                where = f"{field_name}.lines[{index}].adjustments[{position}].amount"
                amount(each.amount, field=where)
        for position, each in enumerate(claim.adjustments):
            amount(each.amount, field=f"{field_name}.adjustments[{position}].amount")
        if claim.lines and claim.charge is not None and claim.charge != claim.total_charge:
            raise X12WriteError(
                f"{field_name}.charge",
                f"{claim.charge} is not the sum of the line charges ({claim.total_charge})",
            )
        if not claim.lines and claim.charge is None:
            raise X12WriteError(f"{field_name}.charge", "is required for a claim without lines")
        charge, paid = claim.total_charge, claim.paid
        if reversal and (charge > 0 or paid > 0):
            raise X12WriteError(
                field_name, "a reversal (status 22) carries negated amounts: use reversal_of()"
            )
        if not reversal and (charge < 0 or paid < 0):
            raise X12WriteError(
                field_name,
                f"charge {charge} and payment {paid} must not be negative (only a reversal, "
                "status 22, has negative amounts)",
            )
        pr = claim.patient_responsibility
        self.out.add(
            "CLP",
            self.id_(
                claim.patient_control_number, f"{field_name}.patient_control_number", max_len=38
            ),
            claim.status,
            amount(charge, field=f"{field_name}.charge"),
            amount(paid, field=f"{field_name}.paid"),
            amount(pr, field=f"{field_name}.patient_responsibility") if pr else "",
            claim.filing_indicator,
            self.id_(claim.payer_claim_number, f"{field_name}.payer_claim_number", max_len=50),
            self.id_(claim.facility_code, f"{field_name}.facility_code", pattern=r"\d{2}"),
            self.id_(claim.frequency_code, f"{field_name}.frequency_code", pattern=r"\d"),
        )
        self.adjustments(claim.adjustments, f"{field_name}.adjustments")
        self.out.add(
            "NM1",
            "QC",
            "1",
            self.name(claim.patient_last_name, f"{field_name}.patient_last_name"),
            text(claim.patient_first_name, max_len=35, delimiters=self.delimiters),
            "",
            "",
            "",
            "MI",
            self.id_(claim.member_id, f"{field_name}.member_id", max_len=80, min_len=2),
        )
        provider = claim.rendering_provider
        if provider is not None:
            self.out.add(
                "NM1",
                "82",
                "1",
                self.name(provider.last_name, f"{field_name}.rendering_provider.last_name"),
                text(provider.first_name, max_len=35, delimiters=self.delimiters),
                "",
                "",
                "",
                "XX",
                self.npi(provider.npi, f"{field_name}.rendering_provider.npi"),
            )
        if claim.remarks:
            if len(claim.remarks) > 5:
                raise X12WriteError(f"{field_name}.remarks", "at most 5 claim remark codes (MOA)")
            codes = [
                self.id_(code, f"{field_name}.remarks[{i}]", pattern=r"[A-Z0-9]{2,5}")
                for i, code in enumerate(claim.remarks)
            ]
            self.out.add("MOA", "", "", *codes)
        if claim.statement_from is not None:
            self.out.add("DTM", "232", d8(claim.statement_from))
            self.out.add("DTM", "233", d8(claim.statement_to or claim.statement_from))
        if claim.coverage_amount is not None:
            self.out.add(
                "AMT", "AU", amount(claim.coverage_amount, field=f"{field_name}.coverage_amount")
            )
        for index, line in enumerate(claim.lines):
            self.line(claim, line, f"{field_name}.lines[{index}]", reversal)

    def line(self, claim: Claim835Input, line: Line835Input, field_name: str, reversal: bool):
        if line.qualifier not in PRODUCT_QUALIFIERS:
            raise X12WriteError(f"{field_name}.qualifier", f"{line.qualifier!r} is not SVC01-1")
        if len(line.modifiers) > 4:
            raise X12WriteError(f"{field_name}.modifiers", "at most 4 modifiers")
        code = self.id_(line.procedure_code, f"{field_name}.procedure_code", max_len=48)
        modifiers = [
            self.id_(m, f"{field_name}.modifiers[{i}]", pattern=r"[A-Z0-9]{2}")
            for i, m in enumerate(line.modifiers)
        ]
        paid = line.paid
        if not reversal and (line.charge < 0 or paid < 0):
            raise X12WriteError(
                field_name,
                f"charge {line.charge} and payment {paid} must not be negative outside a reversal",
            )
        if line.service_date is None and claim.statement_from is None:
            raise X12WriteError(
                f"{field_name}.service_date", "is required when the claim has no statement dates"
            )
        original = (
            (
                line.qualifier,
                self.id_(line.original_procedure_code, f"{field_name}.original_procedure_code"),
            )
            if line.original_procedure_code
            else ""
        )
        self.out.add(
            "SVC",
            (line.qualifier, code, *modifiers),
            amount(line.charge, field=f"{field_name}.charge"),
            amount(paid, field=f"{field_name}.paid"),
            "",
            quantity(line.units, field=f"{field_name}.units"),
            original,
        )
        if line.service_date is not None:
            self.out.add("DTM", "472", d8(line.service_date))
        self.adjustments(line.adjustments, f"{field_name}.adjustments")
        if line.line_control_number:
            self.out.add(
                "REF",
                "6R",
                self.id_(line.line_control_number, f"{field_name}.line_control_number", max_len=50),
            )
        if line.allowed is not None:
            self.out.add("AMT", "B6", amount(line.allowed, field=f"{field_name}.allowed"))
        for index, remark in enumerate(line.remarks):
            self.out.add(
                "LQ",
                "HE",
                self.id_(remark, f"{field_name}.remarks[{index}]", pattern=r"[A-Z0-9]{2,5}"),
            )

    def provider_adjustments(self, payee_npi: str) -> None:
        remit = self.remit
        default_end = date(remit.payment_date.year, 12, 31)
        runs: dict[tuple[str, date], list[tuple[tuple[str, ...] | str, str]]] = {}
        for index, item in enumerate(remit.provider_adjustments):
            where = f"provider_adjustments[{index}]"
            if item.reason not in carc.PLB_REASONS:
                raise X12WriteError(f"{where}.reason", f"{item.reason!r} is not a PLB03-1 code")
            if item.amount == 0:
                raise X12WriteError(f"{where}.amount", "a provider adjustment is never zero")
            provider = (
                self.id_(item.provider_id, f"{where}.provider_id", max_len=50)
                if item.provider_id
                else payee_npi
            )
            reference = (
                self.id_(item.reference, f"{where}.reference", max_len=50) if item.reference else ""
            )
            reason = (item.reason, reference) if reference else item.reason
            key = (provider, item.fiscal_period_end or default_end)
            runs.setdefault(key, []).append((reason, amount(item.amount, field=f"{where}.amount")))
        for (provider, period_end), pairs in runs.items():
            for start in range(0, len(pairs), MAX_PER_SEGMENT):
                chunk = pairs[start : start + MAX_PER_SEGMENT]
                self.out.add(
                    "PLB", provider, d8(period_end), *(value for pair in chunk for value in pair)
                )


def write_835(
    remit: Remittance835Input,
    control: ControlNumbers,
    *,
    line_breaks: bool = True,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
) -> str:
    """The 835 text of `remit` (one interchange, one group, one transaction set)."""
    return _Writer(remit, control, delimiters, line_breaks).write()


# ---------------------------------------------------------------------------- synthetic

# (code, typical charge in cents)
_PROCEDURES = (
    ("99213", 15000),
    ("99214", 22000),
    ("99203", 20000),
    ("99396", 26000),
    ("85025", 3000),
    ("80053", 4500),
    ("36415", 1500),
    ("93000", 6000),
    ("71046", 12000),
    ("97110", 9000),
    ("90471", 2500),
    ("90686", 4000),
    ("G0439", 25000),
    ("J1885", 1800),
)
_LAST = ("SMITH", "GARCIA", "JOHNSON", "NGUYEN", "BROWN", "PATEL", "KIM", "LOPEZ", "DAVIS")
_FIRST = ("ANA", "JOHN", "MARIA", "WEI", "JAMES", "FATIMA", "OMAR", "LINDA", "RAJ", "SOFIA")
_DENIALS = (
    ("CO", "97", ("M15",)),
    ("CO", "16", ("M51",)),
    ("CO", "50", ("N115",)),
    ("PR", "204", ()),
    ("CO", "18", ()),
)

SYNTHETIC_PAYER = Payer835Input(
    name="SYNTHETIC HEALTH PLAN",
    address=Address("PO BOX 4000", "ALBANY", "NY", "122074000"),
    company_id="1999999999",
    payer_id="SYN01",
    contact_name="EDI HELP DESK",
    contact_phone="8005550199",
    bank=BankAccount("021000021", "9876543210"),
)
SYNTHETIC_PAYEE = Payee835Input(
    name="FRIENDLY MEDICAL PC",
    npi="1234567893",
    tin="131234567",
    address=Address("100 MAIN STREET", "ALBANY", "NY", "122071234"),
    bank=BankAccount("011000015", "000123456789"),
)


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


class _Synthesizer:
    def __init__(self, seed: int, payment_date: date) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
        self.seed = seed
        self.payment_date = payment_date

    def line(self, pcn: str, number: int, kind: str) -> Line835Input:
        rng = self.rng
        code, base = rng.choice(_PROCEDURES)
        units = 1 if rng.random() < 0.9 else rng.randint(2, 4)
        charge = base * units
        modifiers: tuple[str, ...] = ()
        if code.startswith("992") and rng.random() < 0.15:
            modifiers = ("25",)
        when = self.payment_date - timedelta(days=rng.randint(14, 75))
        adjustments: list[Adjustment835Input] = []
        remarks: tuple[str, ...] = ()
        allowed: int | None = None
        if kind in ("paid", "partial", "secondary"):
            allowed = charge * rng.randint(55, 95) // 100
            if allowed < charge:
                adjustments.append(Adjustment835Input("CO", "45", _money(charge - allowed)))
            if kind == "partial":
                left = allowed
                for reason in rng.sample(("1", "2", "3"), rng.randint(1, 2)):
                    share = min(left, {"1": allowed // 2, "2": allowed // 5, "3": 2500}[reason])
                    if share > 0:
                        adjustments.append(Adjustment835Input("PR", reason, _money(share)))
                        left -= share
            elif kind == "secondary":
                primary = allowed * rng.randint(60, 80) // 100
                adjustments.append(Adjustment835Input("OA", "23", _money(primary)))
                coinsurance = (allowed - primary) // 4
                if coinsurance:
                    adjustments.append(Adjustment835Input("PR", "2", _money(coinsurance)))
        elif kind == "denied":
            group, reason, remarks = rng.choice(_DENIALS)
            adjustments.append(Adjustment835Input(group, reason, _money(charge)))
        return Line835Input(
            procedure_code=code,
            charge=_money(charge),
            adjustments=tuple(adjustments),
            service_date=when,
            modifiers=modifiers,
            units=Decimal(units),
            line_control_number=f"{pcn}-{number}",
            allowed=_money(allowed) if allowed is not None else None,
            remarks=remarks,
        )

    def claim(self, index: int, kind: str) -> Claim835Input:
        rng = self.rng
        pcn = f"SYN{self.seed % 1000:03d}{index:07d}"
        common = {
            "patient_control_number": pcn,
            "payer_claim_number": f"{self.seed % 100:02d}{index:010d}",
            "patient_last_name": rng.choice(_LAST),
            "patient_first_name": rng.choice(_FIRST),
            "member_id": f"M{rng.randrange(10**8):08d}",
        }
        if kind == "claim_level":
            # Adjudicated at claim level only: denied for timely filing, or not our patient.
            charge = rng.choice(_PROCEDURES)[1]
            reason = rng.choice(("29", "109", "27"))
            start = self.payment_date - timedelta(days=rng.randint(30, 400))
            return Claim835Input(
                **common,
                status="4",
                charge=_money(charge),
                adjustments=(Adjustment835Input("CO", reason, _money(charge)),),
                statement_from=start,
                statement_to=start,
                remarks=("MA130",) if reason == "109" else (),
            )
        lines = tuple(
            self.line(pcn, number, kind)
            for number in range(1, (1 if rng.random() < 0.5 else rng.randint(2, 4)) + 1)
        )
        status = {"denied": "4", "secondary": "2"}.get(kind, "1")
        claim = Claim835Input(
            **common,
            lines=lines,
            status=status,
            filing_indicator=rng.choice(("12", "12", "HM", "15")) if kind != "secondary" else "MB",
        )
        covered = sum((line.allowed for line in lines if line.allowed is not None), ZERO)
        return replace(claim, coverage_amount=covered) if covered else claim


def synthetic_835_input(
    n_claims: int, seed: int, *, payment_date: date = date(2024, 6, 14)
) -> Remittance835Input:
    """A balanced remittance of `n_claims` claims (CLP loops) with realistic variety; the same
    seed gives the same remittance."""
    if n_claims < 1:
        raise X12WriteError("n_claims", "must be at least 1")
    maker = _Synthesizer(seed, payment_date)
    rng = maker.rng
    kinds = ("paid",) * 44 + ("partial",) * 28 + ("denied",) * 12 + ("secondary",) * 8
    kinds += ("claim_level",) * 3
    claims: list[Claim835Input] = []
    index = 0
    while len(claims) < n_claims:
        index += 1
        if n_claims - len(claims) >= 2 and (index == 3 or rng.random() < 0.05):
            # A reversal of an earlier payment followed by its correction (same claim id).
            original = maker.claim(index, "paid")
            corrected = maker.claim(index, "partial")
            corrected = replace(
                corrected,
                patient_control_number=original.patient_control_number,
                patient_last_name=original.patient_last_name,
                patient_first_name=original.patient_first_name,
                member_id=original.member_id,
            )
            claims += [reversal_of(original), corrected]
        else:
            claims.append(maker.claim(index, rng.choice(kinds)))
    claims_paid = sum((c.paid for c in claims), ZERO)
    adjustments: list[ProviderAdjustment835Input] = []
    paying = [c for c in claims if c.paid > 0]
    # At most 6 provider adjustments: one PLB segment (pyx12 4.0 wrongly flags a second one).
    for _ in range(min(3, max(1, n_claims // 250))):
        if not paying:
            break
        late = rng.choice(paying)
        interest = _money(rng.randint(50, 2500))
        adjustments.append(
            ProviderAdjustment835Input("L6", -interest, reference=late.payer_claim_number)
        )
        overpaid = rng.choice(paying)
        recovery = min(overpaid.paid, _money(rng.randint(1000, 8000)))
        if sum((a.amount for a in adjustments), ZERO) + recovery < claims_paid:
            adjustments.append(
                ProviderAdjustment835Input(
                    "WO", recovery, reference=f"{overpaid.payer_claim_number}R"
                )
            )
    return Remittance835Input(
        payer=SYNTHETIC_PAYER,
        payee=SYNTHETIC_PAYEE,
        payment_date=payment_date,
        trace_number=f"EFT{seed % 10**6:06d}{n_claims:07d}",
        claims=tuple(claims),
        provider_adjustments=tuple(adjustments),
        method="ACH",
        production_date=payment_date - timedelta(days=2),
    )


def synthetic_835(
    n_claims: int,
    seed: int,
    *,
    control: ControlNumbers | None = None,
    payment_date: date = date(2024, 6, 14),
) -> str:
    """The 835 text of `synthetic_835_input(n_claims, seed)`."""
    remit = synthetic_835_input(n_claims, seed, payment_date=payment_date)
    return write_835(remit, control or ControlNumbers(seed % 10**9 or 1, 1, 1))
