"""Posting 835 remittances: all or nothing, exactly once per payer + trace number.

The claims are posted while the file is read: the reader hands each claim to the posting (a
ClaimSink), which matches claims and lines and turns them into rows in batches; each batch's
writes go to a database worker thread, so PostgreSQL writes one batch while Python reads the
next. All of it is one transaction: a file found invalid at its last segment posts nothing.
The number of statements depends on the number of batches (at most BATCHES), never on the
number of claims.
"""

import hashlib
import sys
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from billing.choices import TRANSITIONS, ClaimStatus, DenialStatus
from billing.exceptions import RemittanceError
from billing.models import Claim, ProviderAdjustment, Remittance
from billing.x12.errors import X12Error
from billing.x12.reader835 import Claim835, ClaimSink, Remittance835, read_835, scan_claims
from mso.audit.services import audit_record
from mso.reference.models import Payer
from mso.tenancy.context import current_practice
from practices.models import Coverage, Provider

from . import bulk, posting_sql
from .claims import claim_build
from .dbworker import ConnectionWorker
from .posting_sql import BATCH_TABLES, ClaimRef, Known, LineRef

BATCHES = 8  # a file's claims are posted in at most this many batches ...
MIN_BATCH = 100  # ... of at least this many claims
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


def _match_line(line, claim_lines: list[LineRef]) -> LineRef | None:
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


