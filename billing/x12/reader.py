"""X12 tokenizer and envelope reader (ISA/GS/ST ... SE/GE/IEA), version 00501.

`tokenize(text)` yields `Segment`s with their 1-based position in the file (counting every
segment of every interchange) and their line. The delimiters come from each ISA: the element
separator is the character after "ISA", the repetition separator is ISA11, the component
separator is ISA16 and the segment terminator is the character after ISA16. CR/LF after a
terminator is ignored; a line break inside a segment is an error (unless the terminator itself
is a line break). Several interchanges may follow each other in one file.

`read_envelopes(text, strict=True)` checks the envelope: nesting, trailer counts (SE01, GE01,
IEA01) and control numbers (SE02 = ST02, GE02 = GS06, IEA02 = ISA13), fixed-width ISA fields
and header dates. With `strict=False` count/control-number/date deviations become warnings
(`X12Issue`) and reading continues; nesting errors and unreadable data always raise `X12Error`.
"""

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from billing.x12.collector import cyclic_gc_paused
from billing.x12.errors import X12Error, X12Issue
from billing.x12.records import record
from billing.x12.segments import Delimiters

__all__ = [
    "Delimiters",
    "Group",
    "Interchange",
    "Reporter",
    "Segment",
    "Transaction",
    "X12Error",
    "X12Issue",
    "isa_date",
    "parse_d8",
    "read_envelopes",
    "run_checked",
    "tokenize",
]

T = TypeVar("T")

ISA_LENGTH = 106  # including the segment terminator
# Widths of ISA01..ISA16.
_ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_LEADING_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}(?![A-Za-z0-9])")
_LINE_BREAKS = "\r\n"
_D8 = re.compile(r"\d{8}")
_ENVELOPE_IDS = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA", "TA1"})


@record
class Segment:
    id: str
    elements: tuple[str, ...]  # elements[0] is ID01 (the id itself is not included)
    number: int  # 1-based position in the file
    line: int  # 1-based line where the segment starts
    delimiters: Delimiters

    def get(self, position: int) -> str:
        """Element `position` (1-based, as in "CLM02"), "" when absent."""
        return self.elements[position - 1] if 0 < position <= len(self.elements) else ""

    def components(self, position: int) -> tuple[str, ...]:
        value = self.get(position)
        return tuple(value.split(self.delimiters.component)) if value else ()

    def component(self, position: int, index: int) -> str:
        """Component `index` (1-based) of element `position`; the whole element is component 1
        when it is not a composite."""
        parts = self.components(position)
        return parts[index - 1] if 0 < index <= len(parts) else ""

    def repetitions(self, position: int) -> tuple[str, ...]:
        value = self.get(position)
        if not value:
            return ()
        separator = self.delimiters.repetition
        return tuple(value.split(separator)) if separator else (value,)

    def error(self, reason: str) -> X12Error:
        return X12Error(self.number, self.id, reason, line=self.line)

    def issue(self, reason: str) -> X12Issue:
        return X12Issue(self.number, self.id, reason, line=self.line)

    def __str__(self) -> str:
        return self.delimiters.element.join((self.id, *self.elements))


class Reporter:
    """Strict: a deviation raises X12Error. Tolerant: it is recorded as an X12Issue."""

    def __init__(self, *, strict: bool) -> None:
        self.strict = strict
        self.issues: list[X12Issue] = []

    def report(self, segment: Segment, reason: str) -> None:
        if self.strict:
            raise segment.error(reason)
        self.issues.append(segment.issue(reason))


def run_checked(strict: bool, work: Callable[[Reporter], T]) -> tuple[T, tuple[X12Issue, ...]]:
    """Run a reader and report problems in file order.

    The reader runs with a collecting reporter; an X12Error it raises is fatal. In strict mode
    the earliest problem (by segment number) among the collected ones and the fatal one is
    raised, so a file is rejected for its first defect even when the envelope trailers, which
    are checked first, are also wrong. In tolerant mode only a fatal error raises and the rest
    is returned as warnings."""
    reporter = Reporter(strict=False)
    fatal: X12Error | None = None
    result: T | None = None
    try:
        with cyclic_gc_paused():
            result = work(reporter)
    except X12Error as exc:
        fatal = exc
    problems: list[X12Error] = []
    if strict:
        problems = [
            X12Error(i.segment_number, i.segment_id, i.reason, line=i.line) for i in reporter.issues
        ]
    if fatal is not None:
        problems.append(fatal)
    if problems:
        raise min(problems, key=lambda error: error.segment_number)
    assert result is not None
    return result, tuple(sorted(reporter.issues, key=lambda issue: issue.segment_number))


