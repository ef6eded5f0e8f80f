"""Bulk writes for large files (835 posting): COPY instead of INSERT, ids reserved up front.

A 10,000-claim remittance writes tens of thousands of rows. Building Django model instances
and multi-row INSERT statements for them costs more than the database work itself, so posting
reserves the new rows' ids from their sequences in one query, then streams plain tuples through
PostgreSQL's COPY (text format). These functions work on a given psycopg2 cursor (a posting's
database worker's, see dbworker.py), inside the caller's transaction and the practice's
search_path.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _array_element(value) -> str:
    if value is None:
        return "NULL"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _text(value) -> str:
    return str(value).translate(_COPY_ESCAPES)


def _array(value) -> str:
    return ("{" + ",".join(_array_element(v) for v in value) + "}").translate(_COPY_ESCAPES)


def _boolean(value) -> str:
    return "t" if value else "f"


def _iso(value) -> str:
    return value.isoformat()


def copy_value(value) -> str:
    """One value in COPY's text format, by its Python type."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return _boolean(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return _iso(value)
    if isinstance(value, (list, tuple)):
        return _array(value)
    return _text(value)


def _converter(model, name: str):
    """The encoder for one column, chosen once per COPY rather than per value."""
    field = model._meta.get_field(name)
    kind = field.get_internal_type()
    if kind in ("ForeignKey", "AutoField", "BigAutoField", "DecimalField") or kind.endswith(
        "IntegerField"
    ):
        return str
    if kind in ("DateField", "DateTimeField"):
        return _iso
    if kind == "BooleanField":
        return _boolean
    if kind == "ArrayField":
        return _array
    if kind in ("CharField", "TextField"):
        return _text
    return copy_value


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
    """Rows (tuples in `fields` order) in COPY's text format, one line each."""
    converters = [_converter(model, name) for name in fields]
    lines = [
        "\t".join(
            [
                "\\N" if value is None else convert(value)
                for convert, value in zip(converters, row, strict=True)
            ]
        )
        for row in rows
    ]
    return "\n".join(lines) + "\n" if lines else ""


def copy_sql(model, fields: Sequence[str]) -> str:
    return f"COPY {model._meta.db_table} ({_columns(model, fields)}) FROM STDIN"


def copy_into(cursor, sql: str, text: str) -> None:
    """Send COPY text on a psycopg2 cursor (the current connection's, or a worker's)."""
    if text:
        # One read of the whole text: psycopg2 takes the GIL back for every chunk it reads,
        # and a worker thread waits for it while the reader runs.
        cursor.copy_expert(sql, io.StringIO(text), size=max(8192, len(text)))
