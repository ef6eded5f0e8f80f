"""A small loop grammar for X12 transaction sets and the matcher that turns the segments of
one transaction (ST ... SE) into a tree of loops.

A layout is a `Loop` whose body lists `Seg` rules and child `Loop`s, each with the position
number of the implementation guide. Segments with the same position (the DTPs or REFs of a
claim, the 2310x provider loops) may come in any order; a higher position may not come before
a lower one. A segment rule may carry a *qualifier* (element [component] and its codes, such as
NM101 or HL03): the qualifier decides which rule or loop a segment belongs to, so a segment
whose qualifier fits no rule reachable at that point is fatal ("NM101 '117' is not a valid
code here; expected ...").

The matcher is the usual X12 walk: from the current loop, look forward for a rule that takes
the segment; if none, leave the loop (its missing required segments are reported) and look in
the parent; a loop's trigger seen again in the parent starts a new iteration. Element checks
(`El`) run on each placed segment. Findings go through a `Reporter`: fatal always raises,
the others raise in strict mode and are collected as warnings in tolerant mode.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from billing.x12.reader import Reporter, Segment, parse_d8

_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")


def _codes(spec: str | Iterable[str]) -> frozenset[str]:
    return frozenset(spec.split() if isinstance(spec, str) else spec)


@dataclass(frozen=True)
class El:
    """A check on one element (or component) of a segment."""

    position: int
    name: str = ""
    component: int = 0  # 0: the whole element
    required: bool = False
    codes: frozenset[str] | None = None
    kind: str = ""  # "d8", "number", "int", "dtp" (DTP03 in the DTP02 format)
    fatal: bool = False  # a wrong code is fatal even in tolerant mode

    @property
    def label(self) -> str:
        return f"{self.position:02d}" + (f"-{self.component}" if self.component else "")


def el(
    position: int,
    name: str = "",
    *,
    component: int = 0,
    required: bool = False,
    codes: str | Iterable[str] | None = None,
    kind: str = "",
    fatal: bool = False,
) -> El:
    return El(
        position,
        name,
        component,
        required,
        _codes(codes) if codes is not None else None,
        kind,
        fatal,
    )


@dataclass(frozen=True)
class Seg:
    id: str
    name: str
    pos: int
    usage: str = "S"  # R required, S situational
    max_use: int | None = 1  # None: unbounded
    qualifier: tuple[int, int, frozenset[str]] | None = None  # (element, component, codes)
    elements: tuple[El, ...] = ()

    def matches(self, seg: Segment) -> bool:
        if seg.id != self.id:
            return False
        if self.qualifier is None:
            return True
        position, component, codes = self.qualifier
        value = seg.component(position, component) if component else seg.get(position)
        return value in codes

    @property
    def describe(self) -> str:
        if self.qualifier is None:
            return f"{self.id} ({self.name})"
        position, component, codes = self.qualifier
        label = f"{self.id}{position:02d}" + (f"-{component}" if component else "")
        return f"{self.id} with {label} {'/'.join(sorted(codes))} ({self.name})"


def seg(
    seg_id: str,
    name: str,
    pos: int,
    usage: str = "S",
    max_use: int | None = 1,
    *,
    q: tuple[int, str] | tuple[int, int, str] | None = None,
    elements: Sequence[El] = (),
) -> Seg:
    qualifier: tuple[int, int, frozenset[str]] | None = None
    if q is not None and len(q) == 2:
        qualifier = (q[0], 0, _codes(q[1]))
    elif q is not None and len(q) == 3:
        qualifier = (q[0], q[1], _codes(q[2]))
    return Seg(seg_id, name, pos, usage, max_use, qualifier, tuple(elements))


@dataclass(frozen=True)
class Loop:
    id: str
    name: str
    pos: int
    usage: str
    max_repeat: int | None
    body: tuple["Seg | Loop", ...]

    @property
    def trigger(self) -> Seg:
        first = self.body[0]
        assert isinstance(first, Seg)
        return first

    @property
    def describe(self) -> str:
        return f"loop {self.id} ({self.name})"

    def segment_ids(self) -> set[str]:
        ids: set[str] = set()
        for item in self.body:
            ids |= item.segment_ids() if isinstance(item, Loop) else {item.id}
        return ids

    @cached_property
    def table(self) -> "_LoopTable":
        """The matcher's lookup tables for this loop, built on first use (the dataclass is
        frozen but not slotted, so cached_property can store them)."""
        return _LoopTable(self)


class _LoopTable:
    """What the matcher asks of a loop's body for every segment, precomputed per body item
    (`index`): the rule that takes the segment (a loop's trigger), its position, its repeat
    limit, the child loop (None for a segment rule); the required items; and per segment id
    the candidates that may take it, in body order, as (index, position, the rule when it has
    a qualifier to match else None, limit)."""

    __slots__ = ("by_id", "children", "limits", "positions", "required", "rules")

    def __init__(self, rule: Loop) -> None:
        body = rule.body
        self.rules = tuple(_item_rule(item) for item in body)
        self.positions = tuple(item.pos for item in body)
        self.limits = tuple(
            item.max_repeat if isinstance(item, Loop) else item.max_use for item in body
        )
        self.children = tuple(item if isinstance(item, Loop) else None for item in body)
        self.required = tuple(index for index, item in enumerate(body) if item.usage == "R")
        by_id: dict[str, list[tuple[int, int, Seg | None, int | None]]] = {}
        for index, item_rule in enumerate(self.rules):
            qualified = item_rule if item_rule.qualifier is not None else None
            candidate = (index, self.positions[index], qualified, self.limits[index])
            by_id.setdefault(item_rule.id, []).append(candidate)
        self.by_id = {seg_id: tuple(candidates) for seg_id, candidates in by_id.items()}


def loop(
    loop_id: str, name: str, pos: int, usage: str, max_repeat: int | None, *body: "Seg | Loop"
) -> Loop:
    return Loop(loop_id, name, pos, usage, max_repeat, tuple(body))


@dataclass
class Node:
    """One iteration of a loop: its segments and child loops, in file order."""

    rule: Loop
    segments: list[Segment] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def header(self) -> Segment:
        return self.segments[0]

    def all(self, seg_id: str, code: str | None = None, position: int = 1) -> list[Segment]:
        if code is None:
            return [s for s in self.segments if s.id == seg_id]
        return [s for s in self.segments if s.id == seg_id and s.get(position) == code]

    def first(self, seg_id: str, code: str | None = None, position: int = 1) -> Segment | None:
        for s in self.segments:
            if s.id == seg_id and (code is None or s.get(position) == code):
                return s
        return None

    def loops(self, loop_id: str) -> list["Node"]:
        return [child for child in self.children if child.rule.id == loop_id]

    def loop(self, loop_id: str) -> "Node | None":
        for child in self.children:
            if child.rule.id == loop_id:
                return child
        return None


class _Frame:
    __slots__ = ("counts", "cur_pos", "node", "reported", "rule", "table")

    def __init__(self, rule: Loop, node: Node) -> None:
        self.rule = rule
        self.table = rule.table
        self.node = node
        self.counts = [0] * len(rule.body)
        self.counts[0] = 1
        self.cur_pos = rule.body[0].pos
        self.reported: set[int] = set()


def _item_rule(item: "Seg | Loop") -> Seg:
    return item.trigger if isinstance(item, Loop) else item


def _item_name(item: "Seg | Loop") -> str:
    return item.describe if isinstance(item, Loop) else f"segment {item.describe}"


def _named(segment: Segment, check: El) -> str:
    """How a finding names the element: "CLP02 (Claim Status Code)"."""
    label = f"{segment.id}{check.label}"
    return f"{label} ({check.name})" if check.name else label


def check_elements(rule: Seg, segment: Segment, reporter: Reporter) -> None:
    # Runs on every placed segment: the messages are only built for a finding.
    elements = segment.elements
    count = len(elements)
    for check in rule.elements:
        position = check.position
        value = elements[position - 1] if 0 < position <= count else ""
        if value and check.component:  # as segment.component(position, check.component)
            parts = value.split(segment.delimiters.component)
            value = parts[check.component - 1] if 0 < check.component <= len(parts) else ""
        if not value:
            if check.required:
                reporter.report(segment, f"{_named(segment, check)} is required in {rule.name}")
            continue
        codes = check.codes
        if codes is not None and value not in codes:
            reason = (
                f"{_named(segment, check)} {value!r} is not a valid code; expected "
                f"{' / '.join(sorted(codes))}"
            )
            if check.fatal:
                raise segment.error(reason)
            reporter.report(segment, reason)
        kind = check.kind
        if not kind:
            continue
        if kind == "d8":
            if parse_d8(value) is None:
                reporter.report(
                    segment, f"{_named(segment, check)} {value!r} is not a valid CCYYMMDD date"
                )
        elif kind == "number":
            if not _NUMBER.fullmatch(value):
                reporter.report(segment, f"{_named(segment, check)} {value!r} is not a number")
        elif kind == "int":
            if not value.isdigit():
                reporter.report(
                    segment, f"{_named(segment, check)} {value!r} must be a whole number"
                )
        elif kind == "dtp":
            _check_dtp(segment, value, _named(segment, check), reporter)


def _check_dtp(segment: Segment, value: str, named: str, reporter: Reporter) -> None:
    qualifier = segment.get(2)
    if qualifier == "D8":
        if parse_d8(value) is None:
            reporter.report(segment, f"{named} {value!r} is not a valid CCYYMMDD date")
    elif qualifier == "RD8":
        start, _, end = value.partition("-")
        first, last = parse_d8(start), parse_d8(end)
        if first is None or last is None:
            reporter.report(segment, f"{named} {value!r} is not a CCYYMMDD-CCYYMMDD date range")
        elif last < first:
            reporter.report(segment, f"{named} {value!r}: the range ends before it starts")


class Matcher:
    """Places the segments of one transaction set into the loops of `layout`."""

    def __init__(
        self,
        layout: Loop,
        reporter: Reporter,
        on_close: Callable[[Node, Node | None], None] | None = None,
    ) -> None:
        """`on_close(node, parent)`, when given, is called as each loop is complete (in file
        order; the parent is None for the transaction set itself): a reader can build and
        hand on a loop (a claim of a large file) while the rest is still being placed."""
        self.layout = layout
        self.reporter = reporter
        self.known_ids = layout.segment_ids()
        self.on_close = on_close
        self.root: Node | None = None  # set when parse() starts
        self._stack: list[_Frame] = []  # the loops open at the current segment

    def parse(self, segments: Sequence[Segment]) -> Node:
        self.begin(segments[0])
        place, stack = self._place, self._stack
        for segment in segments[1:]:
            place(stack, segment)
        return self.end(segments[-1])

    # parse() in steps, for a reader that places segments as they are read:
    # begin(first), feed(segment) for each of the others, end(last).

    def begin(self, first: Segment) -> None:
        if not self.layout.trigger.matches(first):
            raise first.error(f"expected {self.layout.trigger.describe}")
        self.root = Node(self.layout, [first])
        check_elements(self.layout.trigger, first, self.reporter)
        self._stack = [_Frame(self.layout, self.root)]

    def feed(self, segment: Segment) -> None:
        self._place(self._stack, segment)

    def end(self, last: Segment) -> Node:
        """Close the loops still open (`last` is the segment findings about them point at)."""
        stack = self._stack
        while stack:
            self._close(stack, last)
        assert self.root is not None
        return self.root

    def _find(self, frame: _Frame, segment: Segment) -> int | None:
        """The first item of the frame's loop, at or after its current position, that takes
        the segment and is not used up."""
        for index, pos, qualified, limit in frame.table.by_id.get(segment.id, ()):
            if pos < frame.cur_pos or (qualified is not None and not qualified.matches(segment)):
                continue
            if limit is None or frame.counts[index] < limit:
                return index
        return None

    def _used_up(self, stack: list[_Frame], segment: Segment) -> tuple[int, int] | None:
        """When no level takes the segment: the innermost level, and its first item (other
        than the loop's own trigger), that would take it but already occurs as often as
        allowed."""
        for level in range(len(stack) - 1, -1, -1):
            frame = stack[level]
            for index, pos, qualified, limit in frame.table.by_id.get(segment.id, ()):
                if (
                    index != 0
                    and pos >= frame.cur_pos
                    and (qualified is None or qualified.matches(segment))
                    and limit is not None
                    and frame.counts[index] >= limit
                ):
                    return level, index
        return None

    def _place(self, stack: list[_Frame], segment: Segment) -> None:
        # From the innermost loop outwards, the first that takes the segment.
        innermost = level = len(stack) - 1
        frame = stack[level]
        target = self._find(frame, segment)
        while target is None and level > 0:
            level -= 1
            frame = stack[level]
            target = self._find(frame, segment)
        if target is None:
            overflow = self._used_up(stack, segment)
            if overflow is None:
                raise self._unexpected(stack, segment)
            level, target = overflow
            frame = stack[level]
            item = frame.rule.body[target]
            limit = item.max_repeat if isinstance(item, Loop) else item.max_use
            self.reporter.report(
                segment,
                f"{_item_name(item)} occurs more than {limit} time(s) in {frame.rule.describe}",
            )
        if level < innermost:
            while len(stack) - 1 > level:
                self._close(stack, segment)
            frame = stack[level]
        table = frame.table
        item_pos = table.positions[target]
        if item_pos > frame.cur_pos:
            for index in table.required:
                if (
                    frame.cur_pos <= table.positions[index] < item_pos
                    and frame.counts[index] == 0
                    and index not in frame.reported
                ):
                    frame.reported.add(index)
                    self.reporter.report(
                        segment,
                        f"required {_item_name(frame.rule.body[index])} is missing before this "
                        f"{segment.id} in {frame.rule.describe} (missing or out of order)",
                    )
        frame.counts[target] += 1
        frame.cur_pos = item_pos
        child_loop = table.children[target]
        if child_loop is None:
            frame.node.segments.append(segment)
        else:
            child = Node(child_loop, [segment])
            frame.node.children.append(child)
            stack.append(_Frame(child_loop, child))
        rule = table.rules[target]
        if rule.elements:
            check_elements(rule, segment, self.reporter)

    def _close(self, stack: list[_Frame], segment: Segment) -> None:
        """Pop the innermost loop: report what it lacks, then hand it to on_close."""
        frame = stack.pop()
        for index in frame.table.required:
            if frame.counts[index] == 0 and index not in frame.reported:
                frame.reported.add(index)
                self.reporter.report(
                    segment,
                    f"required {_item_name(frame.rule.body[index])} is missing from "
                    f"{frame.rule.describe} started at segment {frame.node.header.number}",
                )
        if self.on_close is not None:
            self.on_close(frame.node, stack[-1].node if stack else None)

    def _unexpected(self, stack: list[_Frame], segment: Segment) -> Exception:
        # 1. The segment belongs to this point of the hierarchy but comes too late.
        for frame in reversed(stack):
            for item in frame.rule.body:
                if item.pos < frame.cur_pos and _item_rule(item).matches(segment):
                    current = [_item_name(i) for i in frame.rule.body if i.pos == frame.cur_pos]
                    return segment.error(
                        f"{segment.id} is out of order: in {frame.rule.describe} "
                        f"{_item_name(item)} must come before {current[0]}"
                    )
        # 2. Right segment id, but its qualifier (NM101, HL03, ...) fits nothing here.
        candidates: list[tuple[Seg | Loop, Seg]] = []
        for frame in reversed(stack):
            for item in frame.rule.body:
                rule = _item_rule(item)
                if item.pos >= frame.cur_pos and rule.id == segment.id and rule.qualifier:
                    candidates.append((item, rule))
        if candidates:
            position, component, _ = candidates[0][1].qualifier  # type: ignore[misc]
            label = f"{segment.id}{position:02d}" + (f"-{component}" if component else "")
            value = segment.component(position, component) if component else segment.get(position)
            expected = []
            for item, rule in candidates:
                assert rule.qualifier is not None
                codes = "/".join(sorted(rule.qualifier[2]))
                where = f"{item.id} {item.name}" if isinstance(item, Loop) else rule.name
                if f"{codes} ({where})" not in expected:
                    expected.append(f"{codes} ({where})")
            return segment.error(
                f"{label} {value!r} is not a valid code here; expected {label} = "
                + "; ".join(expected)
            )
        inner = stack[-1]
        if segment.id in self.known_ids:
            return segment.error(
                f"{segment.id} is not allowed here: {inner.rule.describe} does not take it "
                "at this point (segment out of order or in the wrong loop)"
            )
        return segment.error(f"unknown segment {segment.id} for {self.layout.name}")


def _has_hl(node: Node) -> bool:
    return any(child.header.id == "HL" or _has_hl(child) for child in node.children)


def check_hierarchy(root: Node, reporter: Reporter) -> None:
    """HL01 counts 1, 2, 3 ... through the transaction; HL02 is the HL01 of the enclosing
    level (empty at the top); HL04, when sent, is 1 exactly when child levels follow."""
    expected = 1
    seen: set[str] = set()

    def visit(node: Node, parent: Segment | None) -> None:
        nonlocal expected
        for child in node.children:
            hl = child.header
            if hl.id != "HL":
                visit(child, parent)
                continue
            if hl.get(1) != str(expected):
                reporter.report(
                    hl, f"HL01 {hl.get(1)!r} should be {expected} (HL ids count up from 1)"
                )
            if hl.get(1) in seen:
                reporter.report(hl, f"HL01 {hl.get(1)!r} is used twice")
            seen.add(hl.get(1))
            expected += 1
            wanted = parent.get(1) if parent is not None else ""
            if hl.get(2) != wanted:
                if parent is None:
                    reason = f"HL02 must be empty at the top level (found {hl.get(2)!r})"
                else:
                    reason = (
                        f"HL02 parent {hl.get(2)!r} should be {wanted!r}, the HL01 of the "
                        f"enclosing level (HL03 {parent.get(3)}) at segment {parent.number}"
                    )
                reporter.report(hl, reason)
            has_children = _has_hl(child)
            flag = "1" if has_children else "0"
            if hl.get(4) and hl.get(4) != flag:
                reporter.report(
                    hl,
                    f"HL04 {hl.get(4)!r} should be {flag}: this level "
                    f"{'has' if has_children else 'has no'} child HL levels",
                )
            visit(child, hl)

    visit(root, None)
