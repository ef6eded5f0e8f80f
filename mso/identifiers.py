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


_SSN = re.compile(r"^\d{9}$")
_ABA = re.compile(r"^\d{9}$")
_ACCOUNT = re.compile(r"^\d{4,17}$")


def normalize_digits(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def ssn_is_valid(value: str) -> bool:
    """Nine digits; the SSA never issues area 000, 666 or 900-999, group 00 or serial 0000."""
    ssn = normalize_digits(value)
    if not _SSN.match(ssn):
        return False
    area, group, serial = ssn[:3], ssn[3:5], ssn[5:]
    return area not in {"000", "666"} and area[0] != "9" and group != "00" and serial != "0000"


def ssn_masked(value: str) -> str:
    ssn = normalize_digits(value)
    return f"***-**-{ssn[-4:]}" if len(ssn) == 9 else ""


def aba_routing_is_valid(value: str) -> bool:
    """ABA routing number: nine digits whose 3-7-1 weighted sum is a multiple of ten."""
    if not _ABA.match(value or ""):
        return False
    digits = [int(d) for d in value]
    weights = (3, 7, 1) * 3
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 10 == 0


def bank_account_is_valid(value: str) -> bool:
    """A DFI account number as NACHA carries it: 4 to 17 digits."""
    return bool(_ACCOUNT.match(normalize_digits(value)))


def account_masked(value: str) -> str:
    account = normalize_digits(value)
    return f"****{account[-4:]}" if account else ""
