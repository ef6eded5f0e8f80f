"""Reader of the 999 Implementation Acknowledgment (005010X231A1, also the base 005010X231).

`read_999(text)` returns one `Ack999`: which functional group it acknowledges (AK1: functional
id, group control number = our GS06, version), each acknowledged transaction set (AK2: set id
and ST control number) with its result (IK5: accepted, accepted with errors, rejected), the
segment and element errors (IK3/IK4) turned into plain-language reasons, and the group result
(AK9 with its counts). `read_999_all(text)` returns every 999 of a file.

Strict mode (default) rejects with `X12Error`: a broken envelope, segments out of place, AK1
/ IK5 / AK9 missing, codes outside the 999 code lists, and counts that do not add up (AK9
accepted count against the IK5 results, AK9 code against the counts). Tolerant mode
(`strict=False`) keeps count and code deviations as warnings; a missing AK1, IK5 or AK9 stays
fatal because the acknowledgement means nothing without them.
"""

from dataclasses import dataclass, replace

from billing.x12 import codes
from billing.x12.errors import X12Error, X12Issue
from billing.x12.grammar import Matcher, Node, el, loop, seg
from billing.x12.reader import Reporter, Segment, read_envelopes, run_checked

IMPLEMENTATIONS = ("005010X231A1", "005010X231")

__all__ = [
    "Ack999",
    "ElementError999",
    "SegmentError999",
    "TransactionAck999",
    "X12Error",
    "read_999",
    "read_999_all",
]

_ACK = "A E M R W X"
_CTX = seg("CTX", "Context", 20, "S", 10)
LAYOUT_999 = loop(
    "999",
    "999 Implementation Acknowledgment (005010X231A1)",
    1,
    "R",
    1,
    seg("ST", "Transaction Set Header", 1, "R", q=(1, "999")),
    seg(
        "AK1",
        "Functional Group Response Header",
        2,
        "R",
        elements=[
            el(1, "Functional Identifier Code", required=True),
            el(2, "Group Control Number", required=True, kind="int"),
            el(3, "Version / Release / Industry Identifier Code", required=True),
        ],
    ),
    loop(
        "2000",
        "Transaction Set Response Header",
        3,
        "S",
        None,
        seg(
            "AK2",
            "Transaction Set Response Header",
            3,
            "R",
            elements=[
                el(1, "Transaction Set Identifier Code", required=True),
                el(2, "Transaction Set Control Number", required=True),
            ],
        ),
        loop(
            "2100",
            "Error Identification",
            4,
            "S",
            None,
            seg(
                "IK3",
                "Error Identification",
                4,
                "R",
                elements=[
                    el(1, "Segment ID Code", required=True),
                    el(2, "Segment Position in Transaction Set", required=True, kind="int"),
                    el(4, "Implementation Segment Syntax Error Code", codes=codes.SEGMENT_ERRORS),
                ],
            ),
            _CTX,
            loop(
                "2110",
                "Implementation Data Element Note",
                30,
                "S",
                None,
                seg(
                    "IK4",
                    "Implementation Data Element Note",
                    30,
                    "R",
                    elements=[
                        el(1, "Element Position in Segment", component=1, required=True),
                        el(
                            3,
                            "Implementation Data Element Syntax Error Code",
                            required=True,
                            codes=codes.ELEMENT_ERRORS,
                        ),
                    ],
                ),
                seg("CTX", "Element Context", 31, "S", 10),
            ),
        ),
        seg(
            "IK5",
            "Transaction Set Response Trailer",
            5,
            "R",
            elements=[
                el(1, "Transaction Set Acknowledgment Code", required=True, codes=_ACK),
                *(
                    el(
                        p,
                        "Implementation Transaction Set Syntax Error Code",
                        codes=codes.TRANSACTION_ERRORS,
                    )
                    for p in range(2, 7)
                ),
            ],
        ),
    ),
    seg(
        "AK9",
        "Functional Group Response Trailer",
        6,
        "R",
        elements=[
            el(1, "Functional Group Acknowledge Code", required=True, codes="A E M P R W X"),
            el(2, "Number of Transaction Sets Included", required=True, kind="int"),
            el(3, "Number of Received Transaction Sets", required=True, kind="int"),
            el(4, "Number of Accepted Transaction Sets", required=True, kind="int"),
            *(
                el(p, "Functional Group Syntax Error Code", codes=codes.GROUP_ERRORS)
                for p in range(5, 10)
            ),
        ],
    ),
    seg("SE", "Transaction Set Trailer", 99, "R"),
)

