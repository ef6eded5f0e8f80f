"""Denial work queue and analytics reads."""

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from billing.choices import DENIAL_OPEN_STATUSES
from billing.models import DenialCase
from billing.x12.carc import carc_text
from mso.accounts.choices import Role
from mso.accounts.models import User


def denial_queryset() -> QuerySet[DenialCase]:
    return DenialCase.objects.select_related(
        "claim__encounter__patient", "payer", "assigned_to", "claim_payment__remittance"
    )


def denial_queue(
    *, status: str = "", reason: str = "", payer: str = "", assignee: str = ""
) -> QuerySet[DenialCase]:
    queryset = denial_queryset()
    queryset = (
        queryset.filter(status=status)
        if status
        else queryset.filter(status__in=DENIAL_OPEN_STATUSES)
    )
    if reason:
        queryset = queryset.filter(reason_codes__contains=[reason])
    if payer:
        queryset = queryset.filter(payer_id=payer)
    if assignee == "me":
        queryset = queryset.filter(assigned_to__isnull=False)
    return queryset.order_by("-amount", "opened_at")


def denial_analytics() -> dict:
    """Top reasons, by payer and the monthly trend (count and amount)."""
    reasons: dict[str, dict] = {}
    for codes, amount in DenialCase.objects.values_list("reason_codes", "amount"):
        for code in codes or ["—"]:
            entry = reasons.setdefault(
                code, {"code": code, "text": carc_text(code), "count": 0, "amount": 0}
            )
            entry["count"] += 1
            entry["amount"] += amount
    by_payer = list(
        DenialCase.objects.values("payer__name")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("-amount")
    )
    trend = list(
        DenialCase.objects.annotate(month=TruncMonth("opened_at"))
        .values("month")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("month")
    )
    return {
        "reasons": sorted(reasons.values(), key=lambda r: -r["count"])[:10],
        "by_payer": by_payer,
        "trend": trend,
    }


def denial_assignees(practice) -> QuerySet:
    """Who may be given this practice's denials: MSO admins, and the MSO staff and practice
    managers of this practice only (never another practice's people)."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__role=Role.MSO_ADMIN)
            | Q(
                memberships__practice=practice,
                memberships__role__in=[Role.MSO_STAFF, Role.PRACTICE_MANAGER],
            )
        )
        .distinct()
        .order_by("email")
    )
