"""Reader of the 835 Health Care Claim Payment/Advice (005010X221A1), pure Python.

`read_835(text)` returns a `Remittance835` (`read_835_all` every transaction set of the
file): the payment (BPR), the reassociation trace (TRN), payer and payee, every claim (loop
2100) with its service lines (loop 2110), adjustments (CAS) and remark codes, and the
provider-level adjustments (PLB). Money is `Decimal`, never float.

Identifiers used
- Our claim is CLP01 (the patient control number we sent as CLM01); our line is REF*6R (the
  line item control number we sent). The payer's claim number is CLP07.
- Payer id (`Payer835.identifier`): REF*2U of loop 1000A when present (the id the payer
  assigns itself, what we put in the 837 NM1*PR), else N1*PR N104 when N103 is XV (CMS
  national plan id), else TRN03 (the payer's "1" + EIN). `identifier_source` says which.
- Payee: N1*PE N104 is the NPI when N103 is XX, the TIN when it is FI; the TIN also comes
  from REF*TJ.

Balancing (section 1.10.2.1 of the guide; CAS and PLB amounts *reduce* the payment when
positive and increase it when negative):
1. line: SVC02 - sum(CAS of the line) = SVC03;
2. claim: CLP03 - sum(CAS of the claim and of all its lines) = CLP04 (without service lines
   this is claim-level CAS only); and CLP05 = sum of the PR adjustments of the claim and its
   lines (CLP05 absent counts as 0). X12 says the patient responsibility must equal the PR
   adjustments except on reversals (RFI 2548, section 1.10.2.8), so for CLP02 = 22 CLP05 is
   not checked against PR; the money rules still hold there because every amount is negated.
3. transaction: BPR02 = sum(CLP04) - sum(PLB amounts). Our reading of BPR03: with D (debit)
   the money flows from the provider, so BPR02 counts as negative. Not checked when BPR01 is
   D (payment only: the guide says to ignore the remittance detail then).
A violation names its rule, the segment and the amounts. Strict mode (default) raises
`X12Error` for it; tolerant mode (`strict=False`) lists it in `warnings` and reads on.

Also checked (strict: error, tolerant: warning): the envelope (counts, control numbers), the
loop layout of the guide with its code lists (CLP02, CLP06, CAS01, SVC01-1, PLB03-1, ...),
dates, NPIs (Luhn), states, BPR02 not negative, trailing element separators, a charge that
is negative outside a reversal, TS3/CLP elements the guide does not use. Always fatal, in both
modes: no ISA envelope (an 835 fragment), a missing BPR or TRN, a CLP without CLP01-CLP04, a
CLP/SVC/CAS/PLB amount that is missing or not a number, a service line (SVC) before the CLP
of its claim, a CLP outside loop 2000 (no LX), segments out of order or unknown, truncated
files and broken envelopes.
"""

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Protocol

from billing.claimdata import Address
from billing.x12 import carc
from billing.x12.errors import X12Error, X12Issue
from billing.x12.grammar import El, Matcher, Node, Seg, el, loop, seg
from billing.x12.reader import (
    ISA_LENGTH,
    Reporter,
    Segment,
    isa_date,
    parse_d8,
    read_envelopes,
    run_checked,
)
from billing.x12.records import record
from billing.x12.writer837 import npi_is_valid

IMPLEMENTATION = "005010X221A1"

__all__ = [
    "IMPLEMENTATION",
    "LAYOUT_835",
    "Adjustment835",
    "Amount835",
    "Claim835",
    "ClaimSink",
    "Name835",
    "Payee835",
    "Payer835",
    "Payment835",
    "ProviderAdjustment835",
    "Reference835",
    "Remark835",
    "Remittance835",
    "ServiceLine835",
    "Trace835",
    "X12Error",
    "X12Issue",
    "read_835",
    "read_835_all",
    "scan_claims",
]

ZERO = Decimal(0)
ONE = Decimal(1)

CLAIM_STATUS_CODES = "1 2 3 4 19 20 21 22 23 25"
FILING_INDICATORS = "12 13 14 15 16 17 AM CH DS HM LM MA MB MC OF TV VA WC ZZ"
PRODUCT_QUALIFIERS = "AD ER HC HP IV N4 N6 NU UI WK"
PLB_REASON_CODES = frozenset(carc.PLB_REASONS)
# N402 when N404 (country) is absent: USPS states, DC, territories, military, Canada.
_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE "
    "NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI "
    "FM MH PW UM AA AE AP AB BC MB NB NL NS NT NU ON PE QC SK YT"
)
STATES = frozenset(_STATE_CODES.split())
# Elements the guide marks "not used" (pyx12 and clearinghouses reject them).
NOT_USED = {"TS3": (6, 7, 8, 9, 10, 11, 12, 14, 16, 19), "CLP": (10, 14)}

_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")
_SEPARATOR_LIKE = re.compile(r"[>:^|\\]")
_TRN03 = re.compile(r"1\d{9}")
# Segments _Precheck.check() looks at beyond the checks every segment gets.
_PRECHECKED = frozenset({"BPR", "TRN", "LX", "CLP", "SVC", "CAS", "PLB", "N4"})
# The code tables are constants; a remittance repeats the same few group/reason pairs.
_adjustment_text = functools.lru_cache(maxsize=4096)(carc.adjustment_text)


# ---------------------------------------------------------------------------- layout


def _name_rule(code: str, name: str, usage: str, *checks) -> Seg:
    return seg("NM1", name, 30, usage, q=(1, code), elements=list(checks))


def _required(position: int, name: str, **kwargs) -> El:
    return el(position, name, required=True, **kwargs)