# ---------------------------------------------------------------------------- tokenizer


def _as_text(data: str | bytes) -> str:
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise X12Error(
                1, "", f"the file is not text (byte {exc.start} is not valid UTF-8/ASCII)"
            ) from exc
    if not isinstance(data, str):
        raise TypeError(f"expected str or bytes, got {type(data).__name__}")
    return data


def _printable(value: str, limit: int = 12) -> str:
    return repr(value[:limit])


@functools.cache
def _suspicious(delimiter_chars: frozenset[str]) -> re.Pattern[str]:
    """Characters that need the careful check below: control characters (unless they serve as
    delimiters) and line breaks. Most segments have none, so one regex search clears them."""
    suspects = [chr(c) for c in (*range(32), 127) if chr(c) not in delimiter_chars]
    return re.compile("[" + re.escape("".join(suspects)) + "]")


def _check_characters(
    raw: str, number: int, seg_id: str, line: int, delimiters: Delimiters
) -> None:
    chars = delimiters.chars
    if not _suspicious(chars).search(raw):
        return
    terminator = delimiters.segment
    for ch in raw:
        if ch in chars:
            continue  # control characters may serve as delimiters
        if ch in _LINE_BREAKS and ch != terminator:
            raise X12Error(
                number,
                seg_id,
                "line break inside a segment (line breaks are only allowed after the segment "
                f"terminator {terminator!r})",
                line=line,
            )
        if (ord(ch) < 32 and ch not in _LINE_BREAKS) or ord(ch) == 127:
            raise X12Error(
                number,
                seg_id,
                f"control character U+{ord(ch):04X} in the data (binary data, not X12 text)",
                line=line,
            )


def _read_isa(text: str, start: int, number: int, line: int) -> tuple[Delimiters, int]:
    """Delimiters of the interchange whose ISA starts at `start`, and the index of the ISA's
    terminator; validates the fixed layout."""
    if len(text) - start < 4:
        raise X12Error(number, "ISA", "the ISA segment is truncated", line=line)
    element = text[start + 3]
    if element.isalnum() or element in " \t\r\n":
        raise X12Error(
            number,
            "ISA",
            f"unknown element separator {element!r}: the 4th character of ISA must be a "
            "delimiter, not a letter, digit or space",
            line=line,
        )
    fields: list[str] = []
    cursor = start + 4
    for index, width in enumerate(_ISA_WIDTHS, start=1):
        if index < len(_ISA_WIDTHS):
            end = text.find(element, cursor)
            if end == -1 or end - cursor > 64:
                raise X12Error(
                    number,
                    "ISA",
                    f"the ISA segment is truncated: ISA{index:02d} is not followed by the element "
                    f"separator {element!r} (an ISA has 16 elements and is {ISA_LENGTH} "
                    "characters long)",
                    line=line,
                )
        else:
            end = cursor + 1
        value = text[cursor:end]
        if len(value) != width:
            raise X12Error(
                number,
                "ISA",
                f"ISA{index:02d} must be exactly {width} characters (found {len(value)}: "
                f"{value!r}); the ISA segment has fixed-width fields and is {ISA_LENGTH} "
                "characters long",
                line=line,
            )
        fields.append(value)
        cursor = end + 1
    if cursor - 1 >= len(text):
        raise X12Error(
            number,
            "ISA",
            "the ISA segment is truncated: no segment terminator after ISA16",
            line=line,
        )
    component = fields[15]
    repetition = fields[10]
    terminator = text[cursor - 1]
    if fields[11] != "00501":
        raise X12Error(
            number,
            "ISA",
            f"interchange control version ISA12 {fields[11]!r} is not supported (expected 00501)",
            line=line,
        )
    if repetition.isalnum() or repetition == " ":
        # "U" is the version 4010 value of ISA11; some 5010 senders still write it. There is
        # then no repetition separator; read_envelopes() reports it.
        repetition = ""
    named = {
        "element separator (ISA 4th character)": element,
        "component separator (ISA16)": component,
        "segment terminator (after ISA16)": terminator,
    }
    if repetition:
        named["repetition separator (ISA11)"] = repetition
    for label, value in named.items():
        if value.isalnum() or value == " " or (value in _LINE_BREAKS and "segment" not in label):
            raise X12Error(
                number,
                "ISA",
                f"unknown delimiter: {label} is {value!r}, which is not a valid delimiter",
                line=line,
            )
    labels = list(named)
    for index, label in enumerate(labels):
        for other in labels[index + 1 :]:
            if named[label] == named[other]:
                raise X12Error(
                    number,
                    "ISA",
                    f"the {other} is {named[other]!r}, the same character as the {label}; "
                    "the delimiters must all differ",
                    line=line,
                )
    delimiters = Delimiters(
        element=element, component=component, repetition=repetition, segment=terminator
    )
    return delimiters, cursor - 1


