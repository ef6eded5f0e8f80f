"""The OIG's List of Excluded Individuals/Entities (LEIE) as published: a CSV file with one
header row of 18 columns. Pure Python: reading and checking only, no ORM.

Dates are YYYYMMDD; "00000000" or blank means none. An NPI of "0000000000" or blank means the
OIG has none on file. A file is taken whole or not at all: every problem found (up to a limit)
is reported with its line number, and no entry is returned.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

COLUMNS = (
    "LASTNAME",
    "FIRSTNAME",
    "MIDNAME",
    "BUSNAME",
    "GENERAL",
    "SPECIALTY",
    "UPIN",
    "NPI",
    "DOB",
    "ADDRESS",
    "CITY",
    "STATE",
    "ZIP",
    "EXCLTYPE",
    "EXCLDATE",
    "REINDATE",
    "WAIVERDATE",
    "WVRSTATE",
)
MAX_PROBLEMS = 20
_NO_DATE = {"", "00000000"}
_NO_NPI = {"", "0000000000"}
_NPI = re.compile(r"^\d{10}$")
_LETTERS = re.compile(r"[^A-Z]")


@dataclass(frozen=True, slots=True)
class LeieEntry:
    line: int
    last_name: str
    first_name: str
    middle_name: str
    business_name: str
    general: str
    specialty: str
    upin: str
    npi: str
    birth_date: date | None
    address: str
    city: str
    state: str
    zip_code: str
    exclusion_type: str
    exclusion_date: date
    reinstatement_date: date | None
    waiver_date: date | None
    waiver_state: str

    @property
    def name_key(self) -> str:
        return name_key(self.last_name, self.first_name)


class LeieFileError(ValueError):
    """The file is not an LEIE file we can take; `problems` are (line, reason) pairs."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        shown = "; ".join(f"line {line}: {reason}" for line, reason in problems)
        super().__init__(f"The exclusion list was not imported. {shown}")


def _letters(text: str) -> str:
    """Upper-case A-Z only, accents folded: "Núñez" is NUNEZ."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _LETTERS.sub("", folded.upper())


def name_key(last: str, first: str) -> str:
    """Names compared letters only, upper case, accents folded: "O'Brien-Smith, Mary Ann" is
    OBRIENSMITH|MARYANN and "Núñez, José" NUNEZ|JOSE. Empty when either part has no letters
    (a business, or a name we cannot compare)."""
    last_key, first_key = _letters(last), _letters(first)
    return f"{last_key}|{first_key}" if last_key and first_key else ""


def decode(content: bytes) -> str:
    """UTF-8 (with or without a byte-order mark); the OIG's older files are Windows-1252."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _date(value: str, column: str, *, required: bool = False) -> date | None:
    value = value.strip()
    if value in _NO_DATE:
        if required:
            raise ValueError(f"{column} is required")
        return None
    if not re.fullmatch(r"\d{8}", value):
        raise ValueError(f"{column} {value!r} is not a date (YYYYMMDD)")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a calendar date") from None


def _entry(line: int, row: list[str]) -> LeieEntry:
    if len(row) != len(COLUMNS):
        raise ValueError(f"{len(row)} columns, expected {len(COLUMNS)}")
    values = dict(zip(COLUMNS, (cell.strip() for cell in row), strict=True))
    if not values["LASTNAME"] and not values["BUSNAME"]:
        raise ValueError("neither LASTNAME nor BUSNAME is given")
    npi = values["NPI"]
    if npi in _NO_NPI:
        npi = ""
    elif not _NPI.match(npi):
        raise ValueError(f"NPI {npi!r} is not 10 digits")
    return LeieEntry(
        line=line,
        last_name=values["LASTNAME"],
        first_name=values["FIRSTNAME"],
        middle_name=values["MIDNAME"],
        business_name=values["BUSNAME"],
        general=values["GENERAL"],
        specialty=values["SPECIALTY"],
        upin=values["UPIN"],
        npi=npi,
        birth_date=_date(values["DOB"], "DOB"),
        address=values["ADDRESS"],
        city=values["CITY"],
        state=values["STATE"],
        zip_code=values["ZIP"],
        exclusion_type=values["EXCLTYPE"],
        exclusion_date=_date(values["EXCLDATE"], "EXCLDATE", required=True),
        reinstatement_date=_date(values["REINDATE"], "REINDATE"),
        waiver_date=_date(values["WAIVERDATE"], "WAIVERDATE"),
        waiver_state=values["WVRSTATE"],
    )


def write_leie(rows: list[dict[str, str]]) -> bytes:
    """A file in the OIG's layout (every cell quoted, CRLF), for synthetic lists: demo data
    and tests. Each row maps column names to values; a missing column is blank, a missing
    date "00000000" and a missing NPI "0000000000", as the OIG writes them."""
    blank = dict.fromkeys(COLUMNS, "") | {
        "NPI": "0000000000",
        "REINDATE": "00000000",
        "WAIVERDATE": "00000000",
    }
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([{**blank, **row}[column] for column in COLUMNS])
    return out.getvalue().encode()


def read_leie(text: str) -> list[LeieEntry]:
    """Every entry of the file, or LeieFileError naming each problem by line."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise LeieFileError([(1, "the file is empty")])
    if tuple(cell.strip().upper() for cell in header) != COLUMNS:
        raise LeieFileError([(1, f"the header must be the LEIE's 18 columns: {','.join(COLUMNS)}")])
    entries: list[LeieEntry] = []
    problems: list[tuple[int, str]] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            try:
                entries.append(_entry(line, row))
            except ValueError as exc:
                problems.append((line, str(exc)))
                if len(problems) >= MAX_PROBLEMS:
                    problems.append((line, f"stopped after {MAX_PROBLEMS} problems"))
                    break
    except csv.Error as exc:
        problems.append((reader.line_num, f"not valid CSV ({exc})"))
    if problems:
        raise LeieFileError(problems)
    if not entries:
        raise LeieFileError([(1, "the file has a header but no entries")])
    return entries