LAYOUT_835 = loop(
    "835",
    "835 Health Care Claim Payment/Advice (005010X221A1)",
    1,
    "R",
    1,
    seg("ST", "Transaction Set Header", 1, "R", q=(1, "835")),
    seg(
        "BPR",
        "Financial Information",
        20,
        "R",
        elements=[
            _required(1, "Transaction Handling Code", codes="C D H I P U X"),
            _required(3, "Credit/Debit Flag Code", codes="C D"),
            _required(4, "Payment Method Code", codes="ACH BOP CHK FWT NON"),
            el(5, "Payment Format Code", codes="CCP CTX"),
            el(6, "DFI Identification Number Qualifier", codes="01 04"),
            el(8, "Account Number Qualifier", codes="DA"),
            el(12, "DFI Identification Number Qualifier", codes="01 04"),
            el(14, "Account Number Qualifier", codes="DA SG"),
            el(16, "Check Issue or EFT Effective Date", kind="d8"),
        ],
    ),
    seg(
        "TRN",
        "Reassociation Trace Number",
        40,
        "R",
        elements=[
            _required(1, "Trace Type Code", codes="1"),
            _required(2, "Check or EFT Trace Number"),
            _required(3, "Payer Identifier"),
        ],
    ),
    seg(
        "CUR",
        "Foreign Currency Information",
        50,
        elements=[_required(1, "Entity Identifier Code", codes="PR"), _required(2, "Currency")],
    ),
    seg(
        "REF",
        "Receiver or Version Identification",
        60,
        "S",
        2,
        elements=[
            _required(1, "Reference Identification Qualifier", codes="EV F2"),
            _required(2, "Reference Identification"),
        ],
    ),
    seg(
        "DTM",
        "Production Date",
        70,
        elements=[
            _required(1, "Date Time Qualifier", codes="405"),
            _required(2, "Production Date", kind="d8"),
        ],
    ),
    loop(
        "1000A",
        "Payer Identification",
        80,
        "R",
        1,
        seg(
            "N1",
            "Payer Identification",
            80,
            "R",
            q=(1, "PR"),
            elements=[
                _required(2, "Payer Name"),
                el(3, "Identification Code Qualifier", codes="XV"),
            ],
        ),
        seg("N3", "Payer Address", 100, "R", elements=[_required(1, "Payer Address Line")]),
        seg("N4", "Payer City, State, ZIP Code", 110, "R", elements=[_required(1, "City Name")]),
        seg(
            "REF",
            "Additional Payer Identification",
            120,
            "S",
            4,
            elements=[
                _required(1, "Reference Identification Qualifier", codes="2U EO HI NF"),
                _required(2, "Additional Payer Identifier"),
            ],
        ),
        seg("PER", "Payer Business Contact Information", 130, "S", 1, q=(1, "CX")),
        seg("PER", "Payer Technical Contact Information", 130, "R", None, q=(1, "BL")),
        seg(
            "PER",
            "Payer WEB Site",
            130,
            "S",
            1,
            q=(1, "IC"),
            elements=[_required(3, "Communication Number Qualifier", codes="UR")],
        ),
    ),
    loop(
        "1000B",
        "Payee Identification",
        140,
        "R",
        1,
        seg(
            "N1",
            "Payee Identification",
            80,
            "R",
            q=(1, "PE"),
            elements=[
                _required(2, "Payee Name"),
                _required(3, "Identification Code Qualifier", codes="FI XV XX"),
                _required(4, "Payee Identification Code"),
            ],
        ),
        seg("N3", "Payee Address", 100, elements=[_required(1, "Payee Address Line")]),
        seg("N4", "Payee City, State, ZIP Code", 110, elements=[_required(1, "City Name")]),
        seg(
            "REF",
            "Payee Additional Identification",
            120,
            "S",
            None,
            elements=[
                _required(1, "Reference Identification Qualifier", codes="0B D3 PQ TJ"),
                _required(2, "Additional Payee Identifier"),
            ],
        ),
        seg(
            "RDM",
            "Remittance Delivery Method",
            140,
            elements=[_required(1, "Report Transmission Code", codes="BM EM FT OL")],
        ),
    ),
    loop(
        "2000",
        "Header Number",
        300,
        "S",
        None,
        seg("LX", "Header Number", 3, "R", elements=[_required(1, "Assigned Number", kind="int")]),
        seg(
            "TS3",
            "Provider Summary Information",
            5,
            elements=[
                _required(1, "Provider Identifier"),
                _required(2, "Facility Type Code"),
                _required(3, "Fiscal Period Date", kind="d8"),
                _required(4, "Total Claim Count", kind="number"),
                _required(5, "Total Claim Charge Amount", kind="number"),
            ],
        ),
        seg("TS2", "Provider Supplemental Summary Information", 7),
        loop(
            "2100",
            "Claim Payment Information",
            10,
            "R",
            None,
            seg(
                "CLP",
                "Claim Payment Information",
                10,
                "R",
                elements=[
                    _required(2, "Claim Status Code", codes=CLAIM_STATUS_CODES),
                    _required(6, "Claim Filing Indicator Code", codes=FILING_INDICATORS),
                    _required(7, "Payer Claim Control Number"),
                    el(12, "Diagnosis Related Group (DRG) Weight", kind="number"),
                    el(13, "Discharge Fraction", kind="number"),
                ],
            ),
            seg(
                "CAS",
                "Claim Adjustment",
                20,
                "S",
                99,
                elements=[_required(1, "Claim Adjustment Group Code", codes="CO OA PI PR")],
            ),
            _name_rule(
                "QC",
                "Patient Name",
                "R",
                _required(2, "Entity Type Qualifier", codes="1"),
                el(8, "Identification Code Qualifier", codes="34 HN II MI MR"),
            ),
            _name_rule(
                "IL",
                "Insured Name",
                "S",
                _required(2, "Entity Type Qualifier", codes="1 2"),
                _required(8, "Identification Code Qualifier", codes="FI II MI"),
                _required(9, "Subscriber Identifier"),
            ),
            _name_rule(
                "74",
                "Corrected Patient/Insured Name",
                "S",
                _required(2, "Entity Type Qualifier", codes="1 2"),
                el(8, "Identification Code Qualifier", codes="C"),
            ),
            _name_rule(
                "82",
                "Service Provider Name",
                "S",
                _required(2, "Entity Type Qualifier", codes="1 2"),
                _required(8, "Identification Code Qualifier", codes="BD BS FI MC PC SL UP XX"),
                _required(9, "Rendering Provider Identifier"),
            ),
            _name_rule(
                "TT",
                "Crossover Carrier Name",
                "S",
                _required(2, "Entity Type Qualifier", codes="2"),
                _required(3, "Coordination of Benefits Carrier Name"),
                _required(8, "Identification Code Qualifier", codes="AD FI NI PI PP XV"),
                _required(9, "Coordination of Benefits Carrier Identifier"),
            ),
            _name_rule(
                "PR",
                "Corrected Priority Payer Name",
                "S",
                _required(2, "Entity Type Qualifier", codes="2"),
                _required(3, "Corrected Priority Payer Name"),
                _required(8, "Identification Code Qualifier", codes="AD FI NI PI PP XV"),
                _required(9, "Corrected Priority Payer Identifier"),
            ),
            _name_rule(
                "GB",
                "Other Subscriber Name",
                "S",
                _required(2, "Entity Type Qualifier", codes="1 2"),
                el(8, "Identification Code Qualifier", codes="FI II MI"),
            ),
            seg(
                "MIA",
                "Inpatient Adjudication Information",
                33,
                elements=[_required(1, "Covered Days or Visits Count", kind="number")],
            ),
            seg("MOA", "Outpatient Adjudication Information", 35),
            seg(
                "REF",
                "Other Claim Related or Rendering Provider Identification",
                40,
                "S",
                15,
                elements=[
                    _required(
                        1,
                        "Reference Identification Qualifier",
                        codes="1L 1W 28 6P 9A 9C BB CE EA F8 G1 G3 IG SY "
                        "0B 1A 1B 1C 1D 1G 1H 1J D3 G2 LU",
                    ),
                    _required(2, "Reference Identification"),
                ],
            ),
            seg(
                "DTM",
                "Claim Date",
                50,
                "S",
                4,
                elements=[
                    _required(1, "Date Time Qualifier", codes="232 233 036 050"),
                    _required(2, "Date", kind="d8"),
                ],
            ),
            seg(
                "PER",
                "Claim Contact Information",
                60,
                "S",
                2,
                elements=[_required(1, "Contact Function Code", codes="CX")],
            ),
            seg(
                "AMT",
                "Claim Supplemental Information",
                62,
                "S",
                13,
                elements=[
                    _required(
                        1, "Amount Qualifier Code", codes="AU D8 DY F5 I NL T T2 ZK ZL ZM ZN ZO"
                    ),
                    _required(2, "Claim Supplemental Information Amount", kind="number"),
                ],
            ),
            seg(
                "QTY",
                "Claim Supplemental Information Quantity",
                64,
                "S",
                14,
                elements=[
                    _required(
                        1,
                        "Quantity Qualifier",
                        codes="CA CD LA LE NE NR OU PS VS ZK ZL ZM ZN ZO",
                    ),
                    _required(2, "Claim Supplemental Information Quantity", kind="number"),
                ],
            ),
            loop(
                "2110",
                "Service Payment Information",
                70,
                "S",
                999,
                seg(
                    "SVC",
                    "Service Payment Information",
                    70,
                    "R",
                    elements=[
                        _required(
                            1,
                            "Product or Service ID Qualifier",
                            component=1,
                            codes=PRODUCT_QUALIFIERS,
                        ),
                        _required(1, "Adjudicated Procedure Code", component=2),
                        el(5, "Units of Service Paid Count", kind="number"),
                        el(
                            6,
                            "Product or Service ID Qualifier",
                            component=1,
                            codes="AD ER HC HP IV N4 NU WK",
                        ),
                        el(7, "Original Units of Service Count", kind="number"),
                    ],
                ),
                seg(
                    "DTM",
                    "Service Date",
                    80,
                    "S",
                    2,
                    elements=[
                        _required(1, "Date Time Qualifier", codes="150 151 472"),
                        _required(2, "Service Date", kind="d8"),
                    ],
                ),
                seg(
                    "CAS",
                    "Service Adjustment",
                    90,
                    "S",
                    99,
                    elements=[_required(1, "Claim Adjustment Group Code", codes="CO OA PI PR")],
                ),
                seg(
                    "REF",
                    "Service Identification, Line Item Control Number or Rendering Provider",
                    100,
                    "S",
                    24,
                    elements=[
                        _required(
                            1,
                            "Reference Identification Qualifier",
                            codes="1S APC BB E9 G1 G3 LU RB 6R 0B 1A 1B 1C 1D 1G 1H 1J D3 G2 HPI "
                            "SY TJ 0K",
                        ),
                        _required(2, "Reference Identification"),
                    ],
                ),
                seg(
                    "AMT",
                    "Service Supplemental Amount",
                    110,
                    "S",
                    9,
                    elements=[
                        _required(1, "Amount Qualifier Code", codes="B6 KH T T2 ZK ZL ZM ZN ZO"),
                        _required(2, "Service Supplemental Amount", kind="number"),
                    ],
                ),
                seg(
                    "QTY",
                    "Service Supplemental Quantity",
                    120,
                    "S",
                    6,
                    elements=[
                        _required(1, "Quantity Qualifier", codes="ZK ZL ZM ZN ZO"),
                        _required(2, "Service Supplemental Quantity Count", kind="number"),
                    ],
                ),
                seg(
                    "LQ",
                    "Health Care Remark Codes",
                    130,
                    "S",
                    99,
                    elements=[
                        _required(1, "Code List Qualifier Code", codes="HE RX"),
                        _required(2, "Remark Code"),
                    ],
                ),
            ),
        ),
    ),
    seg(
        "PLB",
        "Provider Adjustment",
        900,
        "S",
        None,
        elements=[
            _required(1, "Provider Identifier"),
            _required(2, "Fiscal Period Date", kind="d8"),
        ],
    ),
    seg("SE", "Transaction Set Trailer", 999, "R"),
)


