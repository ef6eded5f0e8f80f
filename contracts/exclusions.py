"""Excluded revenue lines: procedure codes an MSA keeps out of the fee basis.

An agreement may exclude revenue that the MSO does not manage, for example laboratory work
billed under a reference-lab arrangement (CPT 80047-89398) or drugs bought by the practice
(HCPCS J0120-J9999). The agreement lists CPT/HCPCS codes and inclusive ranges; the fee run
subtracts the charges billed and the insurance payments posted for those codes from the basis.

Pure module: parsing and matching only, no ORM.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# CPT Category I (5 digits), Category II/III (4 digits + F/T), PLA (4 digits + U), HCPCS II.
CODE = re.compile(r"^(?:\d{4}[0-9FTU]|[A-V]\d{4})$")
SEPARATORS = re.compile(r"[,;\s]+")


@dataclass(frozen=True, order=True)
class CodeRange:
    """An inclusive range of codes of one kind (same letter or digit class and suffix)."""

    first: str
    last: str

    def __str__(self) -> str:
        return self.first if self.first == self.last else f"{self.first}-{self.last}"

    def contains(self, code: str) -> bool:
        code = code.strip().upper()
        return _kind(code) == _kind(self.first) and self.first <= code <= self.last


def kind_pattern(code: str) -> str:
    """A PostgreSQL regular expression matching the codes of the same kind as `code`, so that a
    database range filter compares codes of one kind only (0075T sorts inside 00100-01999 as a
    string, but is a Category III code, not anesthesia)."""
    if code[0].isalpha():
        return f"^{code[0]}[0-9]{{4}}$"
    if code[-1].isdigit():
        return "^[0-9]{5}$"
    return f"^[0-9]{{4}}{code[-1]}$"


def _kind(code: str) -> str:
    """Codes compare only within a kind: 'digit' + suffix for CPT, the letter for HCPCS."""
    if not code:
        return ""
    if code[0].isalpha():
        return code[0]
    return "digit" + ("" if code[-1].isdigit() else code[-1])


class ExclusionError(ValueError):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def parse_one(entry: str) -> CodeRange:
    text = entry.strip().upper()
    first, sep, last = text.partition("-")
    first, last = first.strip(), (last.strip() if sep else first.strip())
    for code in (first, last):
        if not CODE.match(code):
            raise ExclusionError(
                [f"'{entry.strip()}': '{code}' is not a CPT or HCPCS code (e.g. 80053, J1100)."]
            )
    if _kind(first) != _kind(last):
        raise ExclusionError(
            [f"'{entry.strip()}': a range must start and end with the same kind of code."]
        )
    if first > last:
        raise ExclusionError([f"'{entry.strip()}': the range starts after it ends."])
    return CodeRange(first, last)


def parse(value: str | Iterable[str] | None) -> list[CodeRange]:
    """Codes and ranges from text ('80047-89398, J0120-J9999') or a list of entries.

    Every bad entry is reported, not only the first; duplicates are dropped."""
    if value is None:
        return []
    entries = SEPARATORS.split(value) if isinstance(value, str) else list(value)
    # "80047 - 89398" splits into three entries on whitespace: join them back.
    joined: list[str] = []
    for entry in (e.strip() for e in entries if e and e.strip()):
        if joined and (entry == "-" or joined[-1].endswith("-") or entry.startswith("-")):
            joined[-1] += entry
        else:
            joined.append(entry)
    ranges, errors = [], []
    for entry in joined:
        try:
            ranges.append(parse_one(entry))
        except ExclusionError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ExclusionError(errors)
    return sorted(set(ranges))


def as_text(ranges: Iterable[CodeRange | str]) -> str:
    return ", ".join(str(r) for r in ranges)


def excluded(code: str, ranges: Iterable[CodeRange]) -> bool:
    return any(r.contains(code) for r in ranges)
