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

from .choices import MatchStrength

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

    @property
    def key(self) -> str:
        return name_key(self.last_name, self.first_name)


@dataclass(frozen=True)
class Hit:
    subject: Subject
    entry: Listed
    strength: str


def split_name(full_name: str) -> tuple[str, str]:
    """(first, last) of "Dr. Maria de la Cruz, MD": titles and degree suffixes dropped, the
    last word is the last name."""
    words = [w for w in re.split(r"[\s,]+", full_name) if w]
    cleaned = [w for w in words if re.sub(r"[^A-Z]", "", w.upper()) not in _TITLES | _SUFFIXES]
    if not cleaned:
        return "", ""
    return cleaned[0], cleaned[-1] if len(cleaned) > 1 else ""


def entry_key(entry: Listed) -> str:
    """The same exclusion in next month's file: decisions on it carry over."""
    return f"{entry.npi}|{entry.name_key}|{entry.exclusion_date.isoformat()}|{entry.exclusion_type}"


def _strength(subject: Subject, entry: Listed) -> str | None:
    if subject.npi and entry.npi == subject.npi:
        return MatchStrength.NPI
    if not subject.key or entry.name_key != subject.key:
        return None
    if subject.birth_date and entry.birth_date:
        return MatchStrength.NAME_DOB if subject.birth_date == entry.birth_date else None
    return MatchStrength.NAME


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
        candidates = [*by_npi.get(subject.npi, ()), *by_name.get(subject.key, ())]
        seen: set[int] = set()
        for entry in candidates:
            if id(entry) in seen:
                continue
            seen.add(id(entry))
            strength = _strength(subject, entry)
            if strength is not None:
                hits.append(Hit(subject, entry, strength))
    return hits
