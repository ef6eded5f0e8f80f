"""X12 building blocks for writers: delimiters, value cleaning, segment assembly and the
date/time/amount formats of version 005010.

Values go through one of two doors before they reach a segment:
- `text()` for free text (names, addresses): accents folded to ASCII, uppercased, delimiter
  and control characters replaced by a space, runs of spaces collapsed, cut to a maximum length.
- `ident()` for identifiers and codes (NPI, member id, procedure code): uppercased, and
  *rejected* (X12WriteError) when they hold a delimiter or a character outside the X12
  character set, because silently changing an identifier would send a wrong claim.
`SegmentWriter.add()` uppercases and refuses any delimiter that slipped through, drops trailing
empty components of a composite and trailing empty elements of a segment, and counts segments.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from functools import cached_property

from billing.x12.errors import X12WriteError

ELEMENT_SEPARATOR = "*"
COMPONENT_SEPARATOR = ":"
REPETITION_SEPARATOR = "^"
SEGMENT_TERMINATOR = "~"


@dataclass(frozen=True)
class Delimiters:
    element: str = ELEMENT_SEPARATOR
    component: str = COMPONENT_SEPARATOR
    repetition: str = REPETITION_SEPARATOR
    segment: str = SEGMENT_TERMINATOR

    @cached_property
    def chars(self) -> frozenset[str]:
        # Computed once per instance (the tokenizer asks for it on every segment); the
        # dataclass is frozen but not slotted, so cached_property can store the value.
        return frozenset(
            ch for ch in (self.element, self.component, self.repetition, self.segment) if ch
        )


DEFAULT_DELIMITERS = Delimiters()

# X12 basic + extended character sets (the extended set includes lowercase, which we never
# write because everything is uppercased).
_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"&'()*+,-./:;?=%@[]_{}\\|<>~^#$")

# A composite is written from a tuple/list of components.
Element = str | Sequence[str]


def _fold(value: str) -> str:
    """Accents to ASCII ("JOSÉ" -> "JOSE"), uppercase."""
    normalized = unicodedata.normalize("NFKD", value)
    return normalized.encode("ascii", "ignore").decode("ascii").upper()


def text(
    value: str | None, *, max_len: int | None = None, delimiters: Delimiters | None = None
) -> str:
    """Free text for X12: uppercase ASCII without delimiters or control characters."""
    if not value:
        return ""
    banned = (delimiters or DEFAULT_DELIMITERS).chars
    folded = _fold(value)
    cleaned = "".join(ch if ch in _ALLOWED and ch not in banned else " " for ch in folded)
    cleaned = re.sub(r" {2,}", " ", cleaned).strip()
    if max_len is not None:
        cleaned = cleaned[:max_len].rstrip()
    return cleaned


def ident(
    value: str | None,
    *,
    field: str,
    max_len: int | None = None,
    min_len: int = 1,
    pattern: str | None = None,
    delimiters: Delimiters | None = None,
) -> str:
    """An identifier or code, uppercased. Raises X12WriteError instead of altering it."""
    cleaned = (value or "").strip().upper()
    if not cleaned:
        raise X12WriteError(field, "is required")
    banned = (delimiters or DEFAULT_DELIMITERS).chars
    bad = sorted({ch for ch in cleaned if ch in banned or ch not in _ALLOWED})
    if bad:
        raise X12WriteError(
            field, f"contains characters not allowed in an X12 identifier: {''.join(bad)!r}"
        )
    if len(cleaned) < min_len or (max_len is not None and len(cleaned) > max_len):
        limit = f"{min_len}-{max_len}" if max_len is not None else f"at least {min_len}"
        raise X12WriteError(field, f"must be {limit} characters long (got {len(cleaned)})")
    if pattern is not None and not re.fullmatch(pattern, cleaned):
        raise X12WriteError(field, f"{cleaned!r} is not in the expected format")
    return cleaned


# ---------------------------------------------------------------------------- formatting


def d8(value: date) -> str:
    """CCYYMMDD (X12 DT, 8 digits)."""
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def yymmdd(value: date) -> str:
    """YYMMDD (ISA09)."""
    return d8(value)[2:]


def hhmm(value: str | time) -> str:
    """HHMM from a time or a "HHMM"/"HH:MM" string (validated)."""
    raw = value.strftime("%H%M") if isinstance(value, time) else str(value).replace(":", "")
    if not re.fullmatch(r"([01]\d|2[0-3])[0-5]\d", raw):
        raise X12WriteError("time", f"{value!r} is not a valid HHMM time")
    return raw


def _decimal(value: Decimal | int, field: str) -> Decimal:
    # bool is an int subclass; float is never acceptable for money.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise X12WriteError(field, f"must be a Decimal (got {type(value).__name__})")
    number = Decimal(value)
    if not number.is_finite():
        raise X12WriteError(field, f"{value} is not a finite number")
    return number


def _places(number: Decimal) -> int:
    """Significant decimal places: Decimal("1.230") -> 2, Decimal("100") -> 0."""
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _plain(number: Decimal) -> str:
    """Fixed-point text without exponent and without needless trailing zeros."""
    rendered = format(number, "f")
    if "." in rendered:
        rendered = rendered.rstrip("0").rstrip(".")
    if rendered in ("-0", ""):
        rendered = "0"
    return rendered


def amount(value: Decimal | int, *, field: str = "amount") -> str:
    """A money amount (X12 R): Decimal with at most 2 decimal places, printed minimally:
    Decimal("100.00") -> "100", Decimal("100.50") -> "100.5", Decimal("12.34") -> "12.34"."""
    number = _decimal(value, field)
    if _places(number) > 2:
        raise X12WriteError(field, f"{value} has more than 2 decimal places")
    rendered = _plain(number)
    if len(rendered.replace("-", "").replace(".", "")) > 18:
        raise X12WriteError(field, f"{value} is too large for X12 (18 digits)")
    return rendered


def quantity(value: Decimal | int, *, field: str = "quantity", max_places: int = 3) -> str:
    """A quantity (X12 R), e.g. service units: "1", "1.5"."""
    number = _decimal(value, field)
    if _places(number) > max_places:
        raise X12WriteError(field, f"{value} has more than {max_places} decimal places")
    rendered = _plain(number)
    if len(rendered.replace("-", "").replace(".", "")) > 15:
        raise X12WriteError(field, f"{value} is too large for X12 (15 digits)")
    return rendered


# ---------------------------------------------------------------------------- segments


def build_segment(seg_id: str, elements: Sequence[Element], delimiters: Delimiters) -> str:
    """One segment without its terminator: "NM1*85*2*NAME*****XX*1234567893"."""
    if not re.fullmatch(r"[A-Z][A-Z0-9]{1,2}", seg_id):
        raise X12WriteError(seg_id, "is not a valid segment identifier")
    banned = delimiters.chars
    rendered: list[str] = []
    for position, element in enumerate(elements, start=1):
        parts = [element] if isinstance(element, str) else list(element)
        cleaned_parts = []
        for part in parts:
            value = (part or "").upper()
            if any(ch in banned for ch in value):
                raise X12WriteError(
                    f"{seg_id}{position:02d}", f"value {value!r} contains an X12 delimiter"
                )
            cleaned_parts.append(value)
        while cleaned_parts and not cleaned_parts[-1]:
            cleaned_parts.pop()
        rendered.append(delimiters.component.join(cleaned_parts))
    while rendered and not rendered[-1]:
        rendered.pop()
    return delimiters.element.join([seg_id, *rendered])


class SegmentWriter:
    """Accumulates segments; `count_since()` gives SE01-style counts."""

    def __init__(self, delimiters: Delimiters = DEFAULT_DELIMITERS, *, line_breaks: bool = True):
        self.delimiters = delimiters
        self.line_breaks = line_breaks
        self._segments: list[str] = []

    def add(self, seg_id: str, *elements: Element) -> None:
        self._segments.append(build_segment(seg_id, elements, self.delimiters))

    def add_raw(self, segment: str) -> None:
        """A segment already rendered (the fixed-width ISA)."""
        self._segments.append(segment)

    def __len__(self) -> int:
        return len(self._segments)

    def count_since(self, index: int) -> int:
        """Segments written from position `index` (0-based) to now, inclusive of both ends."""
        return len(self._segments) - index

    def render(self) -> str:
        terminator = self.delimiters.segment + ("\n" if self.line_breaks else "")
        return "".join(segment + terminator for segment in self._segments)
