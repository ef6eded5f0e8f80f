"""Posting 835 remittances: all or nothing, exactly once per payer + trace number, with a
fixed number of queries per file (bulk reads and writes), whatever its number of claims."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from billing.choices import TRANSITIONS, ClaimStatus, DenialStatus
from billing.exceptions import RemittanceError
from billing.models import (
    Adjustment,
    Claim,
    ClaimLine,
    ClaimPayment,
    ClaimStatusChange,
    DenialCase,
    Encounter,
    LinePayment,
    ProviderAdjustment,
    Remittance,
)
from billing.x12.errors import X12Error
from billing.x12.reader835 import Claim835, Remittance835, read_835
from mso.audit.services import audit_record
from mso.reference.models import Payer
from mso.tenancy.context import current_practice
from practices.models import Coverage, Provider

from . import bulk
from .claims import claim_build

ZERO = Decimal("0.00")
REVERSAL, DENIED, NOT_OURS = "22", "4", "23"


def _payer_identifier(remit: Remittance835) -> str:
    return remit.payer.identifier or remit.trace.company_id


def _check_payee(remit: Remittance835) -> None:
    """Refuse a remittance addressed to another practice."""
    practice = current_practice()
    payee = remit.payee
    if payee.npi:
        if payee.npi != practice.group_npi and not Provider.objects.filter(npi=payee.npi).exists():
            raise RemittanceError(
                {
                    "file": [
                        f"This remittance pays NPI {payee.npi}, which is not "
                        f"{practice.name}'s group NPI or one of its providers: it belongs to "
                        "another practice."
                    ]
                }
            )
    elif payee.tin and practice.tin and payee.tin != practice.tin:
        raise RemittanceError(
            {"file": [f"This remittance pays TIN {payee.tin}, not {practice.name}'s."]}
        )


def _target_status(clp: Claim835) -> str | None:
    if clp.status_code == NOT_OURS:
        return None
    if clp.status_code == REVERSAL:
        return ClaimStatus.ACCEPTED
    patient_share = sum((a.amount for a in _all_adjustments(clp) if a.group == "PR"), ZERO)
    if clp.status_code == DENIED or (clp.payment == 0 and patient_share == 0):
        return ClaimStatus.DENIED
    if clp.payment > 0 and any(line.payment == 0 and line.charge > 0 for line in clp.lines):
        return ClaimStatus.PARTIALLY_PAID
    return ClaimStatus.PAID


def _all_adjustments(clp: Claim835):
    yield from clp.adjustments
    for line in clp.lines:
        yield from line.adjustments


@dataclass(slots=True)
class _ClaimRef:
    """What posting needs of a claim, read without building model instances."""

    pk: int
    patient_control_number: str
    status: str
    payer_id: int
    payer_claim_number: str
    patient_id: int
    coverage_priority: int


@dataclass(slots=True)
class _LineRef:
    pk: int
    line_control_number: str
    procedure_code: str
    service_date: object


def _match_line(line, claim_lines: list[_LineRef]) -> _LineRef | None:
    if line.line_control_number:
        for candidate in claim_lines:
            if candidate.line_control_number == line.line_control_number:
                return candidate
    code = line.original_procedure_code or line.procedure_code
    for candidate in claim_lines:
        if candidate.procedure_code == code and (
            line.service_date is None or candidate.service_date == line.service_date
        ):
            return candidate
    return None


def _lock_claims(pcns: list[str]) -> dict[str, _ClaimRef]:
    """The remittance's claims, locked for the posting (one query, array parameter)."""
    sql = (
        f"SELECT c.id, c.patient_control_number, c.status, c.payer_id, "  # noqa: S608
        f"c.payer_claim_number, e.patient_id, v.priority "
        f"FROM {Claim._meta.db_table} c "
        f"JOIN {Encounter._meta.db_table} e ON e.id = c.encounter_id "
        f"JOIN {Coverage._meta.db_table} v ON v.id = c.coverage_id "
        "WHERE c.patient_control_number = ANY(%s) FOR UPDATE OF c"
    )
    return {row[1]: _ClaimRef(*row) for row in bulk.select_rows(sql, [pcns])}


