"""Excluded revenue lines: parsing codes and ranges, and matching procedure codes."""

import pytest

from contracts.exclusions import CodeRange, ExclusionError, as_text, excluded, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        (None, []),
        ("80053", [CodeRange("80053", "80053")]),
        ("80047-89398", [CodeRange("80047", "89398")]),
        ("80047 - 89398", [CodeRange("80047", "89398")]),
        ("j0120-j9999; 36415", [CodeRange("36415", "36415"), CodeRange("J0120", "J9999")]),
        ("36415, 36415", [CodeRange("36415", "36415")]),
        (["0001U-0300U"], [CodeRange("0001U", "0300U")]),
    ],
)
def test_parse(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("8005", "is not a CPT or HCPCS code"),
        ("99999-00000", "starts after it ends"),
        ("80047-J9999", "same kind of code"),
        ("0001F-99999", "same kind of code"),
        ("W1234", "is not a CPT or HCPCS code"),  # HCPCS level II letters stop at V
    ],
)
def test_bad_entries_are_named(text, message):
    with pytest.raises(ExclusionError) as error:
        parse(text)
    assert message in str(error.value)


def test_every_bad_entry_is_reported():
    with pytest.raises(ExclusionError) as error:
        parse("ABC, 99999-00000, 80053")
    assert len(error.value.messages) == 2


@pytest.mark.parametrize(
    ("code", "hit"),
    [
        ("80047", True),
        ("89398", True),
        ("85025", True),
        ("89399", False),
        ("99214", False),
        ("J1100", True),
        ("j1100", True),
        ("0002U", False),  # same digits, other kind: PLA codes are not in a CPT range
    ],
)
def test_matching(code, hit):
    ranges = parse("80047-89398, J0120-J9999")
    assert excluded(code, ranges) is hit


def test_text_round_trip():
    ranges = parse("J0120-J9999, 36415")
    assert parse(as_text(ranges)) == ranges


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ("00100-01999", {"00140", "01999"}),  # not 0075T or 0001U, which sort inside as text
        ("0001F-9999F", {"0075F"}),
        ("J0120-J9999", {"J1100"}),
        ("0001U-0300U", {"0001U"}),
    ],
)
def test_database_filter_keeps_to_one_kind_of_code(text, inside):
    """The fee run filters procedure codes in SQL; it must agree with CodeRange.contains."""
    from django.db import connection

    from contracts.exclusions import kind_pattern

    codes = ["00140", "01999", "0075T", "0075F", "0001U", "J1100", "99214", "80053"]
    (code_range,) = parse(text)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code FROM unnest(%s::text[]) AS code "
            "WHERE code >= %s AND code <= %s AND code ~ %s",
            [codes, code_range.first, code_range.last, kind_pattern(code_range.first)],
        )
        found = {row[0] for row in cursor.fetchall()}
    assert found == inside == {c for c in codes if code_range.contains(c)}