# ---------------------------------------------------------------------------- data


@record
class Adjustment835:
    """One reason/amount/quantity triplet of a CAS segment."""

    group: str  # CAS01: CO, PR, OA, PI
    reason: str  # CARC
    amount: Decimal  # positive reduces the payment
    quantity: Decimal | None
    text: str  # "CO-45: charge above the fee schedule, ... (contractual obligation: ...)"
    segment_number: int

    @property
    def group_text(self) -> str:
        return carc.group_text(self.group)

    @property
    def reason_text(self) -> str:
        return carc.carc_text(self.reason)

    @property
    def is_patient_responsibility(self) -> bool:
        return self.group == "PR"


@record
class Remark835:
    """A remark code: RARC from MOA/MIA or LQ*HE; LQ*RX carries an NCPDP code."""

    code: str
    source: str  # MOA, MIA or LQ
    qualifier: str  # HE (RARC) or RX (NCPDP reject/payment code) for LQ; "HE" for MOA/MIA
    text: str
    segment_number: int


@record
class Reference835:
    qualifier: str  # REF01
    value: str  # REF02


@record
class Amount835:
    """AMT or QTY: qualifier and number."""

    qualifier: str
    value: Decimal


@record
class Name835:
    """An NM1 of loop 2100: patient QC, insured IL, corrected name 74, rendering 82, ..."""

    entity: str  # NM101
    entity_type: str  # NM102: 1 person, 2 organisation
    last_name: str  # NM103 (the organisation name when NM102 is 2)
    first_name: str
    middle_name: str
    suffix: str  # NM107
    id_qualifier: str  # NM108
    identifier: str  # NM109


@record
class ServiceLine835:
    """Loop 2110: one adjudicated service line."""

    qualifier: str  # SVC01-1: HC (HCPCS/CPT), AD, ER, HP, IV, N4, N6, NU, UI, WK
    procedure_code: str  # SVC01-2 as adjudicated
    modifiers: tuple[str, ...]  # SVC01-3..6
    description: str  # SVC01-7
    charge: Decimal  # SVC02
    payment: Decimal  # SVC03
    revenue_code: str  # SVC04
    units: Decimal  # SVC05; 1 when absent (the guide's default) or unreadable (reported)
    original_qualifier: str  # SVC06-1 (when the payer adjudicated another code)
    original_procedure_code: str  # SVC06-2: the code we billed, when bundled/unbundled
    original_modifiers: tuple[str, ...]
    original_units: Decimal | None  # SVC07
    service_date: date | None  # DTM*472, or DTM*150 (period start)
    service_date_end: date | None  # DTM*472, or DTM*151 (period end)
    adjustments: tuple[Adjustment835, ...]
    line_control_number: str  # REF*6R: our line id
    references: tuple[Reference835, ...]
    amounts: tuple[Amount835, ...]  # AMT: B6 allowed, KH late filing reduction, ...
    quantities: tuple[Amount835, ...]
    remarks: tuple[Remark835, ...]  # LQ
    segment_number: int

    @property
    def adjustment_total(self) -> Decimal:
        return sum((a.amount for a in self.adjustments), ZERO)

    @property
    def patient_responsibility(self) -> Decimal:
        return sum((a.amount for a in self.adjustments if a.group == "PR"), ZERO)

    @property
    def allowed_amount(self) -> Decimal | None:
        return _find_amount(self.amounts, "B6")

    def amount(self, qualifier: str) -> Decimal | None:
        return _find_amount(self.amounts, qualifier)

    def reference(self, qualifier: str) -> str:
        return _find_reference(self.references, qualifier)


