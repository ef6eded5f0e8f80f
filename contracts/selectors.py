from datetime import timedelta

from django.db.models import Count, Sum
from django.utils import timezone

from .choices import InvoiceStatus
from .models import Agreement, FeeCalculation, FmvOpinion, Invoice


def finance_dashboard() -> dict:
    """Fee revenue per practice and per model, the monthly trend, effective rate, and what
    expires within 90 days."""
    today = timezone.localdate()
    soon = today + timedelta(days=90)
    calcs = FeeCalculation.objects.select_related("agreement__practice")
    by_practice: dict[str, dict] = {}
    for calc in calcs:
        row = by_practice.setdefault(
            calc.agreement.practice.name,
            {
                "practice": calc.agreement.practice.name,
                "fees": 0,
                "collections": 0,
                "model": calc.agreement.get_fee_model_display(),
            },
        )
        row["fees"] += calc.total
        row["collections"] += _net(calc.inputs)
    for row in by_practice.values():
        row["effective_rate"] = (
            (row["fees"] / row["collections"] * 100).quantize(type(row["fees"])("0.01"))
            if row["collections"]
            else None
        )
    trend = list(calcs.values("period").annotate(total=Sum("total")).order_by("period"))
    by_model = list(
        calcs.values("agreement__fee_model").annotate(total=Sum("total"), n=Count("pk"))
    )
    expiring = [
        a
        for a in Agreement.objects.select_related("practice")
        if a.terminated_on and today <= a.terminated_on <= soon
    ]
    lapsing = FmvOpinion.objects.filter(expires_on__range=(today, soon)).select_related(
        "agreement__practice"
    )
    outstanding = (
        Invoice.objects.filter(status=InvoiceStatus.ISSUED).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    return {
        "by_practice": sorted(by_practice.values(), key=lambda r: -r["fees"]),
        "trend": trend,
        "by_model": by_model,
        "expiring": expiring,
        "lapsing": lapsing,
        "outstanding": outstanding,
    }


def _net(inputs: dict):
    from decimal import Decimal

    return Decimal(inputs.get("payments", "0")) - Decimal(inputs.get("refunds", "0"))