_STATUS = {"A": "accepted", "E": "accepted_with_errors", "P": "partially_accepted"}


def _status(code: str) -> str:
    return _STATUS.get(code, "rejected")


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class ElementError999:
    """IK4: one bad data element of the segment named by the enclosing IK3."""

    position: int | None  # IK401-1
    component: int | None  # IK401-2
    repetition: int | None  # IK401-3
    element_reference: str  # IK402: data element dictionary number
    code: str  # IK403
    description: str
    bad_value: str  # IK404
    segment_number: int  # of the IK4 in the 999

    @property
    def reason(self) -> str:
        where = f"element {self.position if self.position is not None else '?'}"
        if self.component:
            where += f", component {self.component}"
        if self.repetition:
            where += f", repetition {self.repetition}"
        if self.element_reference:
            where += f" (data element {self.element_reference})"
        value = f" (value {self.bad_value!r})" if self.bad_value else ""
        return f"{where}: {self.description}{value}"


@dataclass(frozen=True)
class SegmentError999:
    """IK3: a segment of the acknowledged transaction set that has an error."""

    segment_id: str  # IK301
    position: int | None  # IK302: position in the acknowledged transaction set (ST = 1)
    loop_id: str  # IK303
    code: str  # IK304
    description: str
    elements: tuple[ElementError999, ...]
    context: tuple[str, ...]  # CTX segments as text (e.g. the claim's CLM01)
    segment_number: int  # of the IK3 in the 999

    @property
    def reason(self) -> str:
        where = f"segment {self.segment_id}"
        if self.position is not None:
            where += f" at position {self.position}"
        if self.loop_id:
            where += f" in loop {self.loop_id}"
        parts = [self.description] if self.description else []
        parts += [element.reason for element in self.elements]
        return f"{where}: {'; '.join(parts) or 'error'}"


@dataclass(frozen=True)
class TransactionAck999:
    """AK2 ... IK5: the result for one transaction set we sent."""

    transaction_set_id: str  # AK201, e.g. "837"
    control_number: str  # AK202 = our ST02
    implementation: str  # AK203
    code: str  # IK501
    status: str  # accepted | accepted_with_errors | rejected
    description: str
    syntax_errors: tuple[tuple[str, str], ...]  # IK502-IK506: (code, meaning)
    segment_errors: tuple[SegmentError999, ...]
    reasons: tuple[str, ...]  # plain language, one per problem

    @property
    def accepted(self) -> bool:
        return self.code in ("A", "E")


@dataclass(frozen=True)
class Ack999:
    interchange_control_number: str  # ISA13 of the 999 itself
    group_control_number: str  # GS06 of the 999
    control_number: str  # ST02 of the 999
    acknowledged_functional_id: str  # AK101 (HC for 837 claims)
    acknowledged_group_control_number: str  # AK102 = our GS06
    acknowledged_version: str  # AK103
    transactions: tuple[TransactionAck999, ...]
    group_code: str  # AK901
    group_status: str  # accepted | accepted_with_errors | partially_accepted | rejected
    group_description: str
    transaction_sets_included: int | None  # AK902
    transaction_sets_received: int | None  # AK903
    transaction_sets_accepted: int | None  # AK904
    group_errors: tuple[tuple[str, str], ...]  # AK905-AK909: (code, meaning)
    reasons: tuple[str, ...]  # group-level and per-transaction reasons
    warnings: tuple[X12Issue, ...] = ()

    @property
    def accepted(self) -> bool:
        """The whole group was accepted (possibly with noted errors)."""
        return self.group_code in ("A", "E")

    @property
    def acknowledged_transaction_sets(self) -> tuple[str, ...]:
        """AK201 values, e.g. ("837",); empty when the 999 lists no AK2."""
        return tuple(dict.fromkeys(t.transaction_set_id for t in self.transactions))

    def transaction(self, control_number: str) -> TransactionAck999 | None:
        """The result for our ST02 (compared as numbers when both are numeric)."""
        for ack in self.transactions:
            if ack.control_number == control_number or (
                ack.control_number.isdigit()
                and control_number.isdigit()
                and int(ack.control_number) == int(control_number)
            ):
                return ack
        return None