class _Posting(ClaimSink):
    """Posts one remittance as the reader hands over its header, then its claims."""

    def __init__(self, actor, file_name: str, content: str, worker: ConnectionWorker):
        self.actor, self.file_name, self.content = actor, file_name, content
        self.actor_id = actor.pk if actor is not None else None
        self.worker = worker
        # The claims, their lines and the new rows' ids are fetched while the file is read.
        pcns, line_count = scan_claims(content)
        self.scanned = set(pcns)
        self.prefetched = worker.submit(
            posting_sql.prefetch, sorted(self.scanned), len(pcns), line_count
        )
        self.foreign_keys = worker.submit(posting_sql.batch_foreign_keys)
        self.known: Known | None = None
        # Without claim numbers from the scan, one batch after the read: the statements stay
        # few, whatever the number of claims.
        self.batch_size = max(MIN_BATCH, -(-len(pcns) // BATCHES)) if pcns else sys.maxsize
        self.pending: list[Claim835] = []
        self.remittance: Remittance | None = None
        self.duplicate: Remittance | None = None
        self.refusal: RemittanceError | None = None
        self.trace_number = ""
        self.ignoring = False
        self.failure: Exception | None = None
        self.final: dict[int, tuple[ClaimRef, str]] = {}
        self.payment_ids: list[int] = []
        self.patient_ids: set[int] = set()
        self.now = timezone.now()
        self.summary = {
            "claims": 0,
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

    # -- ClaimSink. The reader calls these during the read; they run statements only here, in
    # header() before any batch (COPY) was handed to the worker, and in finish() after drain().

    def header(self, remittance: Remittance835) -> None:
        self._guarded(self._header, remittance)

    def claim(self, claim: Claim835) -> None:
        if self.remittance is None or self.ignoring or self.failure is not None:
            return
        self.pending.append(claim)
        if len(self.pending) >= self.batch_size:
            self._guarded(self._flush)

    def _guarded(self, step, *args) -> None:
        """Run a posting step during the read. A failure (most often a database error the
        worker met) must not replace the reader's verdict on the file: posting stops, and the
        failure is raised once the file has been read without a defect."""
        if self.failure is not None:
            return
        try:
            step(*args)
        except Exception as exc:  # raised again by finish()
            self.failure = exc
            self.pending = []

    def _header(self, remittance: Remittance835) -> None:
        if self.remittance is not None or self.duplicate or self.refusal:
            self.ignoring = True  # a second transaction set: read_835 refuses the file
            return
        identifier = _payer_identifier(remittance)
        self.duplicate = Remittance.objects.filter(
            payer_identifier=identifier, trace_number=remittance.trace.number
        ).first()
        if self.duplicate is not None:
            return
        try:
            _check_payee(remittance)
        except RemittanceError as exc:
            self.refusal = exc  # raised once the file is read: a defect in it comes first
            return
        self.trace_number = remittance.trace.number
        self.remittance = Remittance.objects.create(
            payer=Payer.objects.filter(payer_id=remittance.payer.identifier).first(),
            payer_name=remittance.payer.name[:120],
            payer_identifier=identifier,
            trace_number=remittance.trace.number,
            payment_amount=remittance.payment.amount,
            payment_method=remittance.payment.method,
            payment_date=remittance.payment.date,
            file_name=self.file_name[:200],
            content_sha256=hashlib.sha256(self.content.encode()).hexdigest(),
            claim_count=0,
            posted_by=self.actor,
        )

    # -- batches

    def _flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        if self.worker.failed():
            self.worker.drain()  # raises: no use queueing writes in an aborted transaction
        known = self._known(batch)
        payments = [
            (clp, known.claims.get(clp.patient_control_number), known.payment_ids.popleft())
            for clp in batch
        ]
        payment_rows, line_rows, adjustment_rows = self._payment_rows(payments, known)
        claim_rows, history, denials = self._status_rows(payments)
        rows = (payment_rows, line_rows, adjustment_rows, history, denials)
        copies = [
            (bulk.copy_sql(model, fields), bulk.copy_text(model, fields, table_rows))
            for (model, fields), table_rows in zip(BATCH_TABLES, rows, strict=True)
        ]
        foreign_keys = self.worker.result(self.foreign_keys)  # long done by now
        self.worker.submit(posting_sql.write_batch, copies, claim_rows, self.now, foreign_keys)

    def _known(self, batch: list[Claim835]) -> Known:
        """The prefetched claims and ids, topped up (rarely) for what the scan missed."""
        if self.known is None:
            self.known = self.worker.result(self.prefetched)
        known = self.known
        missed = {c.patient_control_number for c in batch} - self.scanned
        if missed:
            self.scanned |= missed
            extra = self.worker.result(
                self.worker.submit(posting_sql.prefetch, sorted(missed), 0, 0)
            )
            known.claims.update(extra.claims)
            known.lines.update(extra.lines)
        line_count = sum(len(c.lines) for c in batch)
        if len(known.payment_ids) < len(batch) or len(known.line_ids) < line_count:
            more = self.worker.result(
                self.worker.submit(posting_sql.prefetch, [], len(batch), line_count)
            )
            known.payment_ids.extend(more.payment_ids)
            known.line_ids.extend(more.line_ids)
        return known

    def _payment_rows(self, payments, known: Known) -> tuple[list, list, list]:
        payment_rows, line_rows, adjustment_rows = [], [], []
        remittance_id = self.remittance.pk
        line_ids = known.line_ids
        for clp, claim, payment_id in payments:
            self._tally(clp, claim)
            self.payment_ids.append(payment_id)
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
            claim_lines = known.lines.get(claim.pk, []) if claim else []
            for line in clp.lines:
                line_id = line_ids.popleft()
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
        return payment_rows, line_rows, adjustment_rows

    def _adjustment(self, payment_id: int, line_id: int | None, adj) -> tuple:
        self.summary["adjustments_by_group"][adj.group] += adj.amount
        return (payment_id, line_id, adj.group, adj.reason, adj.amount, adj.quantity)

    def _tally(self, clp: Claim835, claim: ClaimRef | None) -> None:
        summary = self.summary
        summary["claims"] += 1
        summary["paid_total"] += clp.payment
        summary["patient_responsibility_total"] += clp.patient_responsibility
        if claim is not None:
            summary["matched"] += 1
            self.patient_ids.add(claim.patient_id)
        else:
            summary["unmatched"].append(clp.patient_control_number)

    def _status_rows(self, payments) -> tuple[list, list, list]:
        """Walk the CLPs in file order (a reversal then a new adjudication of the same claim
        is common, maybe in different batches): each claim's new status, its history and
        the denial cases opened."""
        changed: dict[int, str] = {}
        history, denials = [], []
        for clp, claim, payment_id in payments:
            if claim is None:
                continue
            target = _target_status(clp)
            if clp.status_code == REVERSAL:
                self.summary["reversals"] += 1
            if target is None or target not in TRANSITIONS[claim.status]:
                self.summary["status_not_changed"].append(claim.patient_control_number)
                continue
            note = f"835 {self.trace_number}: {clp.status_code}, paid {clp.payment}"
            history.append((claim.pk, claim.status, target, self.actor_id, note, self.now))
            claim.status = changed[claim.pk] = target
            self.final[claim.pk] = (claim, target)
            if target in (ClaimStatus.DENIED, ClaimStatus.PARTIALLY_PAID):
                denials.append(self._denial(clp, payment_id, claim, target))
                if target == ClaimStatus.DENIED:
                    self.summary["denied"].append(claim.patient_control_number)
        # The payer's claim number is what corrections and voids must quote.
        numbered: dict[int, str] = {}
        for clp, claim, _ in payments:
            if claim is not None and clp.payer_claim_number and not claim.payer_claim_number:
                claim.payer_claim_number = numbered[claim.pk] = clp.payer_claim_number
        claim_rows = [
            (pk, changed.get(pk), numbered.get(pk)) for pk in changed.keys() | numbered.keys()
        ]
        return claim_rows, history, denials

    def _denial(self, clp, payment_id, claim: ClaimRef, target) -> tuple:
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

    # -- the end of the file

    def finish(self, remit: Remittance835) -> tuple[Remittance, bool]:
        """The file has been read without a defect: write what is left, and sum up."""
        if self.remittance is not None and self.failure is None:
            self._flush()
        self.worker.drain()  # a failed statement surfaces here (the cause of what followed)
        if self.failure is not None:
            raise self.failure
        if self.duplicate is not None:
            return self.duplicate, False
        if self.refusal is not None:
            raise self.refusal
        assert self.remittance is not None  # header() ran: a read file has a header
        remittance = self.remittance
        ProviderAdjustment.objects.bulk_create(
            ProviderAdjustment(
                remittance=remittance,
                provider_identifier=plb.provider_id,
                fiscal_date=plb.fiscal_period_end,
                reason=plb.reason,
                reference=plb.reference,
                amount=plb.amount,
            )
            for plb in remit.provider_adjustments
        )
        self.summary["plb_total"] = sum((p.amount for p in remit.provider_adjustments), ZERO)
        summary = self._summary_json(remit)
        paid = [
            claim
            for claim, target in self.final.values()
            if target in (ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID)
        ]
        summary["secondary_claims"] = _queue_secondary(paid, self.actor)
        remittance.claim_count = len(remit.claims)
        remittance.matched_count = summary["matched"]
        remittance.summary = summary
        remittance.save(update_fields=["claim_count", "matched_count", "summary"])
        # The posting knows its rows and patients: the audit event needs no query to find them.
        audit_record(
            actor=self.actor,
            action="era.post",
            obj=remittance,
            changes={
                **{k: summary[k] for k in ("claims", "matched", "paid_total")},
                "claim_payment_ids": self.payment_ids,
            },
            patient_ids=sorted(self.patient_ids),
        )
        return remittance, True

    def _summary_json(self, remit: Remittance835) -> dict:
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
            "payment_amount": str(remit.payment.amount),
        }


def _queue_secondary(paid: list[ClaimRef], actor) -> list[str]:
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


def era_read(content: str, sink: ClaimSink | None = None) -> Remittance835:
    try:
        return read_835(content, sink=sink)
    except X12Error as exc:
        raise RemittanceError({"file": [f"Rejected, nothing posted: {exc}"]}) from exc


def era_post(*, actor, file_name: str, content: str) -> tuple[Remittance, bool]:
    """Post an 835. Returns (remittance, created). The same payer + trace number again is
    reported as already posted (created=False) and changes nothing."""
    # The worker stops (its last statement done) before the transaction ends, whatever
    # happened. The reader pauses the garbage collector while it reads, which is while the
    # claims are posted.
    with transaction.atomic(), ConnectionWorker() as worker:
        posting = _Posting(actor, file_name, content, worker)
        return posting.finish(era_read(content, sink=posting))
