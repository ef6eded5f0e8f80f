"""Bulk writes for large files (835 posting): COPY instead of INSERT, ids reserved up front.

A 10,000-claim remittance writes tens of thousands of rows. Building Django model instances
and multi-row INSERT statements for them costs more than the database work itself, so posting
reserves the new rows' ids from their sequences in one query, then streams plain tuples through
PostgreSQL's COPY (CSV format, written by the csv module in C). These functions work on a given
psycopg2 cursor (a posting's database worker's, see dbworker.py), inside the caller's
transaction and the practice's search_path.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

# An array element that needs no quotes in an array literal: letters, digits and the few
# punctuation marks codes carry ("N130", "25", "CO-45"), never the word NULL.
_PLAIN_ELEMENT = re.compile(r"[A-Za-z0-9_.+-]+(,[A-Za-z0-9_.+-]+)*")
_STRING_FIELDS = ("CharField", "TextField")


def _array_element(value) -> str:
    if value is None:
        return "NULL"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def array_literal(value: Sequence) -> str:
    """A list or tuple as a PostgreSQL array literal ("{N130,M80}"); COPY's CSV quoting then
    applies to the literal as to any text."""
    if not value:
        return "{}"
    if None not in value:
        joined = ",".join(map(str, value))
        if _PLAIN_ELEMENT.fullmatch(joined) and "NULL" not in joined.upper().split(","):
            return "{" + joined + "}"
    return "{" + ",".join(_array_element(v) for v in value) + "}"


def _kind(model, name: str) -> str:
    return model._meta.get_field(name).get_internal_type()


def _columns(model, fields: Sequence[str]) -> str:
    return ", ".join(f'"{model._meta.get_field(name).column}"' for name in fields)


def reserve_ids(cursor, model, count: int) -> list[int]:
    """`count` new primary keys from the table's identity sequence, in one query, on a cursor
    (Django's psycopg2 cursor or a posting worker's)."""
    if count == 0:
        return []
    # The sequence is looked up once (MATERIALIZED): per row, the lookup costs more than
    # nextval() itself.
    cursor.execute(
        "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS seq) "
        "SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
        [model._meta.db_table, count],
    )
    return [row[0] for row in cursor.fetchall()]


def copy_text(model, fields: Sequence[str], rows: Iterable[Sequence]) -> str:
    """Rows (tuples in `fields` order) in COPY's CSV format (see copy_sql), one line each.

    The csv module writes each value as str() does, in C: ints, Decimals, dates and
    datetimes come out as PostgreSQL reads them, and None as an empty unquoted value, which
    COPY reads as NULL. Only array columns are converted here, in Python."""
    arrays = [index for index, name in enumerate(fields) if _kind(model, name) == "ArrayField"]
    if arrays:

        def with_literals(row: Sequence) -> list:
            values = list(row)
            for index in arrays:
                values[index] = array_literal(values[index])
            return values

        rows = map(with_literals, rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def copy_sql(model, fields: Sequence[str]) -> str:
    """COPY in CSV format. An empty unquoted value is NULL, except in text columns, where it is
    the empty string (FORCE_NOT_NULL): text columns here are never NULL. Values need no
    escaping beyond CSV's quotes (no backslash sequences, unlike COPY's text format)."""
    strings = []
    for name in fields:
        if _kind(model, name) in _STRING_FIELDS:
            if model._meta.get_field(name).null:
                raise ValueError(
                    f"{model.__name__}.{name} is a nullable text column: COPY's CSV format "
                    "cannot tell its NULL from the empty string here"
                )
            strings.append(name)
    options = "FORMAT csv"
    if strings:
        options += f", FORCE_NOT_NULL ({_columns(model, strings)})"
    return f"COPY {model._meta.db_table} ({_columns(model, fields)}) FROM STDIN WITH ({options})"


def copy_into(cursor, sql: str, text: str) -> None:
    """Send COPY text on a psycopg2 cursor (the current connection's, or a worker's)."""
    if text:
        # One read of the whole text: psycopg2 takes the GIL back for every chunk it reads,
        # and a worker thread waits for it while the reader runs.
        cursor.copy_expert(sql, io.StringIO(text), size=max(8192, len(text)))
