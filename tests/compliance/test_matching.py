"""The matching rules, table-driven: NPI, then name and date of birth, then name alone."""

from dataclasses import dataclass
from datetime import date

import pytest

from compliance.matching import Subject, entry_key, find_hits, split_name
from mso.reference.leie import name_key

TODAY = date(2026, 11, 28)


@dataclass(frozen=True)
class Entry:
    npi: str = ""
    last: str = "Doe"
    first: str = "Jane"
    birth_date: date | None = None
    reinstatement_date: date | None = None
    exclusion_date: date = date(2020, 1, 1)
    exclusion_type: str = "1128a1"

    @property
    def name_key(self) -> str:
        return name_key(self.last, self.first)


def _subject(**kwargs) -> Subject:
    values = {"kind": "provider", "id": 1, "name": "Jane Doe", "first_name": "Jane"}
    return Subject(**{**values, "last_name": "Doe", **kwargs})


@pytest.mark.parametrize(
    ("subject", "entry", "strength"),
    [
        (_subject(npi="1234567893"), Entry(npi="1234567893", last="Other"), "npi"),
        (_subject(npi="1234567893"), Entry(npi="1234567893"), "npi"),
        (_subject(birth_date=date(1970, 1, 2)), Entry(birth_date=date(1970, 1, 2)), "name_dob"),
        (_subject(birth_date=date(1970, 1, 2)), Entry(birth_date=date(1980, 1, 2)), None),
        (_subject(), Entry(birth_date=date(1980, 1, 2)), "name"),
        (_subject(last_name="DOE", first_name="jane"), Entry(), "name"),
        (_subject(), Entry(first="John"), None),
        (_subject(npi="1234567893"), Entry(npi="1245319599", first="John"), None),
        (_subject(), Entry(reinstatement_date=date(2026, 11, 28)), None),
        (_subject(), Entry(reinstatement_date=date(2026, 11, 29)), "name"),
        (_subject(first_name="", last_name=""), Entry(first="", last=""), None),
    ],
)
def test_strength(subject, entry, strength):
    hits = find_hits([subject], [entry], TODAY)
    assert [hit.strength for hit in hits] == ([strength] if strength else [])


def test_an_entry_matching_by_npi_and_name_is_one_hit():
    hits = find_hits([_subject(npi="1234567893")], [Entry(npi="1234567893")], TODAY)
    assert len(hits) == 1


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Dr. Maria de la Cruz, MD", ("Maria", ("Cruz", "la Cruz", "de la Cruz"))),
        ("John A. Smith Jr.", ("John", ("Smith", "A. Smith"))),
        ("Prince", ("Prince", ())),
        ("Dr.", ("", ())),
    ],
)
def test_split_name(full_name, expected):
    assert split_name(full_name) == expected


def test_a_compound_surname_and_accents_still_match():
    first, surnames = split_name("Dr. María de la Cruz, MD")
    owner = _subject(first_name=first, last_name=surnames[0], other_last_names=surnames[1:])
    listed = Entry(last="DE LA CRUZ", first="MARIA")
    assert [hit.strength for hit in find_hits([owner], [listed], TODAY)] == ["name"]
    accented = _subject(first_name="José", last_name="Núñez")
    assert len(find_hits([accented], [Entry(last="NUNEZ", first="JOSE")], TODAY)) == 1


def test_entry_key_is_stable_across_lists():
    assert entry_key(Entry(npi="1")) == entry_key(Entry(npi="1"))
    assert entry_key(Entry()) == entry_key(Entry(npi="1234567893"))  # the OIG added an NPI
    assert entry_key(Entry(npi="1")) != entry_key(Entry(npi="1", exclusion_type="1128b4"))