@record
class Claim835:
    """Loop 2100: one adjudicated claim."""

    patient_control_number: str  # CLP01: our claim id (CLM01 of the 837)
    status_code: str  # CLP02
    total_charge: Decimal  # CLP03
    payment: Decimal  # CLP04
    patient_responsibility: Decimal  # CLP05 (0 when absent)
    filing_indicator: str  # CLP06
    payer_claim_number: str  # CLP07 (send it back as REF*F8 on a corrected claim)
    facility_code: str  # CLP08 (place of service, or bill type digits 1-2)
    frequency_code: str  # CLP09
    drg_code: str  # CLP11
    drg_weight: Decimal | None  # CLP12
    discharge_fraction: Decimal | None  # CLP13
    adjustments: tuple[Adjustment835, ...]  # claim-level CAS only
    names: tuple[Name835, ...]  # NM1 QC, IL, 74, 82, TT, PR, GB
    remarks: tuple[Remark835, ...]  # MOA / MIA remark codes
    references: tuple[Reference835, ...]  # REF of loop 2100 (F8, 1L, EA, ...)
    statement_from: date | None  # DTM*232
    statement_to: date | None  # DTM*233
    received_date: date | None  # DTM*050
    coverage_expiration: date | None  # DTM*036
    amounts: tuple[Amount835, ...]  # AMT: AU coverage amount, I interest, ...
    quantities: tuple[Amount835, ...]  # QTY
    lines: tuple[ServiceLine835, ...]
    header_number: str  # LX01 of the enclosing 2000 loop
    segment_number: int  # of the CLP

    @property
    def status_text(self) -> str:
        return carc.claim_status_text(self.status_code)

    @property
    def is_reversal(self) -> bool:
        return self.status_code == "22"

    @property
    def is_denied(self) -> bool:
        return self.status_code == "4"

    @property
    def all_adjustments(self) -> tuple[Adjustment835, ...]:
        """Claim-level adjustments followed by those of each line, in file order."""
        return self.adjustments + tuple(a for line in self.lines for a in line.adjustments)

    @property
    def adjustment_total(self) -> Decimal:
        return sum((a.amount for a in self.all_adjustments), ZERO)

    @property
    def patient_responsibility_total(self) -> Decimal:
        """Sum of the PR adjustments at claim and line level."""
        return sum((a.amount for a in self.all_adjustments if a.group == "PR"), ZERO)

    def name(self, entity: str) -> Name835 | None:
        for each in self.names:
            if each.entity == entity:
                return each
        return None

    @property
    def patient(self) -> Name835 | None:
        return self.name("QC")

    @property
    def insured(self) -> Name835 | None:
        return self.name("IL")

    @property
    def rendering_provider(self) -> Name835 | None:
        return self.name("82")

    def amount(self, qualifier: str) -> Decimal | None:
        return _find_amount(self.amounts, qualifier)

    def reference(self, qualifier: str) -> str:
        return _find_reference(self.references, qualifier)

    def line(self, line_control_number: str) -> ServiceLine835 | None:
        for each in self.lines:
            if each.line_control_number == line_control_number:
                return each
        return None


@dataclass(frozen=True)
class ProviderAdjustment835:
    """One reason/amount pair of a PLB segment. A positive amount reduces the payment
    (e.g. WO recoupment of an overpayment), a negative one increases it (e.g. L6 interest)."""

    provider_id: str  # PLB01
    fiscal_period_end: date | None  # PLB02
    reason: str  # PLB03-1 (05-1, ...): L6, WO, FB, 72, CS, ...
    reference: str  # PLB03-2: often the payer claim number or a recovery reference
    amount: Decimal
    text: str  # what the reason code means
    segment_number: int


@dataclass(frozen=True)
class Payment835:
    """BPR."""

    handling_code: str  # BPR01: I remittance only, C payment + remittance, H notification ...
    amount: Decimal  # BPR02: total actual provider payment
    credit_debit: str  # BPR03: C or D
    method: str  # BPR04: ACH, CHK, BOP, FWT, NON
    format_code: str  # BPR05: CCP, CTX
    company_id: str  # BPR10: originating company (payer) id
    date: date | None  # BPR16: check issue or EFT effective date

    @property
    def net_amount(self) -> Decimal:
        """BPR02 signed: negative for a debit."""
        return -self.amount if self.credit_debit == "D" else self.amount


@dataclass(frozen=True)
class Trace835:
    """TRN: what reassociates the 835 with the money."""

    trace_type: str  # TRN01: 1
    number: str  # TRN02: check or EFT trace number
    company_id: str  # TRN03: "1" + payer EIN
    supplemental_id: str  # TRN04


@dataclass(frozen=True)
class Payer835:
    name: str  # N1*PR N102
    identifier: str  # see the module docstring
    identifier_source: str  # "REF*2U", "N1*PR*XV" or "TRN03"
    plan_id: str  # N104 when N103 is XV
    references: tuple[Reference835, ...]  # REF 2U, EO, HI, NF
    address: Address | None


@dataclass(frozen=True)
class Payee835:
    name: str  # N1*PE N102
    id_qualifier: str  # N103: XX NPI, FI TIN, XV plan id
    identifier: str  # N104
    npi: str  # N104 when XX
    tin: str  # N104 when FI, else REF*TJ
    references: tuple[Reference835, ...]
    address: Address | None


@dataclass(frozen=True)
class Remittance835:
    """One 835 transaction set."""

    interchange_control_number: str  # ISA13
    group_control_number: str  # GS06
    transaction_control_number: str  # ST02
    sender_id: str  # ISA06
    receiver_id: str  # ISA08
    interchange_date: date | None
    usage_indicator: str  # ISA15
    version: str  # GS08
    payment: Payment835
    trace: Trace835
    receiver_identification: str  # REF*EV
    version_identification: str  # REF*F2
    currency: str  # CUR02, "" for USD
    production_date: date | None  # DTM*405
    payer: Payer835
    payee: Payee835
    claims: tuple[Claim835, ...]
    provider_adjustments: tuple[ProviderAdjustment835, ...]
    segment_number: int  # of the ST
    warnings: tuple[X12Issue, ...] = ()

    @property
    def total_paid(self) -> Decimal:
        return self.payment.amount

    @property
    def payment_date(self) -> date | None:
        return self.payment.date

    @property
    def trace_number(self) -> str:
        return self.trace.number

    @property
    def claim_payment_total(self) -> Decimal:
        return sum((c.payment for c in self.claims), ZERO)

    @property
    def provider_adjustment_total(self) -> Decimal:
        return sum((p.amount for p in self.provider_adjustments), ZERO)

    def claims_for(self, patient_control_number: str) -> tuple[Claim835, ...]:
        """Every claim with this CLP01 (a reversal and its correction share it)."""
        return tuple(c for c in self.claims if c.patient_control_number == patient_control_number)

    def claim(self, patient_control_number: str) -> Claim835 | None:
        found = self.claims_for(patient_control_number)
        return found[0] if found else None


class ClaimSink(Protocol):
    """Receives a remittance while it is read, so that a caller can work on the first claims
    (post them) while the rest of a large file is still being read. For each transaction set:
    header() once (the remittance with no claims yet), then claim() for each claim in file
    order. A problem found later still makes the read fail: whatever the sink did must be
    undone then (posting runs inside one database transaction)."""

    def header(self, remittance: Remittance835) -> None: ...

    def claim(self, claim: Claim835) -> None: ...


def _find_amount(amounts: Iterable[Amount835], qualifier: str) -> Decimal | None:
    for each in amounts:
        if each.qualifier == qualifier:
            return each.value
    return None


def _find_reference(references: Iterable[Reference835], qualifier: str) -> str:
    for each in references:
        if each.qualifier == qualifier:
            return each.value
    return ""


# ---------------------------------------------------------------------------- pre-checks


def _money(segment: Segment, position: int, name: str, *, required: bool) -> Decimal | None:
    """An amount element; missing (when required) or not a number is fatal in both modes,
    because the remittance cannot be posted without it."""
    value = segment.get(position)
    if not value:
        if required:
            raise segment.error(
                f"{segment.id}{position:02d} ({name}) is required but missing ({segment.id} has "
                f"{len(segment.elements)} element(s))"
            )
        return None
    if not _NUMBER.fullmatch(value):
        raise segment.error(f"{segment.id}{position:02d} ({name}) {value!r} is not a number")
    return Decimal(value)


def _is_amount(value: str) -> bool:
    """What _money() accepts for a present value (the fast check of the pre-check loop; the
    error, when there is one, still comes from _money())."""
    return _NUMBER.fullmatch(value) is not None


