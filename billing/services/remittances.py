"""Posting 835 remittances: all or nothing, exactly once per payer + trace number, with a
fixed number of queries per file (bulk reads and writes), whatever its number of claims."""

import hashlib
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from billing.choices import TRANSITIONS, ClaimStatus
from billing.exceptions import RemittanceError
from billing.models import (
    Adjustment,
    Claim,
    ClaimLine,
    ClaimPayment,
    ClaimStatusChange,
    DenialCase,
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


def _target_status(clp: Claim835, claim: Claim) -> str | None:
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


def _match_line(line, claim_lines: list[ClaimLine]) -> ClaimLine | None:
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


class _Posting:
    """Accumulates the rows of one remittance, then writes them in bulk."""

    def __init__(self, remit: Remittance835, remittance: Remittance, actor):
        self.remit, self.remittance, self.actor = remit, remittance, actor
        pcns = {clp.patient_control_number for clp in remit.claims}
        self.claims = {
            c.patient_control_number: c
            for c in Claim.objects.select_for_update().filter(patient_control_number__in=pcns)
        }
        self.paid_claims: list[Claim] = []
        self.lines: dict[int, list[ClaimLine]] = defaultdict(list)
        for line in ClaimLine.objects.filter(claim__in=self.claims.values()):
            self.lines[line.claim_id].append(line)
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
        """Rows go in with INSERT ... VALUES ... RETURNING id in pages of thousands: the
        statements a file needs depend on its size only through the page size."""
        payment_rows = []
        for clp in self.remit.claims:
            claim = self.claims.get(clp.patient_control_number)
            payment_rows.append(
                (
                    self.remittance.pk,
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
            self._tally(clp)
        payment_ids = _insert_rows(ClaimPayment, PAYMENT_FIELDS, payment_rows)
        payments = [
            (clp, self.claims.get(clp.patient_control_number), payment_id)
            for clp, payment_id in zip(self.remit.claims, payment_ids, strict=True)
        ]
        line_rows, line_adjustments, adjustment_rows = [], [], []
        for clp, claim, payment_id in payments:
            claim_lines = self.lines.get(claim.pk, []) if claim else []
            adjustment_rows += [self._adjustment(payment_id, None, adj) for adj in clp.adjustments]
            for line in clp.lines:
                matched = _match_line(line, claim_lines)
                line_rows.append(
                    (
                        payment_id,
                        matched.pk if matched else None,
                        line.procedure_code,
                        list(line.modifiers),
                        line.charge,
                        line.payment,
                        next((a.value for a in line.amounts if a.qualifier == "B6"), None),
                        line.units,
                        line.service_date,
                        [r.code for r in line.remarks],
                    )
                )
                line_adjustments.append((payment_id, line.adjustments))
        line_ids = _insert_rows(LinePayment, LINE_FIELDS, line_rows)
        for (payment_id, adjustments), line_id in zip(line_adjustments, line_ids, strict=True):
            adjustment_rows += [self._adjustment(payment_id, line_id, adj) for adj in adjustments]
        _insert_rows(Adjustment, ADJUSTMENT_FIELDS, adjustment_rows, returning=False)
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
        is common), then write each claim's final status in one UPDATE per status."""
        final: dict[int, tuple[Claim, str]] = {}
        history, denials, now = [], [], timezone.now()
        for clp, claim, payment_id in payments:
            if claim is None:
                continue
            target = _target_status(clp, claim)
            if clp.status_code == REVERSAL:
                self.summary["reversals"] += 1
            if target is None or target not in TRANSITIONS[claim.status]:
                self.summary["status_not_changed"].append(claim.patient_control_number)
                continue
            note = f"835 {self.remittance.trace_number}: {clp.status_code}, paid {clp.payment}"
            history.append(
                ClaimStatusChange(
                    claim=claim,
                    from_status=claim.status,
                    to_status=target,
                    actor=self.actor,
                    note=note,
                )
            )
            claim.status = target
            final[claim.pk] = (claim, target)
            if target in (ClaimStatus.DENIED, ClaimStatus.PARTIALLY_PAID):
                denials.append(self._denial(clp, payment_id, claim, target))
        moves: dict[str, list[int]] = defaultdict(list)
        for pk, (_, target) in final.items():
            moves[target].append(pk)
        for target, pks in moves.items():
            Claim.objects.filter(pk__in=pks).update(
                status=target, status_changed_at=now, status_reason=""
            )
        self.paid_claims = [
            claim
            for claim, target in final.values()
            if target in (ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID)
        ]
        # The payer's claim number is what corrections and voids must quote.
        numbered = []
        for clp, claim, _ in payments:
            if claim is not None and clp.payer_claim_number and not claim.payer_claim_number:
                claim.payer_claim_number = clp.payer_claim_number
                numbered.append(claim)
        _set_payer_claim_numbers(numbered)
        ClaimStatusChange.objects.bulk_create(history, batch_size=2000)
        DenialCase.objects.bulk_create(denials, batch_size=2000)
        self.summary["denied"] = [d.claim.patient_control_number for d in denials if d.whole_claim]

    def _denial(self, clp, payment_id, claim, target) -> DenialCase:
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
        return DenialCase(
            claim=claim,
            claim_payment_id=payment_id,
            payer_id=claim.payer_id,
            reason_codes=sorted({a.reason for a in denied_adjustments}),
            group_codes=sorted({a.group for a in denied_adjustments}),
            remark_codes=sorted(set(remarks)),
            amount=amount,
            whole_claim=target == ClaimStatus.DENIED,
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
PAGE = 2000


def _insert_rows(model, fields, rows: list[tuple], *, returning: bool = True) -> list[int]:
    """INSERT rows (tuples in `fields` order) in pages; the new ids in input order."""
    if not rows:
        return []
    columns = ", ".join(f'"{model._meta.get_field(name).column}"' for name in fields)
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES %s"  # noqa: S608
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), PAGE):
            page = rows[start : start + PAGE]
            if returning:
                result = execute_values(
                    cursor.cursor, sql + " RETURNING id", page, page_size=PAGE, fetch=True
                )
                ids += [row[0] for row in result]
            else:
                execute_values(cursor.cursor, sql, page, page_size=PAGE)
    return ids


def _set_payer_claim_numbers(claims: list[Claim]) -> None:
    """One UPDATE ... FROM (VALUES ...) per 5,000 claims; Django's bulk_update builds a CASE
    per row, which is many times slower on large remittances."""
    table = Claim._meta.db_table
    for start in range(0, len(claims), 5000):
        chunk = claims[start : start + 5000]
        with connection.cursor() as cursor:
            execute_values(
                cursor.cursor,  # the psycopg2 cursor, on the practice's search_path
                f"UPDATE {table} AS c SET payer_claim_number = v.number "  # noqa: S608
                "FROM (VALUES %s) AS v(id, number) WHERE c.id = v.id",
                [(claim.pk, claim.payer_claim_number) for claim in chunk],
            )


def _queue_secondary(paid: list[Claim], actor) -> list[str]:
    """Bill the next payer for claims the primary adjudicated, carrying its payment."""
    queued = []
    # Most patients have one payer: look only at claims of patients with a secondary.
    with_secondary = Coverage.objects.filter(priority=2, is_active=True).values("patient_id")
    candidates = (
        Claim.objects.filter(
            pk__in=[c.pk for c in paid],
            coverage__priority=1,
            encounter__patient_id__in=with_secondary,
        )
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
    audit_record(
        actor=actor,
        action="era.post",
        obj=remittance,
        changes={k: summary[k] for k in ("claims", "matched", "paid_total")},
    )
    return remittance, True