def _codes_of(
    segment: Segment, positions: range, table: dict[str, str], what: str
) -> tuple[tuple[str, str], ...]:
    return tuple(
        (segment.get(p), codes.describe(table, segment.get(p), what))
        for p in positions
        if segment.get(p)
    )


def _transaction(node: Node, reporter: Reporter) -> TransactionAck999:
    ak2 = node.header
    ik5 = node.first("IK5")
    if ik5 is None:
        raise ak2.error(
            f"AK2 for transaction set {ak2.get(1)} {ak2.get(2)} has no IK5 "
            "(transaction set response trailer)"
        )
    segment_errors = []
    for error_node in node.loops("2100"):
        ik3 = error_node.header
        elements = []
        for element_node in error_node.loops("2110"):
            ik4 = element_node.header
            elements.append(
                ElementError999(
                    position=_int(ik4.component(1, 1)),
                    component=_int(ik4.component(1, 2)),
                    repetition=_int(ik4.component(1, 3)),
                    element_reference=ik4.get(2),
                    code=ik4.get(3),
                    description=codes.describe(codes.ELEMENT_ERRORS, ik4.get(3), "element error"),
                    bad_value=ik4.get(4),
                    segment_number=ik4.number,
                )
            )
        segment_errors.append(
            SegmentError999(
                segment_id=ik3.get(1),
                position=_int(ik3.get(2)),
                loop_id=ik3.get(3),
                code=ik3.get(4),
                description=codes.describe(codes.SEGMENT_ERRORS, ik3.get(4), "segment error"),
                elements=tuple(elements),
                context=tuple(str(ctx) for ctx in error_node.all("CTX")),
                segment_number=ik3.number,
            )
        )
    code = ik5.get(1)
    syntax = _codes_of(ik5, range(2, 7), codes.TRANSACTION_ERRORS, "transaction set error")
    if code == "A" and segment_errors:
        reporter.report(ik5, "IK501 is A (accepted) although IK3 segment errors are listed")
    if code and code != "A" and not syntax:
        reporter.report(ik5, f"IK502 (the reason) is required when IK501 is {code!r}, not A")
    description = codes.describe(codes.ACK_CODES, code, "acknowledgment code")
    label = f"transaction set {ak2.get(1)} {ak2.get(2)}"
    reasons = [f"{label} {description}"]
    reasons += [f"{label}: {meaning}" for _, meaning in syntax]
    reasons += [f"{label}: {error.reason}" for error in segment_errors]
    return TransactionAck999(
        transaction_set_id=ak2.get(1),
        control_number=ak2.get(2),
        implementation=ak2.get(3),
        code=code,
        status=_status(code),
        description=description,
        syntax_errors=syntax,
        segment_errors=tuple(segment_errors),
        reasons=tuple(reasons),
    )


def _check_counts(ak9: Segment, transactions: list[TransactionAck999], reporter: Reporter) -> None:
    code = ak9.get(1)
    included, received, accepted = _int(ak9.get(2)), _int(ak9.get(3)), _int(ak9.get(4))
    if included is None or received is None or accepted is None:
        return  # already reported by the element checks
    if accepted > received:
        reporter.report(
            ak9, f"AK904 accepted count {accepted} exceeds AK903 received count {received}"
        )
    if len(transactions) > received:
        reporter.report(
            ak9,
            f"the 999 answers {len(transactions)} transaction sets (AK2) but AK903 says "
            f"{received} were received",
        )
    if transactions and len(transactions) == received:
        ok = sum(1 for t in transactions if t.accepted)
        if ok != accepted:
            reporter.report(
                ak9,
                f"AK904 says {accepted} transaction sets were accepted but the IK5 results "
                f"accept {ok} of {len(transactions)}",
            )
    expected = None
    if code in ("A", "E") and accepted != received:
        expected = "all received transaction sets accepted"
    elif code == "P" and not 0 < accepted < received:
        expected = "some but not all transaction sets accepted"
    elif code in ("R", "M", "W", "X") and accepted != 0:
        expected = "no transaction set accepted"
    if expected:
        reporter.report(
            ak9,
            f"AK901 {code!r} ({codes.ACK_CODES.get(code, '?')}) means {expected}, but AK903/AK904 "
            f"say {accepted} of {received}",
        )


