"""Errors and warnings of the X12 layer.

`X12Error` is raised by every reader for a file it will not accept: it names the segment
(1-based position in the file, counting every segment of every interchange), the segment id
and the reason, plus the line when the file has line breaks. `X12Issue` is the same shape,
collected as a warning by the readers' tolerant mode (`strict=False`).
`X12WriteError` is raised by the writer when the claim data cannot be printed as valid X12.
"""

from dataclasses import dataclass


def _where(segment_number: int, segment_id: str, line: int | None) -> str:
    where = f"segment {segment_number}"
    if segment_id:
        where += f" ({segment_id})"
    if line is not None:
        where += f" at line {line}"
    return where


class X12Error(ValueError):
    """A file (or part of it) that is not acceptable X12. `str()` reads like
    "segment 14 (CLM) at line 14: CLM05-2 must be B ..."."""

    def __init__(
        self, segment_number: int, segment_id: str, reason: str, *, line: int | None = None
    ) -> None:
        self.segment_number = segment_number
        self.segment_id = segment_id
        self.reason = reason
        self.line = line
        super().__init__(f"{_where(segment_number, segment_id, line)}: {reason}")


@dataclass(frozen=True)
class X12Issue:
    """A deviation tolerated by a reader in tolerant mode (reported, not fatal)."""

    segment_number: int
    segment_id: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{_where(self.segment_number, self.segment_id, self.line)}: {self.reason}"


class X12WriteError(ValueError):
    """Claim data that cannot be written: names the field (e.g. "claims[2].lines[0].charge")."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}" if field else reason)