def _remark(code: str, source: str, qualifier: str, segment: Segment) -> Remark835:
    text = f"NCPDP reject/payment code {code}" if qualifier == "RX" else carc.rarc_text(code)
    return Remark835(code, source, qualifier, text, segment.number)


def _number(value: str) -> Decimal | None:
    """A number element's value; None when absent or not a number."""
    return Decimal(value) if value and _NUMBER.fullmatch(value) else None


def _check_bpr(bpr: Segment, reporter: Reporter) -> None:
    total = _money(bpr, 2, "Total Actual Provider Payment Amount", required=True)
    if total is not None and total < 0:
        reporter.report(
            bpr,
            f"BPR02 {bpr.get(2)} is negative: an 835 cannot pay less than zero (the guide "
            "carries a negative balance to a later 835 with a PLB FB forwarding balance)",
        )
    if not bpr.get(16):
        hint = ""
        if len(bpr.elements) == 15 and parse_d8(bpr.get(15)) is not None:
            hint = (
                f"; the date {bpr.get(15)} sits in BPR15, one element too early (a '*' is missing)"
            )
        reporter.report(bpr, f"BPR16 (Check Issue or EFT Effective Date) is required{hint}")


def _check_clp(clp: Segment) -> None:
    values = _values(clp, 5)
    for position, name in ((1, "Patient Control Number"), (2, "Claim Status Code")):
        if not values[position]:
            raise clp.error(
                f"CLP{position:02d} ({name}) is required but missing (CLP has "
                f"{len(clp.elements)} element(s); CLP01-CLP04 and CLP06-CLP07 are required)"
            )
    if not (values[3] and _is_amount(values[3])):
        _money(clp, 3, "Total Claim Charge Amount", required=True)
    if not (values[4] and _is_amount(values[4])):
        _money(clp, 4, "Claim Payment Amount", required=True)
    if values[5] and not _is_amount(values[5]):
        _money(clp, 5, "Patient Responsibility Amount", required=False)


def _check_cas(cas: Segment, reporter: Reporter) -> None:
    count = len(cas.elements)
    if count > 19:
        raise cas.error(f"CAS has {count} elements; at most 19 (6 adjustments)")
    values = _values(cas, 19)
    if not values[2]:
        raise cas.error("CAS02 (Claim Adjustment Reason Code) is required but missing")
    # Up to six reason/amount/quantity triplets, CAS02-04 to CAS17-19; a triplet that starts
    # past the last element is empty and has nothing to check.
    for reason in range(2, min(count, 17) + 1, 3):
        amount_at, quantity_at = reason + 1, reason + 2
        code = values[reason]
        if code:
            if not (values[amount_at] and _is_amount(values[amount_at])):
                _money(cas, amount_at, f"Adjustment Amount for reason {code}", required=True)
        elif values[amount_at] or values[quantity_at]:
            raise cas.error(
                f"CAS{amount_at:02d}/CAS{quantity_at:02d} has an amount or quantity but "
                f"CAS{reason:02d} (Claim Adjustment Reason Code) is missing"
            )
        quantity = values[quantity_at]
        if quantity and not _NUMBER.fullmatch(quantity):
            reporter.report(
                cas, f"CAS{quantity_at:02d} (Adjustment Quantity) {quantity!r} is not a number"
            )
    if values[1] == "CR":
        reporter.report(
            cas,
            "CAS01 'CR' (corrections and reversals) is a version 4010 group code; 005010X221A1 "
            "reverses a claim with CLP02 22 and the original group codes (CO, OA, PI, PR)",
        )


def _check_svc(svc: Segment, reporter: Reporter) -> None:
    composite = svc.get(1)
    component = svc.delimiters.component
    if composite and component not in composite:
        other = _SEPARATOR_LIKE.search(composite)
        if other is not None:
            reporter.report(
                svc,
                f"SVC01 {composite!r} is not a composite in this interchange: its component "
                f"separator (ISA16) is {component!r}, but the element uses {other.group()!r}",
            )
    values = _values(svc, 3)
    if not (values[2] and _is_amount(values[2])):
        _money(svc, 2, "Line Item Charge Amount", required=True)
    if not (values[3] and _is_amount(values[3])):
        _money(svc, 3, "Line Item Provider Payment Amount", required=True)


def _check_plb(plb: Segment, reporter: Reporter) -> None:
    if len(plb.elements) > 14:
        raise plb.error(f"PLB has {len(plb.elements)} elements; at most 14 (6 adjustments)")
    if not plb.get(3):
        raise plb.error("PLB03 (Provider Adjustment Identifier) is required but missing")
    for index in range(6):
        reason_at, amount_at = 3 + 2 * index, 4 + 2 * index
        if plb.get(reason_at):
            _money(plb, amount_at, "Provider Adjustment Amount", required=True)
            code = plb.component(reason_at, 1)
            if code not in PLB_REASON_CODES:
                reporter.report(
                    plb,
                    f"PLB{reason_at:02d}-1 (Adjustment Reason Code) {code!r} is not a valid "
                    "provider adjustment reason",
                )
        elif plb.get(amount_at):
            raise plb.error(
                f"PLB{amount_at:02d} has an amount but PLB{reason_at:02d} (the adjustment "
                "reason) is missing"
            )


class _Precheck:
    """Checks the matcher cannot phrase well, run on each segment before the matcher places
    it: the fatal structural ones (no BPR/TRN, SVC before CLP, amounts) and a few deviations
    it does not look for."""

    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter
        self.count = 0  # segments seen, the ST first
        self.trn_seen = self.header_seen = self.claim_open = False

    def header(self, segment: Segment) -> None:
        """A segment of the header, from the ST up to the TRN: also checks that BPR and TRN
        come first."""
        seg_id = segment.id
        self.count += 1
        if self.count == 2 and seg_id != "BPR":
            raise segment.error(
                f"missing BPR (Financial Information): an 835 starts with BPR right after ST, "
                f"found {seg_id}"
            )
        if self.count > 2:
            if seg_id == "TRN":
                self.trn_seen = True
            elif seg_id in ("N1", "LX", "CLP", "PLB", "SE"):
                raise segment.error(
                    "missing TRN (Reassociation Trace Number): the 835 header needs TRN after "
                    f"BPR to tie the remittance to its payment; found {seg_id} first"
                )
        self.check(segment)

    def check(self, segment: Segment) -> None:
        """The checks every segment gets (after the TRN, the only ones: the hot path)."""
        reporter = self.reporter
        seg_id = segment.id
        elements = segment.elements
        if elements and elements[-1] == "":
            reporter.report(
                segment,
                f"{seg_id} ends with an empty element: trailing element separators "
                f"({segment.delimiters.element!r}) are not allowed",
            )
        if seg_id in NOT_USED:
            for position in NOT_USED[seg_id]:
                if segment.get(position):
                    reporter.report(
                        segment,
                        f"{seg_id}{position:02d} {segment.get(position)!r} is not used in "
                        f"{IMPLEMENTATION} (it must be empty)",
                    )
        if seg_id not in _PRECHECKED:
            return
        if seg_id == "BPR":
            _check_bpr(segment, reporter)
        elif seg_id == "TRN":
            if segment.get(3) and not _TRN03.fullmatch(segment.get(3)):
                reporter.report(
                    segment,
                    f"TRN03 (Payer Identifier) {segment.get(3)!r} must be '1' followed by the "
                    "payer's 9-digit EIN",
                )
        elif seg_id == "LX":
            self.header_seen = True
            self.claim_open = False
        elif seg_id == "CLP":
            if not self.header_seen:
                raise segment.error(
                    "CLP before LX: the claims of an 835 sit in loop 2000, which starts with LX "
                    "(header number)"
                )
            self.claim_open = True
            _check_clp(segment)
        elif seg_id == "SVC":
            if not self.claim_open:
                raise segment.error(
                    "SVC before CLP: a service line (loop 2110) must follow the CLP of the "
                    "claim it belongs to"
                )
            _check_svc(segment, reporter)
        elif seg_id == "CAS":
            _check_cas(segment, reporter)
        elif seg_id == "PLB":
            self.claim_open = False
            _check_plb(segment, reporter)
        elif seg_id == "N4" and not segment.get(4):
            state = segment.get(2)
            if state and state not in STATES:
                reporter.report(
                    segment, f"N402 {state!r} is not a US state, territory or Canadian province"
                )


