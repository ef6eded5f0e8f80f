"""Validation of US healthcare and tax identifiers. Pure functions, no Django."""

import re

_NPI = re.compile(r"^\d{10}$")
_TIN = re.compile(r"^\d{9}$")
# IRS never issues EINs with these prefixes.
_INVALID_EIN_PREFIXES = {
    "00",
    "07",
    "08",
    "09",
    "17",
    "18",
    "19",
    "28",
    "29",
    "49",
    "69",
    "70",
    "78",
    "79",
    "89",
    "96",
    "97",
}


def npi_check_digit(first_nine: str) -> int:
    """Luhn check digit of an NPI, computed over the prefix 80840 plus the first nine digits."""
    digits = [int(d) for d in "80840" + first_nine]
    total = 0
    # Double every second digit counting from the right of the full 15-digit payload
    # (the check digit itself would be position 0).
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def npi_is_valid(value: str) -> bool:
    return bool(_NPI.match(value or "")) and npi_check_digit(value[:9]) == int(value[9])


def normalize_tin(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def tin_is_valid(value: str) -> bool:
    tin = normalize_tin(value)
    return bool(_TIN.match(tin)) and tin[:2] not in _INVALID_EIN_PREFIXES


def tin_masked(value: str) -> str:
    tin = normalize_tin(value)
    return f"**-***{tin[-4:]}" if len(tin) == 9 else ""
