"""The statements of 835 posting, on a given psycopg2 cursor (the posting's database worker):
lock and read the remittance's claims, reserve ids, and write one batch of rows.

Rows are plain tuples in the column order below; reads give small slotted records instead of
model instances. Every statement takes whole arrays or COPY streams, so their number depends
on the number of batches, never on the number of claims.
"""

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date

from billing.models import (
    Adjustment,
    Claim,
    ClaimLine,
    ClaimPayment,
    ClaimStatusChange,
    DenialCase,
    Encounter,
    LinePayment,
)
from practices.models import Coverage

from . import bulk

PAYMENT_FIELDS = (
    "id",
    "remittance",
    "claim",
    "patient_control_number",
    "status_code",
    "charge",
    "paid",
    "patient_responsibility",
    "payer_claim_number",
    "remark_codes",
    "resolved_note",
)
LINE_FIELDS = (
    "id",
    "claim_payment",
    "claim_line",
    "procedure_code",
    "modifiers",
    "charge",
    "paid",
    "allowed",
    "units",
    "service_date",
    "remark_codes",
)
ADJUSTMENT_FIELDS = ("claim_payment", "line_payment", "group", "reason", "amount", "quantity")
HISTORY_FIELDS = ("claim", "from_status", "to_status", "actor", "note", "at")
DENIAL_FIELDS = (
    "claim",
    "claim_payment",
    "payer",
    "reason_codes",
    "remark_codes",
    "group_codes",
    "amount",
    "whole_claim",
    "status",
    "opened_at",
    "write_off_reason",
)
# The tables of one batch, in the order they are written.
BATCH_TABLES = (
    (ClaimPayment, PAYMENT_FIELDS),
    (LinePayment, LINE_FIELDS),
    (Adjustment, ADJUSTMENT_FIELDS),
    (ClaimStatusChange, HISTORY_FIELDS),
    (DenialCase, DENIAL_FIELDS),
)


@dataclass(slots=True)
class ClaimRef:
    """What posting needs of a claim."""

    pk: int
    patient_control_number: str
    status: str
    payer_id: int
    payer_claim_number: str
    patient_id: int
    coverage_priority: int


@dataclass(slots=True)
class LineRef:
    pk: int
    line_control_number: str
    procedure_code: str
    service_date: date


@dataclass(slots=True)
class Known:
    """Claims (by patient control number) locked for the posting, their lines, and ids."""

    claims: dict[str, ClaimRef]
    lines: dict[int, list[LineRef]]
    payment_ids: deque[int]  # handed out from the left, in file order
    line_ids: deque[int]


def lock_claims(cursor, pcns: list[str]) -> dict[str, ClaimRef]:
    """The claims with these patient control numbers, locked until the transaction ends."""
    cursor.execute(
        f"SELECT c.id, c.patient_control_number, c.status, c.payer_id, "  # noqa: S608
        f"c.payer_claim_number, e.patient_id, v.priority "
        f"FROM {Claim._meta.db_table} c "
        f"JOIN {Encounter._meta.db_table} e ON e.id = c.encounter_id "
        f"JOIN {Coverage._meta.db_table} v ON v.id = c.coverage_id "
        "WHERE c.patient_control_number = ANY(%s) FOR UPDATE OF c",
        [pcns],
    )
    return {row[1]: ClaimRef(*row) for row in cursor.fetchall()}


def claim_lines(cursor, claim_ids: list[int]) -> dict[int, list[LineRef]]:
    cursor.execute(
        "SELECT claim_id, id, line_control_number, procedure_code, service_date "  # noqa: S608
        f"FROM {ClaimLine._meta.db_table} WHERE claim_id = ANY(%s) ORDER BY claim_id, line_number",
        [claim_ids],
    )
    lines: dict[int, list[LineRef]] = defaultdict(list)
    for claim_id, *rest in cursor.fetchall():
        lines[claim_id].append(LineRef(*rest))
    return lines


def prefetch(cursor, pcns: list[str], claim_count: int, line_count: int) -> Known:
    """Lock the claims, read their lines, reserve ids for the payments and their lines."""
    claims = lock_claims(cursor, pcns) if pcns else {}
    lines = claim_lines(cursor, [c.pk for c in claims.values()]) if claims else {}
    return Known(
        claims,
        lines,
        deque(bulk.reserve_ids(cursor, ClaimPayment, claim_count)),
        deque(bulk.reserve_ids(cursor, LinePayment, line_count)),
    )


def update_claims(cursor, rows: list[tuple[int, str | None, str | None]], now) -> None:
    """(claim id, new status or None, first payer claim number or None) for each claim, in one
    UPDATE ... FROM unnest(...): every claim row is rewritten once. None keeps the current
    value. (Django's bulk_update builds a CASE per row, many times slower.)"""
    if not rows:
        return
    ids, statuses, numbers = (list(column) for column in zip(*rows, strict=True))
    cursor.execute(
        f"UPDATE {Claim._meta.db_table} AS c SET "  # noqa: S608
        "status = COALESCE(v.status, c.status), "
        "status_changed_at = CASE WHEN v.status IS NULL THEN c.status_changed_at ELSE %s END, "
        "status_reason = CASE WHEN v.status IS NULL THEN c.status_reason ELSE '' END, "
        "payer_claim_number = COALESCE(v.number, c.payer_claim_number) "
        "FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[]) AS v(id, status, number) "
        "WHERE c.id = v.id",
        [now, ids, statuses, numbers],
    )


def batch_foreign_keys(cursor) -> str:
    """The deferrable foreign keys of the tables a batch writes, in this practice's schema,
    as a SET CONSTRAINTS list (schema-qualified names)."""
    cursor.execute(
        "SELECT string_agg(quote_ident(n.nspname) || '.' || quote_ident(c.conname), ', ') "
        "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE c.contype = 'f' AND c.condeferrable AND c.conrelid = ANY(%s::regclass[])",
        [[model._meta.db_table for model, _ in BATCH_TABLES]],
    )
    return cursor.fetchone()[0] or ""


def write_batch(
    cursor, copies: list[tuple[str, str]], claim_rows: list, now, foreign_keys: str
) -> None:
    """One batch: COPY each table's text, update the claims, then check the batch's foreign
    keys now: deferred to COMMIT, they would run after the read, where nothing overlaps them.
    Only the posting tables' keys are checked early; others the caller's transaction may
    have pending keep waiting for COMMIT."""
    for sql, text in copies[:3]:  # payments, their lines, adjustments
        bulk.copy_into(cursor, sql, text)
    update_claims(cursor, claim_rows, now)
    for sql, text in copies[3:]:  # status history, denial cases
        bulk.copy_into(cursor, sql, text)
    if foreign_keys:  # one round trip (the worker waits for the interpreter after each)
        cursor.execute(
            f"SET CONSTRAINTS {foreign_keys} IMMEDIATE; SET CONSTRAINTS {foreign_keys} DEFERRED"
        )