# ---------------------------------------------------------------------------- building


def _decimal(value: str) -> Decimal:
    """An amount element's value, which the pre-check validated (0 when absent)."""
    return Decimal(value) if value else ZERO


def _values(segment: Segment, last: int) -> tuple[str, ...]:
    """The segment id and its elements, padded with "" up to element `last`, so that
    `_values(clp, 13)[3]` is CLP03 (as clp.get(3)): one tuple instead of a get() per field."""
    elements = segment.elements
    return (segment.id, *elements) + ("",) * (last - len(elements))


def _by_id(node: Node) -> dict[str, list[Segment]]:
    """The segments of a loop by id, each list in file order (as node.all(id)): one pass for
    the several ids a claim or line loop is asked for."""
    found: dict[str, list[Segment]] = {}
    for segment in node.segments:
        group = found.get(segment.id)
        if group is None:
            found[segment.id] = [segment]
        else:
            group.append(segment)
    return found


def _address(node: Node) -> Address | None:
    n3, n4 = node.first("N3"), node.first("N4")
    if n3 is None and n4 is None:
        return None
    return Address(
        line1=n3.get(1) if n3 else "",
        line2=n3.get(2) if n3 else "",
        city=n4.get(1) if n4 else "",
        state=n4.get(2) if n4 else "",
        zip_code=n4.get(3) if n4 else "",
    )


# The builders below use plain loops: for the one or two segments a loop usually holds they
# are faster than comprehensions or generators.


def _references(refs: Sequence[Segment]) -> tuple[Reference835, ...]:
    found = []
    for ref in refs:
        found.append(Reference835(ref.get(1), ref.get(2)))
    return tuple(found)


def _amounts(segments: Sequence[Segment]) -> tuple[Amount835, ...]:
    """AMT or QTY segments: qualifier and number (those whose number is unreadable are left
    out; the grammar reported them)."""
    found = []
    for segment in segments:
        value = _number(segment.get(2))
        if value is not None:
            found.append(Amount835(segment.get(1), value))
    return tuple(found)


def _adjustments(cas_segments: Sequence[Segment]) -> tuple[Adjustment835, ...]:
    found = []
    for cas in cas_segments:
        count = len(cas.elements)
        # CAS00 (the id), CAS01 ... and room for the amount and quantity of a last triplet.
        values = (cas.id, *cas.elements, "", "")
        group = values[1]
        # Up to six reason/amount/quantity triplets, CAS02-04 to CAS17-19; those that start
        # past the last element are empty.
        for reason_at in range(2, min(count, 17) + 1, 3):
            reason = values[reason_at]
            if not reason:
                continue
            amount = values[reason_at + 1]
            found.append(
                Adjustment835(
                    group,
                    reason,
                    Decimal(amount) if amount else ZERO,  # amount
                    _number(values[reason_at + 2]),  # quantity
                    _adjustment_text(group, reason),  # text
                    cas.number,  # segment_number
                )
            )
    return tuple(found)


def _dates(dtms: Sequence[Segment]) -> dict[str, date | None]:
    """DTM01 qualifier -> date; the first DTM with a qualifier wins."""
    found: dict[str, date | None] = {}
    for dtm in dtms:
        qualifier = dtm.get(1)
        if qualifier not in found:
            found[qualifier] = parse_d8(dtm.get(2))
    return found


def _adjustment_total(adjustments: Iterable[Adjustment835]) -> Decimal:
    """sum((a.amount for a in adjustments), ZERO), as the properties compute it."""
    total = ZERO
    for adjustment in adjustments:
        total += adjustment.amount
    return total


def _check_npi(segment: Segment, position: int, reporter: Reporter) -> None:
    value = segment.get(position)
    if not npi_is_valid(value):
        reporter.report(
            segment,
            f"{segment.id}{position:02d} {value!r} is not a valid NPI (10 digits with a Luhn "
            "check digit)",
        )


def _line(loop: Node, reporter: Reporter) -> ServiceLine835:
    svc = loop.header
    found = _by_id(loop)
    values = _values(svc, 7)
    component = svc.delimiters.component  # as svc.components(1) and svc.components(6):
    procedure = values[1].split(component) if values[1] else ()
    original = values[6].split(component) if values[6] else ()
    units = _number(values[5])
    dates = _dates(found.get("DTM", ()))
    start = dates.get("472") or dates.get("150")
    end = dates.get("472") or dates.get("151")
    remarks = []
    for lq in found.get("LQ", ()):
        if lq.get(2):
            remarks.append(_remark(lq.get(2), "LQ", lq.get(1), lq))
    references = _references(found.get("REF", ()))
    adjustments = _adjustments(found.get("CAS", ()))
    charge = _decimal(values[2])
    payment = _decimal(values[3])
    line = ServiceLine835(
        qualifier=procedure[0] if procedure else "",
        procedure_code=procedure[1] if len(procedure) > 1 else "",
        modifiers=tuple(filter(None, procedure[2:6])),
        description=procedure[6] if len(procedure) > 6 else "",
        charge=charge,
        payment=payment,
        revenue_code=values[4],
        units=units if units is not None else ONE,
        original_qualifier=original[0] if original else "",
        original_procedure_code=original[1] if len(original) > 1 else "",
        original_modifiers=tuple(filter(None, original[2:6])),
        original_units=_number(values[7]),
        service_date=start,
        service_date_end=end or start,
        adjustments=adjustments,
        line_control_number=_find_reference(references, "6R"),
        references=references,
        amounts=_amounts(found.get("AMT", ())),
        quantities=_amounts(found.get("QTY", ())),
        remarks=tuple(remarks),
        segment_number=svc.number,
    )
    adjustment_total = _adjustment_total(adjustments)  # line.adjustment_total
    expected = charge - adjustment_total
    if expected != payment:
        reporter.report(
            svc,
            f"line balancing rule (SVC02 - line adjustments = SVC03) fails: charge "
            f"{charge} - adjustments {adjustment_total} = {expected}, but SVC03 "
            f"(paid) is {payment}",
        )
    return line


def _claim_remarks(moa: Segment | None, mia: Segment | None) -> tuple[Remark835, ...]:
    remarks = []
    if moa is not None:
        remarks += [_remark(moa.get(p), "MOA", "HE", moa) for p in range(3, 8) if moa.get(p)]
    if mia is not None:
        remarks += [
            _remark(mia.get(p), "MIA", "HE", mia) for p in (5, 20, 21, 22, 23) if mia.get(p)
        ]
    return tuple(remarks)


