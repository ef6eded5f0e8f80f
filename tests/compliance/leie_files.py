"""Synthetic LEIE files (never real people), in the OIG's layout."""

from mso.reference.leie import write_leie


def leie_csv(*rows: dict) -> bytes:
    """A file with `rows` (column -> value); an exclusion date unless a row gives one."""
    return write_leie([{"EXCLTYPE": "1128a1", "EXCLDATE": "20200115", **row} for row in rows])


def person(last: str, first: str, **more) -> dict:
    return {"LASTNAME": last, "FIRSTNAME": first, "GENERAL": "INDIVIDUAL", **more}