def _claim_lines(claim_ids: list[int]) -> dict[int, list[_LineRef]]:
    sql = (
        "SELECT claim_id, id, line_control_number, procedure_code, service_date "  # noqa: S608
        f"FROM {ClaimLine._meta.db_table} WHERE claim_id = ANY(%s) ORDER BY claim_id, line_number"
    )
    lines: dict[int, list[_LineRef]] = defaultdict(list)
    for claim_id, *rest in bulk.select_rows(sql, [claim_ids]):
        lines[claim_id].append(_LineRef(*rest))
    return lines


class _Posting:
    """Accumulates the rows of one remittance as plain tuples, then writes them with COPY:
    the statements a file needs do not depend on its number of claims."""

    def __init__(self, remit: Remittance835, remittance: Remittance, actor):
        self.remit, self.remittance, self.actor = remit, remittance, actor
        self.actor_id = actor.pk if actor is not None else None
        self.claims = _lock_claims(list({clp.patient_control_number for clp in remit.claims}))
        self.lines = _claim_lines([c.pk for c in self.claims.values()])
        self.paid_claims: list[_ClaimRef] = []
        self.payment_ids: list[int] = []
        self.now = timezone.now()
        self.summary = {
            "claims": len(remit.claims),
            "matched": 0,
            "unmatched": [],
            "paid_total": ZERO,
            "patient_responsibility_total": ZERO,
            "adjustments_by_group": defaultdict(lambda: ZERO),
            "plb_total": ZERO,
            "denied": [],
            "reversals": 0,
            "status_not_changed": [],
        }

    def post(self) -> dict:
        claims = self.remit.claims
        payment_ids = self.payment_ids = bulk.reserve_ids(ClaimPayment, len(claims))
        payments = [
            (clp, self.claims.get(clp.patient_control_number), payment_id)
            for clp, payment_id in zip(claims, payment_ids, strict=True)
        ]
        payment_rows, line_rows, adjustment_rows = [], [], []
        line_ids = iter(bulk.reserve_ids(LinePayment, sum(len(clp.lines) for clp in claims)))
        remittance_id = self.remittance.pk
        for clp, claim, payment_id in payments:
            self._tally(clp)
            payment_rows.append(
                (
                    payment_id,
                    remittance_id,
                    claim.pk if claim else None,
                    clp.patient_control_number,
                    clp.status_code,
                    clp.total_charge,
                    clp.payment,
                    clp.patient_responsibility,
                    clp.payer_claim_number,
                    [r.code for r in clp.remarks],
                    "",
                )
            )
            adjustment_rows += [self._adjustment(payment_id, None, adj) for adj in clp.adjustments]
            claim_lines = self.lines.get(claim.pk, []) if claim else []
            for line in clp.lines:
                line_id = next(line_ids)
                matched = _match_line(line, claim_lines)
                line_rows.append(
                    (
                        line_id,
                        payment_id,
                        matched.pk if matched else None,
                        line.procedure_code,
                        line.modifiers,
                        line.charge,
                        line.payment,
                        next((a.value for a in line.amounts if a.qualifier == "B6"), None),
                        line.units,
                        line.service_date,
                        [r.code for r in line.remarks],
                    )
                )
                adjustment_rows += [
                    self._adjustment(payment_id, line_id, adj) for adj in line.adjustments
                ]
        bulk.copy_rows(ClaimPayment, ("id", *PAYMENT_FIELDS), payment_rows)
        bulk.copy_rows(LinePayment, ("id", *LINE_FIELDS), line_rows)
        bulk.copy_rows(Adjustment, ADJUSTMENT_FIELDS, adjustment_rows)
        ProviderAdjustment.objects.bulk_create(
            ProviderAdjustment(
                remittance=self.remittance,
                provider_identifier=plb.provider_id,
                fiscal_date=plb.fiscal_period_end,
                reason=plb.reason,
                reference=plb.reference,
                amount=plb.amount,
            )
            for plb in self.remit.provider_adjustments
        )
        self.summary["plb_total"] = sum((p.amount for p in self.remit.provider_adjustments), ZERO)
        self._update_claims(payments)
        return self._summary_json()

    def _adjustment(self, payment_id: int, line_id: int | None, adj) -> tuple:
        self.summary["adjustments_by_group"][adj.group] += adj.amount
        return (payment_id, line_id, adj.group, adj.reason, adj.amount, adj.quantity)

    def _tally(self, clp: Claim835) -> None:
        self.summary["paid_total"] += clp.payment
        self.summary["patient_responsibility_total"] += clp.patient_responsibility
        if clp.patient_control_number in self.claims:
            self.summary["matched"] += 1
        else:
            self.summary["unmatched"].append(clp.patient_control_number)

    def _update_claims(self, payments) -> None:
        """Walk the CLPs in file order (a reversal then a new adjudication of the same claim
        is common), then write each claim's final status in one UPDATE."""
        final: dict[int, tuple[_ClaimRef, str]] = {}
        history, denials, denied = [], [], []
        for clp, claim, payment_id in payments:
            if claim is None:
                continue
            target = _target_status(clp)
            if clp.status_code == REVERSAL:
                self.summary["reversals"] += 1
            if target is None or target not in TRANSITIONS[claim.status]:
                self.summary["status_not_changed"].append(claim.patient_control_number)
                continue
            note = f"835 {self.remittance.trace_number}: {clp.status_code}, paid {clp.payment}"
            history.append((claim.pk, claim.status, target, self.actor_id, note, self.now))
            claim.status = target
            final[claim.pk] = (claim, target)
            if target in (ClaimStatus.DENIED, ClaimStatus.PARTIALLY_PAID):
                denials.append(self._denial(clp, payment_id, claim, target))
                if target == ClaimStatus.DENIED:
                    denied.append(claim.patient_control_number)
        self.paid_claims = [
            claim
            for claim, target in final.values()
            if target in (ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID)
        ]
        # The payer's claim number is what corrections and voids must quote.
        numbered: dict[int, str] = {}
        for clp, claim, _ in payments:
            if claim is not None and clp.payer_claim_number and not claim.payer_claim_number:
                claim.payer_claim_number = numbered[claim.pk] = clp.payer_claim_number
        _update_claim_rows({pk: target for pk, (_, target) in final.items()}, numbered, self.now)
        bulk.copy_rows(ClaimStatusChange, HISTORY_FIELDS, history)
        bulk.copy_rows(DenialCase, DENIAL_FIELDS, denials)
        self.summary["denied"] = denied

    def _denial(self, clp, payment_id, claim: _ClaimRef, target) -> tuple:
        denied_adjustments = [a for a in _all_adjustments(clp) if a.group != "PR"]
        if target == ClaimStatus.PARTIALLY_PAID:
            denied_lines = [line for line in clp.lines if line.payment == 0]
            denied_adjustments = [
                a for line in denied_lines for a in line.adjustments if a.group != "PR"
            ]
            amount = sum((line.charge for line in denied_lines), ZERO)
        else:
            amount = clp.total_charge - clp.payment - clp.patient_responsibility
        remarks = [r.code for r in clp.remarks] + [
            r.code for line in clp.lines for r in line.remarks
        ]
        return (
            claim.pk,
            payment_id,
            claim.payer_id,
            sorted({a.reason for a in denied_adjustments}),
            sorted(set(remarks)),
            sorted({a.group for a in denied_adjustments}),
            amount,
            target == ClaimStatus.DENIED,
            DenialStatus.OPEN,
            self.now,
            "",
        )

    def _summary_json(self) -> dict:
        s = self.summary
        return {
            "claims": s["claims"],
            "matched": s["matched"],
            "unmatched": s["unmatched"],
            "paid_total": str(s["paid_total"]),
            "patient_responsibility_total": str(s["patient_responsibility_total"]),
            "adjustments_by_group": {
                k: str(v) for k, v in sorted(s["adjustments_by_group"].items())
            },
            "plb_total": str(s["plb_total"]),
            "denied": s["denied"],
            "reversals": s["reversals"],
            "status_not_changed": s["status_not_changed"],
            "payment_amount": str(self.remit.payment.amount),
        }


