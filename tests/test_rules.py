"""Friendly PC ownership rules and identifier checks (pure functions)."""

from datetime import date
from decimal import Decimal

import pytest

from mso.identifiers import npi_check_digit, npi_is_valid, tin_is_valid
from mso.tenancy.rules import (
    OwnerInput,
    PracticeInput,
    onboarding_errors,
    ownership_errors,
    practice_errors,
)

TODAY = date(2026, 11, 27)
NEXT_YEAR = date(2027, 11, 27)


def owner(share="100", state="NY", expiry=NEXT_YEAR, number="L1", name="Dr. A"):
    return OwnerInput(
        full_name=name,
        license_state=state,
        license_number=number,
        license_expiry=expiry,
        share_percent=Decimal(share) if share else None,
    )


@pytest.mark.parametrize(
    ("npi", "valid"),
    [
        ("1234567893", True),  # CMS's published example
        ("1234567890", False),  # wrong check digit
        ("123456789", False),  # too short
        ("12345678930", False),
        ("abcdefghij", False),
        ("", False),
    ],
)
def test_npi_check_digit(npi, valid):
    assert npi_is_valid(npi) is valid


def test_npi_check_digit_function_matches_example():
    assert npi_check_digit("123456789") == 3


@pytest.mark.parametrize(
    ("tin", "valid"),
    [
        ("12-3456789", True),
        ("123456789", True),
        ("00-1234567", False),
        ("1234", False),
        ("12-34567890", False),
    ],
)
def test_tin(tin, valid):
    assert tin_is_valid(tin) is valid


@pytest.mark.parametrize(
    ("owners", "expected"),
    [
        ([owner("100")], []),
        ([owner("60", number="1"), owner("40", state="NJ", number="2")], []),
        (
            [
                owner("33.3333", number="1"),
                owner("33.3333", number="2"),
                owner("33.3334", number="3"),
            ],
            [],
        ),
        ([owner("60", number="1"), owner("30", number="2")], ["total 90%"]),
        ([owner("60", number="1"), owner("50", number="2")], ["total 110%"]),
        ([owner("100", state="NJ")], ["active medical license in NY"]),
        ([owner("100", expiry=date(2026, 1, 1))], ["active medical license in NY"]),
        ([owner("50", number="X"), owner("50", number="x")], ["same license"]),
        ([], ["at least one physician owner"]),
    ],
)
def test_ownership_rules(owners, expected):
    errors = ownership_errors(owners, practice_state="NY", as_of=TODAY)
    assert len(errors) == len(expected)
    for message, fragment in zip(errors, expected, strict=True):
        assert fragment in message


def test_owner_field_errors_point_at_the_field():
    errors = onboarding_errors(
        PracticeInput(
            name="X, P.C.",
            slug="x-pc",
            state="NY",
            group_npi="1234567893",
            tin="12-3456789",
            owners=[owner(share="0", expiry=date(2020, 1, 1)), owner("100")],
        ),
        as_of=TODAY,
    )
    flat = errors.as_field_dict()
    assert "owners[0].share_percent" in flat
    assert "owners[0].license_expiry" in flat
    assert "owners[1].share_percent" not in flat


@pytest.mark.parametrize(
    ("slug", "ok"),
    [
        ("lakeside", True),
        ("blue-ridge", True),
        ("a", False),
        ("1abc", False),
        ("Upper", False),
        ("www", False),
        ("pg-catalog", False),
        ("has_underscore", False),
        ("x" * 41, False),
    ],
)
def test_slug_rules(slug, ok):
    errors = practice_errors(
        PracticeInput(name="X", slug=slug, state="NY", group_npi="1234567893", tin="12-3456789")
    )
    assert ("slug" not in errors) is ok
