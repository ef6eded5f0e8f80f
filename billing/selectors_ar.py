"""Accounts receivable reads: what payers and patients still owe, aged."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Min, Q, Sum
from django.utils import timezone

from billing.aging import AgingItem, AgingReport, aging, claim_from_date
from billing.choices import ClaimStatus, PatientPaymentKind
from billing.models import (
    Adjustment,
    Claim,
    ClaimPayment,
    ClaimStatusChange,
    PatientPayment,
)
from practices.models import Patient

ZERO = Decimal("0.00")
# Claims the payer still owes an answer on.
OPEN_INSURANCE = (
    ClaimStatus.BATCHED,
    ClaimStatus.SUBMITTED,
    ClaimStatus.ACCEPTED,
    ClaimStatus.DENIED,
    ClaimStatus.PARTIALLY_PAID,
)


def first_submitted() -> dict[int, date]:
    """claim id -> the day it was first batched (one query)."""
    rows = (
        ClaimStatusChange.objects.filter(to_status=ClaimStatus.BATCHED)
        .values("claim_id")
        .annotate(first=Min("at"))
    )
    return {row["claim_id"]: timezone.localdate(row["first"]) for row in rows}


def insurance_balances() -> list[tuple[Claim, Decimal]]:
    """Open insurance claims with what is still outstanding: charge - paid - adjustments
    (contractual, patient responsibility and others)."""
    claims = list(
        Claim.objects.filter(status__in=OPEN_INSURANCE).select_related("payer", "encounter")
    )
    settled = defaultdict(lambda: ZERO)
    # Two aggregates, not one join: joining adjustments would repeat each payment.
    for row in (
        ClaimPayment.objects.filter(claim__in=claims).values("claim_id").annotate(paid=Sum("paid"))
    ):
        settled[row["claim_id"]] += row["paid"] or ZERO
    for row in (
        Adjustment.objects.filter(claim_payment__claim__in=claims)
        .values("claim_payment__claim_id")
        .annotate(adjusted=Sum("amount"))
    ):
        settled[row["claim_payment__claim_id"]] += row["adjusted"] or ZERO
    return [
        (claim, claim.total_charge - settled[claim.pk])
        for claim in claims
        if claim.status != ClaimStatus.DENIED or claim.total_charge - settled[claim.pk]
    ]


def insurance_aging(as_of: date) -> AgingReport:
    submitted = first_submitted()
    items = [
        AgingItem(
            key=claim.payer.name,
            from_date=claim_from_date(submitted.get(claim.pk), claim.encounter.date_of_service),
            balance=balance,
        )
        for claim, balance in insurance_balances()
        if balance > 0
    ]
    return aging(items, as_of)


def patient_balances(patient_ids=None) -> dict[int, Decimal]:
    """patient id -> what they owe after insurance (patient responsibility - payments +
    refunds). Reversals carry negative responsibility, so they net out."""
    owed = defaultdict(lambda: ZERO)
    responsibility = ClaimPayment.objects.filter(claim__isnull=False)
    payments = PatientPayment.objects.all()
    if patient_ids is not None:
        responsibility = responsibility.filter(claim__encounter__patient_id__in=patient_ids)
        payments = payments.filter(patient_id__in=patient_ids)
    for row in responsibility.values("claim__encounter__patient_id").annotate(
        total=Sum("patient_responsibility")
    ):
        owed[row["claim__encounter__patient_id"]] += row["total"] or ZERO
    for row in payments.values("patient_id").annotate(
        paid=Sum("amount", filter=Q(kind=PatientPaymentKind.PAYMENT)),
        refunded=Sum("amount", filter=Q(kind=PatientPaymentKind.REFUND)),
    ):
        owed[row["patient_id"]] += (row["refunded"] or ZERO) - (row["paid"] or ZERO)
    return dict(owed)


def patient_responsibility_items(patient_ids) -> list[AgingItem]:
    """Each claim's patient share as an aging item dated by its remittance."""
    rows = (
        ClaimPayment.objects.filter(claim__encounter__patient_id__in=patient_ids)
        .values("claim__encounter__patient_id", "remittance__posted_at")
        .annotate(total=Sum("patient_responsibility"))
    )
    return [
        AgingItem(
            key=str(row["claim__encounter__patient_id"]),
            from_date=timezone.localdate(row["remittance__posted_at"]),
            balance=row["total"],
        )
        for row in rows
        if row["total"]
    ]


def patient_aging(as_of: date) -> AgingReport:
    balances = {pid: b for pid, b in patient_balances().items() if b > 0}
    items = patient_responsibility_items(list(balances))
    # Payments pay the oldest shares first: reduce from the oldest bucket.
    paid = {pid: total - balances[pid] for pid, total in _totals(items).items() if pid in balances}
    remaining = []
    for item in sorted(items, key=lambda i: i.from_date):
        pid = int(item.key)
        use = min(paid.get(pid, ZERO), item.balance)
        paid[pid] = paid.get(pid, ZERO) - use
        if item.balance - use > 0:
            remaining.append(
                AgingItem(key=item.key, from_date=item.from_date, balance=item.balance - use)
            )
    return aging(remaining, as_of)


def _totals(items) -> dict[int, Decimal]:
    totals = defaultdict(lambda: ZERO)
    for item in items:
        totals[int(item.key)] += item.balance
    return totals


def patient_labels(report: AgingReport) -> dict[str, str]:
    """Aging keys (patient ids) -> "Last, First (MRN)" for display."""
    ids = [int(row.key) for row in report.rows]
    return {
        str(p.pk): f"{p.last_name}, {p.first_name} ({p.mrn})"
        for p in Patient.objects.filter(pk__in=ids)
    }