PAYMENT_FIELDS = (
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


def _update_claim_rows(statuses: dict[int, str], numbers: dict[int, str], now) -> None:
    """Each touched claim's new status and first payer claim number in one UPDATE ... FROM
    (VALUES ...): every claim row is rewritten once. (Django's bulk_update builds a CASE per
    row, many times slower on large remittances.) NULL in a column keeps the current value."""
    rows = [(pk, statuses.get(pk), numbers.get(pk)) for pk in statuses.keys() | numbers.keys()]
    if not rows:
        return
    with connection.cursor() as cursor:
        now_sql = cursor.cursor.mogrify("%s", [now]).decode()  # a quoted timestamptz literal
        execute_values(
            cursor.cursor,  # the psycopg2 cursor, on the practice's search_path
            f"UPDATE {Claim._meta.db_table} AS c SET "  # noqa: S608
            "status = COALESCE(v.status, c.status), "
            "status_changed_at = CASE WHEN v.status IS NULL THEN c.status_changed_at "
            f"ELSE {now_sql} END, "
            "status_reason = CASE WHEN v.status IS NULL THEN c.status_reason ELSE '' END, "
            "payer_claim_number = COALESCE(v.number, c.payer_claim_number) "
            "FROM (VALUES %s) AS v(id, status, number) WHERE c.id = v.id",
            rows,
            template="(%s, %s::varchar, %s::varchar)",
            page_size=len(rows),
        )


def _queue_secondary(paid: list[_ClaimRef], actor) -> list[str]:
    """Bill the next payer for claims the primary adjudicated, carrying its payment."""
    queued = []
    # Most patients have one payer: look only at claims of patients with a secondary.
    with_secondary = set(
        Coverage.objects.filter(priority=2, is_active=True).values_list("patient_id", flat=True)
    )
    pks = [c.pk for c in paid if c.coverage_priority == 1 and c.patient_id in with_secondary]
    if not pks:
        return queued
    candidates = (
        Claim.objects.filter(pk__in=pks)
        .select_related("encounter__patient", "coverage")
        .prefetch_related("encounter__patient__coverages")
    )
    for claim in candidates:
        secondary = next(
            (
                c
                for c in claim.encounter.patient.coverages.all()
                if c.priority == 2 and c.covers(claim.encounter.date_of_service)
            ),
            None,
        )
        if (
            secondary is None
            or Claim.objects.filter(encounter=claim.encounter, coverage=secondary).exists()
        ):
            continue
        queued.append(
            claim_build(
                actor=actor, encounter=claim.encounter, coverage=secondary
            ).patient_control_number
        )
    return queued


def era_read(content: str) -> Remittance835:
    try:
        return read_835(content)
    except X12Error as exc:
        raise RemittanceError({"file": [f"Rejected, nothing posted: {exc}"]}) from exc


@transaction.atomic
def era_post(*, actor, file_name: str, content: str) -> tuple[Remittance, bool]:
    """Post an 835. Returns (remittance, created). The same payer + trace number again is
    reported as already posted (created=False) and changes nothing."""
    remit = era_read(content)
    identifier = _payer_identifier(remit)
    existing = Remittance.objects.filter(
        payer_identifier=identifier, trace_number=remit.trace.number
    ).first()
    if existing is not None:
        return existing, False
    _check_payee(remit)
    remittance = Remittance.objects.create(
        payer=Payer.objects.filter(payer_id=remit.payer.identifier).first(),
        payer_name=remit.payer.name[:120],
        payer_identifier=identifier,
        trace_number=remit.trace.number,
        payment_amount=remit.payment.amount,
        payment_method=remit.payment.method,
        payment_date=remit.payment.date,
        file_name=file_name[:200],
        content_sha256=hashlib.sha256(content.encode()).hexdigest(),
        claim_count=len(remit.claims),
        posted_by=actor,
    )
    posting = _Posting(remit, remittance, actor)
    summary = posting.post()
    summary["secondary_claims"] = _queue_secondary(posting.paid_claims, actor)
    remittance.matched_count = summary["matched"]
    remittance.summary = summary
    remittance.save(update_fields=["matched_count", "summary"])
    # The posting knows its rows and patients: the audit event needs no query to find them.
    audit_record(
        actor=actor,
        action="era.post",
        obj=remittance,
        changes={
            **{k: summary[k] for k in ("claims", "matched", "paid_total")},
            "claim_payment_ids": posting.payment_ids,
        },
        patient_ids=sorted({claim.patient_id for claim in posting.claims.values()}),
    )
    return remittance, True