def _claim(loop: Node, header_number: str, reporter: Reporter) -> Claim835:
    clp = loop.header
    found = _by_id(loop)
    names = []
    for nm1 in found.get("NM1", ()):
        nm = _values(nm1, 9)
        names.append(
            Name835(
                entity=nm[1],
                entity_type=nm[2],
                last_name=nm[3],
                first_name=nm[4],
                middle_name=nm[5],
                suffix=nm[7],
                id_qualifier=nm[8],
                identifier=nm[9],
            )
        )
        if nm[1] == "82" and nm[8] == "XX":
            _check_npi(nm1, 9, reporter)
    dates = _dates(found.get("DTM", ()))
    values = _values(clp, 13)
    moa, mia = found.get("MOA"), found.get("MIA")
    lines = []
    for child in loop.children:
        if child.rule.id == "2110":  # loop.loops("2110")
            lines.append(_line(child, reporter))
    claim = Claim835(
        patient_control_number=values[1],
        status_code=values[2],
        total_charge=_decimal(values[3]),
        payment=_decimal(values[4]),
        patient_responsibility=_decimal(values[5]),
        filing_indicator=values[6],
        payer_claim_number=values[7],
        facility_code=values[8],
        frequency_code=values[9],
        drg_code=values[11],
        drg_weight=_number(values[12]),
        discharge_fraction=_number(values[13]),
        adjustments=_adjustments(found.get("CAS", ())),
        names=tuple(names),
        remarks=_claim_remarks(moa[0] if moa else None, mia[0] if mia else None),
        references=_references(found.get("REF", ())),
        statement_from=dates.get("232"),
        statement_to=dates.get("233"),
        received_date=dates.get("050"),
        coverage_expiration=dates.get("036"),
        amounts=_amounts(found.get("AMT", ())),
        quantities=_amounts(found.get("QTY", ())),
        lines=tuple(lines),
        header_number=header_number,
        segment_number=clp.number,
    )
    if claim.total_charge < 0 and not claim.is_reversal:
        reporter.report(
            clp,
            f"CLP03 {claim.total_charge} is negative: only a reversal (CLP02 22) carries "
            "negated amounts",
        )
    all_adjustments = list(claim.adjustments)  # claim.all_adjustments
    for line in claim.lines:
        all_adjustments += line.adjustments
    adjustment_total = _adjustment_total(all_adjustments)  # claim.adjustment_total
    expected = claim.total_charge - adjustment_total
    if expected != claim.payment:
        claim_level = _adjustment_total(claim.adjustments)
        line_level = adjustment_total - claim_level
        where = f"claim {claim_level}, lines {line_level}" if claim.lines else "claim level"
        reporter.report(
            clp,
            f"claim balancing rule (CLP03 - claim and line adjustments = CLP04) fails: charge "
            f"{claim.total_charge} - adjustments {adjustment_total} ({where}) = "
            f"{expected}, but CLP04 (paid) is {claim.payment}",
        )
    if not claim.is_reversal:
        # claim.patient_responsibility_total
        patient_total = _adjustment_total(a for a in all_adjustments if a.group == "PR")
        if claim.patient_responsibility != patient_total:
            reporter.report(
                clp,
                f"patient responsibility rule (CLP05 = sum of PR adjustments) fails: CLP05 is "
                f"{clp.get(5) or 'absent (0)'} but the PR adjustments of the claim and its "
                f"lines add up to {patient_total}",
            )
    return claim


def _payer(node: Node | None, trn: Segment) -> Payer835:
    if node is None:
        return Payer835("", trn.get(3), "TRN03", "", (), None)
    n1 = node.header
    references = _references(node.all("REF"))
    plan_id = n1.get(4) if n1.get(3) == "XV" else ""
    ref_2u = _find_reference(references, "2U")
    if ref_2u:
        identifier, source = ref_2u, "REF*2U"
    elif plan_id:
        identifier, source = plan_id, "N1*PR*XV"
    else:
        identifier, source = trn.get(3), "TRN03"
    return Payer835(n1.get(2), identifier, source, plan_id, references, _address(node))


def _payee(node: Node | None, reporter: Reporter) -> Payee835:
    if node is None:
        return Payee835("", "", "", "", "", (), None)
    n1 = node.header
    qualifier, identifier = n1.get(3), n1.get(4)
    if qualifier == "XX" and identifier:
        _check_npi(n1, 4, reporter)
    references = _references(node.all("REF"))
    tin = identifier if qualifier == "FI" else _find_reference(references, "TJ")
    return Payee835(
        name=n1.get(2),
        id_qualifier=qualifier,
        identifier=identifier,
        npi=identifier if qualifier == "XX" else "",
        tin=tin,
        references=references,
        address=_address(node),
    )


def _provider_adjustments(root: Node) -> tuple[ProviderAdjustment835, ...]:
    found = []
    for plb in root.all("PLB"):
        for index in range(6):
            reason_at = 3 + 2 * index
            if not plb.get(reason_at):
                continue
            found.append(
                ProviderAdjustment835(
                    provider_id=plb.get(1),
                    fiscal_period_end=parse_d8(plb.get(2)),
                    reason=plb.component(reason_at, 1),
                    reference=plb.component(reason_at, 2),
                    amount=_decimal(plb.get(reason_at + 1)),
                    text=carc.plb_text(plb.component(reason_at, 1)),
                    segment_number=plb.number,
                )
            )
    return tuple(found)


def _head(isa: Segment, gs: Segment, root: Node, reporter: Reporter) -> Remittance835:
    """The remittance as its header says (ISA, GS, ST to the payee loop), without claims or
    PLB."""
    st = root.header
    bpr = root.first("BPR")
    trn = root.first("TRN")
    if bpr is None or trn is None:  # the pre-check makes this impossible
        raise st.error("BPR and TRN are required")
    references = _references(root.all("REF"))
    production = root.first("DTM", "405")
    currency = root.first("CUR")
    payment = Payment835(
        handling_code=bpr.get(1),
        amount=_decimal(bpr.get(2)),
        credit_debit=bpr.get(3),
        method=bpr.get(4),
        format_code=bpr.get(5),
        company_id=bpr.get(10),
        date=parse_d8(bpr.get(16)),
    )
    return Remittance835(
        interchange_control_number=isa.get(13),  # as the Interchange and Group of the envelope
        group_control_number=gs.get(6),
        transaction_control_number=st.get(2),
        sender_id=isa.get(6).strip(),
        receiver_id=isa.get(8).strip(),
        interchange_date=isa_date(isa),
        usage_indicator=isa.get(15),
        version=gs.get(8),
        payment=payment,
        trace=Trace835(trn.get(1), trn.get(2), trn.get(3), trn.get(4)),
        receiver_identification=_find_reference(references, "EV"),
        version_identification=_find_reference(references, "F2"),
        currency=currency.get(2) if currency else "",
        production_date=parse_d8(production.get(2)) if production else None,
        payer=_payer(root.loop("1000A"), trn),
        payee=_payee(root.loop("1000B"), reporter),
        claims=(),
        provider_adjustments=(),
        segment_number=st.number,
    )