def tokenize(data: str | bytes) -> Iterator[Segment]:
    """Segments of every interchange in the file, in order."""
    text = _as_text(data)
    size = len(text)
    pos = 0
    line = 1
    number = 0
    if text.startswith("\ufeff"):
        pos = 1
    delimiters: Delimiters | None = None  # None: between interchanges, an ISA must come next
    # Per-interchange state, set from the ISA (hot loop: kept in locals).
    skip = " \t" + _LINE_BREAKS  # what is skipped before a segment
    terminator = element = ""
    newline_terminated = False  # the terminator is "\n"
    line_terminated = False  # the terminator is "\r" or "\n"
    suspicious = None  # search() of _suspicious() for this interchange's delimiters
    valid_ids: set[str] = set()  # segment ids already checked against _SEGMENT_ID
    while True:
        # Skip line breaks after a terminator (and any whitespace between interchanges).
        while pos < size and text[pos] in skip:
            if text[pos] == "\n":
                line += 1
            pos += 1
        if pos >= size:
            if number == 0:
                raise X12Error(1, "", "the file is empty: expected an ISA segment")
            return
        number += 1
        if delimiters is None:
            if not text.startswith("ISA", pos):
                found = _LEADING_ID.match(text, pos)
                expected = "an ISA segment" if number == 1 else "an ISA segment or end of file"
                raise X12Error(
                    number,
                    found.group() if found else "",
                    f"expected {expected}, found {_printable(text[pos:])}"
                    + (" (binary data?)" if any(ord(c) < 32 for c in text[pos : pos + 12]) else ""),
                    line=line,
                )
            delimiters, end = _read_isa(text, pos, number, line)
            terminator = delimiters.segment
            element = delimiters.element
            skip = "".join(ch for ch in _LINE_BREAKS if ch != terminator)
            newline_terminated = terminator == "\n"
            line_terminated = terminator in _LINE_BREAKS
            suspicious = _suspicious(delimiters.chars).search
        else:
            end = text.find(terminator, pos)
        if end == -1:
            raw = text[pos:].rstrip()
            seg_id = raw.split(element, 1)[0][:3]
            raise X12Error(
                number,
                seg_id if _SEGMENT_ID.fullmatch(seg_id) else "",
                f"the file ends inside a segment that is not terminated by "
                f"{terminator!r} (truncated file or unterminated envelope)",
                line=line,
            )
        raw = text[pos:end]
        pos = end + 1
        if newline_terminated and raw.endswith("\r"):
            raw = raw[:-1]
        if line_terminated and not raw.strip():
            # A blank line when the terminator is itself a line break.
            number -= 1
            line += 1 if newline_terminated else 0
            continue
        parts = raw.split(element)
        seg_id = parts[0]
        if seg_id not in valid_ids:
            if not _SEGMENT_ID.fullmatch(seg_id):
                _check_characters(raw, number, "", line, delimiters)
                raise X12Error(
                    number,
                    "",
                    f"invalid segment identifier {_printable(seg_id)} (expected 2-3 uppercase "
                    "letters/digits such as CLM)",
                    line=line,
                )
            valid_ids.add(seg_id)
        if suspicious(raw):  # type: ignore[misc]
            _check_characters(raw, number, seg_id, line, delimiters)
        yield Segment(seg_id, tuple(parts[1:]), number, line, delimiters)
        if newline_terminated:
            # The next segment starts on the next line; an ISA (read by width) may even hold a
            # line break. With another terminator, _check_characters() rejected any line
            # break inside the segment, so the line does not change.
            line += 1 + raw.count("\n")
        if seg_id == "IEA":
            delimiters = None
            skip = " \t" + _LINE_BREAKS
            terminator = element = ""


