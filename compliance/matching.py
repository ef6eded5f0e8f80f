"""Who on the practice's side appears on the exclusion list. Pure Python, no ORM.

The rules (OIG guidance, as the MSO applies them): an NPI that matches exactly is a match;
otherwise the same last and first name with the same date of birth; otherwise the same names
alone, for a person to review. Names and dates of birth that both sides know and that differ
rule a name match out. Entries whose reinstatement date has passed are not exclusions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from mso.reference.leie import name_key

# How an entry matched, strongest first (the stored values of choices.MatchStrength).
NPI, NAME_DOB, NAME = "npi", "name_dob", "name"

_TITLES = {"DR", "MR", "MRS", "MS", "MISS", "PROF"}
_SUFFIXES = {"MD", "DO", "JR", "SR", "II", "III", "IV", "PHD", "DPM", "NP", "PA", "RN", "DDS"}


class Listed(Protocol):
    """An exclusion list entry (mso.reference.models.ExclusionEntry has these)."""

    npi: str
    name_key: str
    birth_date: date | None
    reinstatement_date: date | None
    exclusion_date: date
    exclusion_type: str


@dataclass(frozen=True)
class Subject:
    """A person the practice must not employ or bill for if excluded."""

    kind: str
    id: int
    name: str
    first_name: str
    last_name: str
    npi: str = ""
    birth_date: date | None = None
    # Other readings of a one-field name's surname ("de la Cruz" or "Cruz").
    other_last_names: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """The name keys this person may be listed under (none without a name)."""
        found = (
            name_key(last, self.first_name) for last in (self.last_name, *self.other_last_names)
        )
        return tuple(dict.fromkeys(key for key in found if key))


@dataclass(frozen=True)
class Hit:
    subject: Subject
    entry: Listed
    strength: str


def split_name(full_name: str) -> tuple[str, tuple[str, ...]]:
    """The first name and the possible surnames of a name held in one field, shortest first:
    "Dr. Maria de la Cruz, MD" is ("Maria", ("Cruz", "la Cruz", "de la Cruz")). Titles and
    degree suffixes are dropped."""
    words = [w for w in re.split(r"[\s,]+", full_name) if w]
    cleaned = [w for w in words if re.sub(r"[^A-Z]", "", w.upper()) not in _TITLES | _SUFFIXES]
    if not cleaned:
        return "", ()
    rest = cleaned[1:]
    return cleaned[0], tuple(" ".join(rest[i:]) for i in range(len(rest) - 1, -1, -1))


def entry_key(entry: Listed) -> str:
    """The same exclusion in next month's file: decisions on it carry over. The NPI is left
    out, because the OIG adds NPIs to existing entries."""
    who = entry.name_key or getattr(entry, "business_name", "").upper()
    return f"{who}|{entry.exclusion_date.isoformat()}|{entry.exclusion_type}"


def _strength(subject: Subject, entry: Listed) -> str | None:
    if subject.npi and entry.npi == subject.npi:
        return NPI
    if not entry.name_key or entry.name_key not in subject.keys:
        return None
    if subject.birth_date and entry.birth_date:
        return NAME_DOB if subject.birth_date == entry.birth_date else None
    return NAME


def find_hits(subjects: Iterable[Subject], entries: Iterable[Listed], today: date) -> list[Hit]:
    """Each (subject, entry) pair that matches, with how strongly, subjects in order."""
    by_npi: dict[str, list[Listed]] = defaultdict(list)
    by_name: dict[str, list[Listed]] = defaultdict(list)
    for entry in entries:
        if entry.reinstatement_date is not None and entry.reinstatement_date <= today:
            continue
        if entry.npi:
            by_npi[entry.npi].append(entry)
        if entry.name_key:
            by_name[entry.name_key].append(entry)
    hits = []
    for subject in subjects:
        candidates = [*by_npi.get(subject.npi, ())]
        for key in subject.keys:
            candidates += by_name.get(key, ())
        seen: set[int] = set()
        for entry in candidates:
            if id(entry) in seen:
                continue
            seen.add(id(entry))
            strength = _strength(subject, entry)
            if strength is not None:
                hits.append(Hit(subject, entry, strength))
    return hits
