"""The inputs of the revenue-cycle KPIs, read with a fixed number of queries."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from billing import kpis
from billing.aging import AgingReport
from billing.choices import ClaimStatus, DenialStatus, Frequency, PatientPaymentKind
from billing.models import (
    Adjustment,
    Claim,
    ClaimPayment,
    ClaimStatusChange,
    DenialCase,
    PatientPayment,
)
from billing.selectors_ar import insurance_aging, patient_aging, patient_labels

ZERO = Decimal("0.00")


def claim_outcomes() -> list[kpis.ClaimOutcome]:
    """One outcome per original claim (corrections count as rework of their original)."""
    originals = list(
        Claim.objects.filter(frequency_code=Frequency.ORIGINAL).values("pk", "total_charge")
    )
    history = defaultdict(list)
    for change in ClaimStatusChange.objects.order_by("at", "id").values(
        "claim_id", "to_status", "at"
    ):
        history[change["claim_id"]].append(change)
    first_payment: dict[int, dict] = {}
    for payment in (
        ClaimPayment.objects.filter(claim__isnull=False)
        .exclude(status_code="22")
        .order_by("remittance__posted_at", "id")
        .values(
            "claim_id", "status_code", "paid", "patient_responsibility", "remittance__posted_at"
        )
    ):
        first_payment.setdefault(payment["claim_id"], payment)
    reworked = set(
        Claim.objects.exclude(original_claim=None).values_list("original_claim_id", flat=True)
    )
    reworked |= set(
        DenialCase.objects.filter(
            status__in=[DenialStatus.RESUBMITTED, DenialStatus.APPEALED]
        ).values_list("claim_id", flat=True)
    )
    outcomes = []
    for claim in originals:
        steps = history[claim["pk"]]
        statuses = [s["to_status"] for s in steps]
        submitted = next(
            (timezone.localdate(s["at"]) for s in steps if s["to_status"] == ClaimStatus.BATCHED),
            None,
        )
        after_draft = [s for s in statuses if s != ClaimStatus.DRAFT]
        payment = first_payment.get(claim["pk"])
        outcomes.append(
            kpis.ClaimOutcome(
                claim_id=claim["pk"],
                submitted_on=submitted,
                first_scrub_clean=bool(after_draft) and after_draft[0] == ClaimStatus.READY,
                rejected_by_clearinghouse=ClaimStatus.REJECTED in statuses,
                adjudicated_on=(
                    timezone.localdate(payment["remittance__posted_at"]) if payment else None
                ),
                denied=bool(payment)
                and (
                    payment["status_code"] == "4"
                    or (payment["paid"] == 0 and payment["patient_responsibility"] == 0)
                ),
                paid=payment["paid"] if payment else ZERO,
                charge=claim["total_charge"],
                reworked=claim["pk"] in reworked,
            )
        )
    return outcomes


def period_money(period: kpis.Period) -> kpis.PeriodMoney:
    within = Q(
        remittance__posted_at__date__gte=period.start, remittance__posted_at__date__lte=period.end
    )
    charges = (
        Claim.objects.filter(
            frequency_code=Frequency.ORIGINAL,
            encounter__date_of_service__range=(period.start, period.end),
        ).aggregate(total=Sum("total_charge"))["total"]
        or ZERO
    )
    insurance = ClaimPayment.objects.filter(within).aggregate(total=Sum("paid"))["total"] or ZERO
    patients = PatientPayment.objects.filter(received_on__range=(period.start, period.end))
    paid = (
        patients.filter(kind=PatientPaymentKind.PAYMENT).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    refunds = (
        patients.filter(kind=PatientPaymentKind.REFUND).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    contractual = (
        Adjustment.objects.filter(group="CO")
        .filter(
            claim_payment__remittance__posted_at__date__gte=period.start,
            claim_payment__remittance__posted_at__date__lte=period.end,
        )
        .aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    return kpis.PeriodMoney(
        charges=charges,
        payments=insurance + paid,
        refunds=refunds,
        contractual_adjustments=contractual,
    )


def dashboard(as_of: date) -> dict:
    """Everything the practice dashboard shows: KPIs with definitions, aging, trends."""
    period = kpis.Period.trailing(as_of, days=90)
    counts = kpis.count_claims(claim_outcomes(), period)
    insurance: AgingReport = insurance_aging(as_of)
    patients: AgingReport = patient_aging(as_of)
    ar_total = insurance.total.total + patients.total.total
    money = period_money(period)
    indicators = [
        kpis.days_in_ar(ar_total, money.charges),
        kpis.clean_claim_rate(counts),
        kpis.first_pass_resolution_rate(counts),
        kpis.denial_rate(counts),
        kpis.net_collection_rate(money),
        kpis.ar_over_90(insurance),
    ]
    return {
        "as_of": as_of,
        "period": period,
        "kpis": indicators,
        "insurance": insurance,
        "patients": patients,
        "patient_labels": patient_labels(patients),
        "ar_total": ar_total,
        "money": money,
        "collections": collections_by_month(as_of),
    }


def collections_by_month(as_of: date, months: int = 6) -> dict:
    start = (as_of.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    paid = {
        row["month"].date(): row["total"]
        for row in ClaimPayment.objects.filter(remittance__posted_at__date__gte=start)
        .annotate(month=TruncMonth("remittance__posted_at"))
        .values("month")
        .annotate(total=Sum("paid"))
    }
    charged = {
        row["month"]: row["total"]
        for row in Claim.objects.filter(
            frequency_code=Frequency.ORIGINAL, encounter__date_of_service__gte=start
        )
        .annotate(month=TruncMonth("encounter__date_of_service"))
        .values("month")
        .annotate(total=Sum("total_charge"))
    }
    payments, charges = [], []
    month = start
    while month <= as_of:
        payments.append((month.strftime("%b %Y"), paid.get(month, ZERO)))
        charges.append((month.strftime("%b %Y"), charged.get(month, ZERO)))
        month = (month + timedelta(days=32)).replace(day=1)
    return {"payments": payments, "charges": charges}