# ---------------------------------------------------------------------------- envelopes


@dataclass(frozen=True)
class Transaction:
    set_id: str  # ST01, e.g. "837"
    control_number: str  # ST02
    implementation: str  # ST03 (the implementation guide, e.g. 005010X222A1)
    segments: tuple[Segment, ...]  # ST ... SE inclusive


@dataclass(frozen=True)
class Group:
    functional_id: str  # GS01: HC claims, FA acknowledgements, HN 277
    sender: str  # GS02
    receiver: str  # GS03
    date: date | None  # GS04
    time: str  # GS05
    control_number: str  # GS06
    version: str  # GS08
    header: Segment
    transactions: tuple[Transaction, ...]


@dataclass(frozen=True)
class Interchange:
    sender_qualifier: str
    sender_id: str  # ISA06, trimmed
    receiver_qualifier: str
    receiver_id: str  # ISA08, trimmed
    date: date | None  # ISA09
    time: str  # ISA10
    control_number: str  # ISA13
    acknowledgment_requested: bool  # ISA14
    usage_indicator: str  # ISA15: P production, T test
    delimiters: Delimiters
    header: Segment
    groups: tuple[Group, ...]


@dataclass
class _Open:
    """An envelope level being read: its header and what it holds so far (groups of an
    interchange, transactions of a group, segments of a transaction)."""

    header: Segment
    children: list[Any] = field(default_factory=list)


@functools.lru_cache(maxsize=4096)
def parse_d8(value: str) -> date | None:
    """CCYYMMDD to a date; None when it is not a valid date."""
    if not _D8.fullmatch(value or ""):
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _valid_time(value: str) -> bool:
    # HHMM, HHMMSS, HHMMSSD or HHMMSSDD
    return bool(re.fullmatch(r"([01]\d|2[0-3])[0-5]\d([0-5]\d\d{0,2})?", value or ""))


def isa_date(seg: Segment) -> date | None:
    """ISA09 (YYMMDD) as a date; None when it is not a valid date."""
    return parse_d8("20" + seg.get(9)) if re.fullmatch(r"\d{6}", seg.get(9)) else None


def _check_isa(seg: Segment, reporter: Reporter) -> date | None:
    if not seg.delimiters.repetition:
        reporter.report(
            seg,
            f"ISA11 {seg.get(11)!r} is not a repetition separator: version 00501 needs a "
            "delimiter character there (such as ^); 'U' was the version 4010 value",
        )
    if seg.get(1) not in ("00", "03"):
        reporter.report(seg, f"ISA01 {seg.get(1)!r} must be 00 or 03")
    if seg.get(3) not in ("00", "01"):
        reporter.report(seg, f"ISA03 {seg.get(3)!r} must be 00 or 01")
    if not re.fullmatch(r"\d{9}", seg.get(13)):
        reporter.report(seg, f"ISA13 control number {seg.get(13)!r} must be 9 digits")
    if seg.get(14) not in ("0", "1"):
        reporter.report(seg, f"ISA14 {seg.get(14)!r} must be 0 or 1")
    if seg.get(15) not in ("P", "T"):
        reporter.report(seg, f"ISA15 usage indicator {seg.get(15)!r} must be P or T")
    interchange_date = isa_date(seg)
    if interchange_date is None:
        reporter.report(seg, f"ISA09 {seg.get(9)!r} is not a valid YYMMDD date")
    if not re.fullmatch(r"([01]\d|2[0-3])[0-5]\d", seg.get(10)):
        reporter.report(seg, f"ISA10 {seg.get(10)!r} is not a valid HHMM time")
    return interchange_date