def _ack(root: Node, interchange_control: str, group_control: str, reporter: Reporter) -> Ack999:
    st = root.header
    ak1 = root.first("AK1")
    ak9 = root.first("AK9")
    if ak1 is None:
        raise st.error("the 999 has no AK1: it does not say which functional group it answers")
    if ak9 is None:
        raise st.error("the 999 has no AK9: the functional group result is missing")
    transactions = [_transaction(node, reporter) for node in root.loops("2000")]
    _check_counts(ak9, transactions, reporter)
    group_code = ak9.get(1)
    group_errors = _codes_of(ak9, range(5, 10), codes.GROUP_ERRORS, "functional group error")
    group_text = codes.describe(codes.ACK_CODES, group_code, "acknowledgment code")
    functional = ak1.get(1)
    label = codes.FUNCTIONAL_GROUPS.get(functional, functional)
    reasons = [f"functional group {ak1.get(2)} ({label}) {group_text}"]
    reasons += [f"functional group {ak1.get(2)}: {meaning}" for _, meaning in group_errors]
    for ack in transactions:
        if not ack.accepted or ack.segment_errors or ack.syntax_errors:
            reasons += ack.reasons
    return Ack999(
        interchange_control_number=interchange_control,
        group_control_number=group_control,
        control_number=st.get(2),
        acknowledged_functional_id=functional,
        acknowledged_group_control_number=ak1.get(2),
        acknowledged_version=ak1.get(3),
        transactions=tuple(transactions),
        group_code=group_code,
        group_status=_status(group_code),
        group_description=group_text,
        transaction_sets_included=_int(ak9.get(2)),
        transaction_sets_received=_int(ak9.get(3)),
        transaction_sets_accepted=_int(ak9.get(4)),
        group_errors=group_errors,
        reasons=tuple(reasons),
    )


def read_999_all(text: str | bytes, *, strict: bool = True) -> list[Ack999]:
    """Every 999 transaction set of the file, in order."""

    def work(reporter: Reporter) -> list[Ack999]:
        acks = []
        for interchange in read_envelopes(text, reporter=reporter):
            for group in interchange.groups:
                if group.functional_id != "FA":
                    raise group.header.error(
                        f"GS01 {group.functional_id!r} is not FA: this is not an "
                        "acknowledgment (999) file"
                    )
                if group.version not in IMPLEMENTATIONS:
                    raise group.header.error(
                        f"GS08 {group.version!r} is not a 999 implementation acknowledgment "
                        f"({' or '.join(IMPLEMENTATIONS)})"
                    )
                for transaction in group.transactions:
                    st = transaction.segments[0]
                    if transaction.set_id != "999":
                        raise st.error(f"ST01 {transaction.set_id!r} is not 999")
                    if transaction.implementation and transaction.implementation != group.version:
                        reporter.report(
                            st,
                            f"ST03 {transaction.implementation!r} does not match GS08 "
                            f"{group.version!r}",
                        )
                    root = Matcher(LAYOUT_999, reporter).parse(transaction.segments)
                    acks.append(
                        _ack(root, interchange.control_number, group.control_number, reporter)
                    )
        return acks

    acks, warnings = run_checked(strict, work)
    if warnings:
        acks = [_with_warnings(ack, warnings) for ack in acks]
    return acks


def _with_warnings(ack: Ack999, warnings: tuple[X12Issue, ...]) -> Ack999:
    return replace(ack, warnings=warnings)


def read_999(text: str | bytes, *, strict: bool = True) -> Ack999:
    """The 999 of a file holding exactly one (the usual case)."""
    acks = read_999_all(text, strict=strict)
    if len(acks) != 1:
        raise X12Error(
            1, "ISA", f"the file holds {len(acks)} 999 transaction sets; use read_999_all()"
        )
    return acks[0]