class _TransactionReader:
    """One 835 transaction set, read as its segments arrive (ST first, SE last): each is
    pre-checked and placed into its loop; each claim is built and handed to the sink as its
    loop closes; at SE the remittance is complete and its transaction balancing checked."""

    def __init__(
        self,
        isa: Segment,
        gs: Segment,
        reporter: Reporter,
        sink: ClaimSink | None,
        done: Callable[[Remittance835, Segment], None],
    ) -> None:
        self.isa, self.gs, self.reporter, self.sink, self.done = isa, gs, reporter, sink, done
        self.matcher = Matcher(LAYOUT_835, reporter, on_close=self._closed)
        self.precheck = _Precheck(reporter)
        self.check = self.precheck.check
        self.place = self.matcher.feed
        self.waiting: list[Segment] | None = []  # segments after ST, up to the TRN
        self.claims: list[Claim835] = []
        self.head: Remittance835 | None = None

    def feed(self, segment: Segment) -> None:
        if self.waiting is None:  # after the TRN: the usual case
            self.check(segment)
            self.place(segment)
            if segment.id == "SE":
                self.done(self._remittance(self.matcher.end(segment)), segment)
            return
        # The header waits for its TRN: a missing BPR or TRN is reported as such, not as the
        # header being out of order (what the matcher would find first).
        self.precheck.header(segment)
        if segment.id == "ST":
            self.matcher.begin(segment)
            return
        self.waiting.append(segment)
        if self.precheck.trn_seen:
            header, self.waiting = self.waiting, None
            for waiting in header:
                self.place(waiting)

    def _header(self) -> Remittance835:
        if self.head is None:
            assert self.matcher.root is not None
            self.head = _head(self.isa, self.gs, self.matcher.root, self.reporter)
            if self.sink is not None:
                self.sink.header(self.head)
        return self.head

    def _closed(self, node: Node, parent: Node | None) -> None:
        # Each claim (loop 2100) is built as soon as it is complete, and handed on.
        if node.rule.id != "2100":
            return
        self._header()
        claim = _claim(node, parent.header.get(1) if parent else "", self.reporter)
        self.claims.append(claim)
        if self.sink is not None:
            self.sink.claim(claim)

    def _remittance(self, root: Node) -> Remittance835:
        remittance = replace(
            self._header(),
            claims=tuple(self.claims),
            provider_adjustments=_provider_adjustments(root),
        )
        payment = remittance.payment
        bpr = root.first("BPR")
        if payment.handling_code != "D":
            claims_paid = remittance.claim_payment_total
            adjusted = remittance.provider_adjustment_total
            expected = claims_paid - adjusted
            if payment.net_amount != expected:
                signed = " (a debit, BPR03 D)" if payment.credit_debit == "D" else ""
                self.reporter.report(
                    bpr,
                    f"transaction balancing rule (BPR02 = sum of CLP04 - sum of PLB amounts) "
                    f"fails: BPR02 is {payment.amount}{signed} but the claims pay "
                    f"{claims_paid} and the provider adjustments are {adjusted}, which gives "
                    f"{expected}",
                )
        return remittance


def _check_group(header: Segment, reporter: Reporter) -> None:
    if header.get(1) != "HP":
        raise header.error(
            f"GS01 {header.get(1)!r} is not HP (health care claim payment/advice): not an 835 file"
        )
    version = header.get(8)
    if version == IMPLEMENTATION:
        return
    if version == "005010X221":
        reporter.report(
            header,
            f"GS08 005010X221 is the version before its addenda; HIPAA requires "
            f"{IMPLEMENTATION} (same layout, read with its rules)",
        )
        return
    if version.startswith("004010"):
        raise header.error(f"GS08 {version!r} is a version 4010 835; only {IMPLEMENTATION} is read")
    raise header.error(f"GS08 {version!r} is not the 835 implementation guide {IMPLEMENTATION}")


def _check_complete_file(data: str | bytes) -> None:
    if isinstance(data, bytes):
        try:
            head = data.decode("utf-8")[:256]
        except UnicodeDecodeError:
            return  # the tokenizer says where the file stops being text
    else:
        head = data[:256]
    head = head.lstrip("\ufeff \t\r\n")
    if head and not head.startswith("ISA"):
        found = re.match(r"[A-Z][A-Z0-9]{1,2}", head)
        seg_id = found.group() if found else ""
        starts = f"it starts with {seg_id}" if seg_id else f"it starts with {head[:12]!r}"
        raise X12Error(
            1,
            seg_id,
            f"no ISA interchange header: not a complete X12 file ({starts}; an 835 must come "
            "inside an ISA/GS ... GE/IEA envelope)",
        )


def scan_claims(text: str) -> tuple[list[str], int]:
    """Without reading the file: the CLP01 of each CLP segment and the number of SVC segments,
    found by a text search with the delimiters of the (first) ISA. A hint that lets work which
    needs the claim numbers (locking the claims) start while the file is read; it validates
    nothing, and a file it cannot scan gives ([], 0)."""
    start = len(text) - len(text.lstrip("\ufeff \t\r\n"))
    if not text.startswith("ISA", start) or len(text) < start + ISA_LENGTH:
        return [], 0
    element, terminator = text[start + 3], text[start + ISA_LENGTH - 1]
    before = re.escape(terminator) + r"[ \t\r\n]*"
    clp = re.compile(
        before + "CLP" + re.escape(element) + f"([^{re.escape(element + terminator)}]*)"
    )
    svc = re.compile(before + "SVC" + re.escape(element))
    return clp.findall(text), sum(1 for _ in svc.finditer(text))


def read_835_all(
    text: str | bytes, *, strict: bool = True, sink: ClaimSink | None = None
) -> list[Remittance835]:
    """Every 835 transaction set of the file, in order. In tolerant mode each carries the
    warnings of its own segments (ST to SE) and those of the envelope (ISA, GS, GE, IEA).
    A `sink` receives each transaction's header and claims while the file is read (see
    ClaimSink); what is returned is still only valid once this returns without an error."""

    def work(reporter: Reporter) -> list[tuple[Remittance835, int]]:
        _check_complete_file(text)
        found: list[tuple[Remittance835, int]] = []
        checked: set[int] = set()  # GS segments checked

        def check_group(gs: Segment) -> None:
            if gs.number not in checked:
                checked.add(gs.number)
                _check_group(gs, reporter)

        def open_transaction(isa: Segment, gs: Segment, st: Segment) -> Callable:
            # Transactions are read as the file is: claims are handed to the sink while the
            # rest of the file is still being tokenized.
            check_group(gs)
            if st.get(1) != "835":
                raise st.error(f"ST01 {st.get(1)!r} is not 835")
            if st.get(3) not in ("", gs.get(8)):
                reporter.report(
                    st,
                    f"ST03 {st.get(3)!r} does not match GS08 {gs.get(8)!r} (the 835 does not "
                    "use ST03)",
                )
            return _TransactionReader(
                isa, gs, reporter, sink, lambda remit, se: found.append((remit, se.number))
            ).feed

        interchanges = read_envelopes(text, reporter=reporter, open_transaction=open_transaction)
        for interchange in interchanges:
            for group in interchange.groups:
                check_group(group.header)  # also a group without transactions
        return found

    found, warnings = run_checked(strict, work)
    if not warnings:
        return [remittance for remittance, _ in found]
    spans = [(remittance.segment_number, end) for remittance, end in found]

    def within(issue: X12Issue, span: tuple[int, int]) -> bool:
        return span[0] <= issue.segment_number <= span[1]

    envelope = tuple(w for w in warnings if not any(within(w, span) for span in spans))
    return [
        replace(
            remittance,
            warnings=tuple(
                sorted(
                    envelope + tuple(w for w in warnings if within(w, span)),
                    key=lambda w: w.segment_number,
                )
            ),
        )
        for (remittance, _), span in zip(found, spans, strict=True)
    ]


def read_835(
    text: str | bytes, *, strict: bool = True, sink: ClaimSink | None = None
) -> Remittance835:
    """The 835 of a file holding exactly one transaction set (the usual case)."""
    remittances = read_835_all(text, strict=strict, sink=sink)
    if len(remittances) != 1:
        raise X12Error(
            1,
            "ISA",
            f"the file holds {len(remittances)} 835 transaction sets; use read_835_all()",
        )
    return remittances[0]