def _check_gs(seg: Segment, reporter: Reporter) -> date | None:
    gs_date = parse_d8(seg.get(4))
    if gs_date is None:
        reporter.report(seg, f"GS04 {seg.get(4)!r} is not a valid CCYYMMDD date")
    if not _valid_time(seg.get(5)):
        reporter.report(seg, f"GS05 {seg.get(5)!r} is not a valid HHMM[SS[dd]] time")
    if not re.fullmatch(r"\d{1,9}", seg.get(6)):
        reporter.report(seg, f"GS06 group control number {seg.get(6)!r} must be 1-9 digits")
    if seg.get(7) != "X":
        reporter.report(seg, f"GS07 {seg.get(7)!r} must be X (ASC X12)")
    for position in (1, 2, 3, 8):
        if not seg.get(position):
            raise seg.error(f"GS{position:02d} is required")
    return gs_date


def _same_number(a: str, b: str) -> bool:
    """Control numbers compare as numbers when both are numeric ("0001" == "1")."""
    if a.isdigit() and b.isdigit():
        return int(a) == int(b)
    return a == b


def read_envelopes(
    data: str | bytes,
    *,
    reporter: Reporter,
    open_transaction: Callable[[Segment, Segment, Segment], Callable[[Segment], None]]
    | None = None,
) -> list[Interchange]:
    """Interchanges -> groups -> transactions of the file, with the envelope checked.

    `open_transaction(isa, gs, st)`, when given, is called at each ST (after its checks) and
    returns a function that receives the transaction's segments as they are read: the ST,
    the body, and last the SE (after the SE's own checks). A reader can so work on a large
    transaction while the rest of the file is still being read."""
    interchanges: list[Interchange] = []
    feed: Callable[[Segment], None] | None = None  # the open transaction's, if streamed
    isa: _Open | None = None
    gs: _Open | None = None
    st: _Open | None = None
    interchange_date: date | None = None
    gs_date: date | None = None
    last: Segment | None = None
    for seg in tokenize(data):
        last = seg
        if st is not None and seg.id not in _ENVELOPE_IDS:
            st.children.append(seg)  # the body of a transaction set: the usual case
            if feed is not None:
                feed(seg)
            continue
        if seg.id == "ISA":
            if isa is not None:
                raise seg.error(
                    f"a new ISA starts before the IEA of the interchange started at segment "
                    f"{isa.header.number} (IEA missing)"
                )
            interchange_date = _check_isa(seg, reporter)
            isa = _Open(seg)
        elif seg.id == "GS":
            if isa is None:
                raise seg.error("GS outside an interchange (ISA missing)")
            if gs is not None:
                raise seg.error(
                    f"a new GS starts before the GE of the group started at segment "
                    f"{gs.header.number} (GE missing)"
                )
            gs_date = _check_gs(seg, reporter)
            numbers = {g.control_number for g in isa.children}
            if seg.get(6) in numbers:
                reporter.report(seg, f"GS06 {seg.get(6)} is used twice in this interchange")
            gs = _Open(seg)
        elif seg.id == "ST":
            if gs is None:
                raise seg.error("ST outside a functional group (GS missing)")
            if st is not None:
                raise seg.error(
                    f"a new ST starts before the SE of the transaction started at segment "
                    f"{st.header.number} (SE missing)"
                )
            if not re.fullmatch(r"[0-9A-Za-z]{4,9}", seg.get(2)):
                reporter.report(seg, f"ST02 control number {seg.get(2)!r} must be 4-9 characters")
            if seg.get(2) in {t.control_number for t in gs.children}:
                reporter.report(seg, f"ST02 {seg.get(2)} is used twice in this functional group")
            st = _Open(seg, [seg])
            if open_transaction is not None:
                assert isa is not None
                feed = open_transaction(isa.header, gs.header, seg)
                feed(seg)
        elif seg.id == "SE":
            if st is None:
                raise seg.error("SE without a matching ST")
            st.children.append(seg)
            counted = len(st.children)
            if not seg.get(1).isdigit() or int(seg.get(1)) != counted:
                reporter.report(
                    seg,
                    f"SE01 says {seg.get(1) or 'nothing'} segments but the transaction set "
                    f"(ST at segment {st.header.number} to SE) has {counted}",
                )
            if seg.get(2) != st.header.get(2):
                reporter.report(
                    seg,
                    f"SE02 control number {seg.get(2)!r} does not match ST02 {st.header.get(2)!r}",
                )
            assert gs is not None
            gs.children.append(
                Transaction(
                    set_id=st.header.get(1),
                    control_number=st.header.get(2),
                    implementation=st.header.get(3),
                    segments=tuple(st.children),
                )
            )
            st = None
            if feed is not None:
                feed, last_feed = None, feed
                last_feed(seg)
        elif seg.id == "GE":
            if gs is None:
                raise seg.error("GE without a matching GS")
            if st is not None:
                raise seg.error(
                    f"GE before the SE of the transaction started at segment {st.header.number} "
                    "(SE missing)"
                )
            if not gs.children:
                reporter.report(seg, "the functional group holds no transaction set")
            if not seg.get(1).isdigit() or int(seg.get(1)) != len(gs.children):
                reporter.report(
                    seg,
                    f"GE01 says {seg.get(1) or 'nothing'} transaction sets but the group has "
                    f"{len(gs.children)}",
                )
            if not _same_number(seg.get(2), gs.header.get(6)):
                reporter.report(
                    seg,
                    f"GE02 control number {seg.get(2)!r} does not match GS06 {gs.header.get(6)!r}",
                )
            assert isa is not None
            header = gs.header
            isa.children.append(
                Group(
                    functional_id=header.get(1),
                    sender=header.get(2),
                    receiver=header.get(3),
                    date=gs_date,
                    time=header.get(5),
                    control_number=header.get(6),
                    version=header.get(8),
                    header=header,
                    transactions=tuple(gs.children),
                )
            )
            gs = None
        elif seg.id == "IEA":
            if isa is None:
                raise seg.error("IEA without a matching ISA")
            if st is not None or gs is not None:
                open_seg = st.header if st is not None else gs.header  # type: ignore[union-attr]
                missing = "SE" if st is not None else "GE"
                raise seg.error(
                    f"IEA before the {missing} of the {open_seg.id} at segment "
                    f"{open_seg.number} ({missing} missing)"
                )
            if not isa.children:
                reporter.report(seg, "the interchange holds no functional group")
            if not seg.get(1).isdigit() or int(seg.get(1)) != len(isa.children):
                reporter.report(
                    seg,
                    f"IEA01 says {seg.get(1) or 'nothing'} functional groups but the interchange "
                    f"has {len(isa.children)}",
                )
            if seg.get(2) != isa.header.get(13):
                reporter.report(
                    seg,
                    f"IEA02 control number {seg.get(2)!r} does not match ISA13 "
                    f"{isa.header.get(13)!r}",
                )
            header = isa.header
            interchanges.append(
                Interchange(
                    sender_qualifier=header.get(5),
                    sender_id=header.get(6).strip(),
                    receiver_qualifier=header.get(7),
                    receiver_id=header.get(8).strip(),
                    date=interchange_date,
                    time=header.get(10),
                    control_number=header.get(13),
                    acknowledgment_requested=header.get(14) == "1",
                    usage_indicator=header.get(15),
                    delimiters=header.delimiters,
                    header=header,
                    groups=tuple(isa.children),
                )
            )
            isa = None
        elif seg.id == "TA1":
            if isa is None or gs is not None:
                raise seg.error("TA1 is only allowed inside an interchange, outside groups")
        else:
            if st is None:
                where = "a transaction set (ST/SE)" if gs is not None else "a functional group"
                raise seg.error(f"{seg.id} segment outside {where}")
            st.children.append(seg)
            if feed is not None:
                feed(seg)
    if last is not None and (isa is not None or gs is not None or st is not None):
        missing = "SE" if st is not None else "GE" if gs is not None else "IEA"
        opened = (st or gs or isa).header  # type: ignore[union-attr]
        raise last.error(
            f"unterminated envelope: the file ends without the {missing} closing the "
            f"{opened.id} at segment {opened.number}"
        )
    return interchanges
