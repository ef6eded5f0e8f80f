"""Reads for the MSO's financial view of its agreements and fees."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from billing.choices import Frequency
from billing.kpis import Period, PeriodMoney
from billing.models import ClaimLine, LinePayment
from mso.accounts import policy
from mso.tenancy.models import Practice

from .choices import FeeModel, InvoiceStatus
from .exclusions import kind_pattern
from .models import Agreement, FeeCalculation, Invoice
from .terms import TermEvent, add_months, next_event

ZERO = Decimal("0.00")


def visible_to(user, queryset, field: str = "practice"):
    """Least privilege on the portal: MSO admins see every practice's agreements, fees and
    invoices; MSO staff only those of the practices they are assigned to (or hold an
    emergency grant for)."""
    ids = policy.visible_practice_ids(user)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def visible_slugs(user) -> set[str] | None:
    ids = policy.visible_practice_ids(user)
    if ids is None:
        return None
    return set(Practice.objects.filter(pk__in=ids).values_list("slug", flat=True))


def visible_failures(failures: list[dict], slugs: set[str] | None) -> list[dict]:
    """A fee run's failures limited to the practices in `slugs` (None: all of them)."""
    return [f for f in failures if slugs is None or f.get("practice") in slugs]


def excluded_money(period: Period, ranges) -> PeriodMoney:
    """Charges billed and insurance paid in the period for procedure codes an agreement
    excludes from its fee basis (exclusions.parse ranges), read in the practice's
    schema. Patient payments are not
    allocated to lines, so only insurance payments count as excluded collections."""
    if not ranges:
        return PeriodMoney(charges=ZERO, payments=ZERO, refunds=ZERO)
    codes = Q()
    for r in ranges:
        codes |= Q(
            procedure_code__gte=r.first,
            procedure_code__lte=r.last,
            procedure_code__regex=kind_pattern(r.first),
        )
    charges = (
        ClaimLine.objects.filter(
            codes,
            claim__frequency_code=Frequency.ORIGINAL,
            claim__encounter__date_of_service__range=(period.start, period.end),
        ).aggregate(total=Sum("charge"))["total"]
        or ZERO
    )
    paid = (
        LinePayment.objects.filter(
            codes,
            claim_payment__remittance__posted_at__date__gte=period.start,
            claim_payment__remittance__posted_at__date__lte=period.end,
        ).aggregate(total=Sum("paid"))["total"]
        or ZERO
    )
    return PeriodMoney(charges=charges, payments=paid, refunds=ZERO)


HORIZON_DAYS = 90
PAYMENT_TERMS_DAYS = 30  # the invoice PDF says: due 30 days from issue


def _rate(fees: Decimal, base: Decimal) -> Decimal | None:
    return (fees / base * 100).quantize(Decimal("0.01")) if base > 0 else None


def net_collections(inputs: dict) -> Decimal:
    """The collections a calculation read (payments - refunds - excluded), for the rate."""
    value = (
        Decimal(inputs.get("payments", "0"))
        - Decimal(inputs.get("refunds", "0"))
        - Decimal(inputs.get("excluded_collections", "0"))
    )
    return max(value, ZERO)


@dataclass
class PracticeFees:
    practice: str
    slug: str
    model: str
    fees: Decimal = ZERO
    collections: Decimal = ZERO
    last_month: Decimal = ZERO

    @property
    def effective_rate(self) -> Decimal | None:
        return _rate(self.fees, self.collections)


@dataclass
class Renewal:
    agreement: Agreement
    event: TermEvent


@dataclass
class FinanceDashboard:
    today: date
    months: list[date]
    by_month: list[tuple[str, Decimal]]
    rate_by_month: list[tuple[str, Decimal]]
    by_model: list[tuple[str, Decimal]]
    by_practice: list[PracticeFees]
    fees_12m: Decimal
    collections_12m: Decimal
    outstanding: Decimal
    overdue: Decimal
    renewals: list[Renewal] = field(default_factory=list)
    lapsing: list = field(default_factory=list)

    @property
    def effective_rate(self) -> Decimal | None:
        return _rate(self.fees_12m, self.collections_12m)


def finance_dashboard(today: date) -> FinanceDashboard:
    """Fee revenue of the last twelve full months per month, model and practice; the
    effective rate (fee / net collections); invoices outstanding; and agreements whose term
    ends, whose renewal notice falls due, or whose FMV opinion lapses within 90 days.
    Four queries whatever the number of practices."""
    first = add_months(today.replace(day=1), -12)
    months = [add_months(first, i) for i in range(12)]
    last_month = months[-1]
    fees_by_month = dict.fromkeys(months, ZERO)
    collections_by_month = dict.fromkeys(months, ZERO)
    by_model: dict[str, Decimal] = defaultdict(lambda: ZERO)
    practices: dict[int, PracticeFees] = {}
    rows = FeeCalculation.objects.filter(period__gte=first, period__lt=today.replace(day=1))
    for row in rows.values(
        "period",
        "total",
        "inputs",
        "agreement__fee_model",
        "agreement__practice_id",
        "agreement__practice__name",
        "agreement__practice__slug",
    ):
        collected = net_collections(row["inputs"])
        fees_by_month[row["period"]] += row["total"]
        collections_by_month[row["period"]] += collected
        by_model[row["agreement__fee_model"]] += row["total"]
        practice = practices.setdefault(
            row["agreement__practice_id"],
            PracticeFees(
                practice=row["agreement__practice__name"],
                slug=row["agreement__practice__slug"],
                model=FeeModel(row["agreement__fee_model"]).label,
            ),
        )
        practice.fees += row["total"]
        practice.collections += collected
        if row["period"] == last_month:
            practice.last_month += row["total"]
    invoices = Invoice.objects.filter(status=InvoiceStatus.ISSUED)
    return FinanceDashboard(
        today=today,
        months=months,
        by_month=[(f"{m:%b %Y}", fees_by_month[m]) for m in months],
        # Months without collections have no rate; they are left out rather than shown as 0%.
        rate_by_month=[
            (f"{m:%b %Y}", _rate(fees_by_month[m], collections_by_month[m]))
            for m in months
            if collections_by_month[m] > 0
        ],
        by_model=[
            (FeeModel(model).label, total)
            for model, total in sorted(by_model.items(), key=lambda item: -item[1])
        ],
        by_practice=sorted(practices.values(), key=lambda p: -p.fees),
        fees_12m=sum(fees_by_month.values(), ZERO),
        collections_12m=sum(collections_by_month.values(), ZERO),
        outstanding=invoices.aggregate(total=Sum("amount"))["total"] or ZERO,
        overdue=invoices.filter(issued_at__lt=_overdue_cutoff(today)).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO,
        **_term_watch(today),
    )


def _overdue_cutoff(today: date):
    """Invoices issued before this instant are past their 30 days."""
    due = today - timedelta(days=PAYMENT_TERMS_DAYS)
    return timezone.make_aware(datetime.combine(due, time.min))


def _term_watch(today: date) -> dict:
    horizon = today + timedelta(days=HORIZON_DAYS)
    renewals, lapsing = [], []
    for agreement in Agreement.objects.select_related("practice").prefetch_related("fmv_opinions"):
        event = next_event(agreement, today)
        if event is None:
            continue  # ended: nothing to watch
        if event.act_by <= horizon:  # act_by never comes after the end of the term
            renewals.append(Renewal(agreement, event))
        opinion = next(iter(agreement.fmv_opinions.all()), None)
        if opinion is not None and opinion.expires_on <= horizon:
            lapsing.append(opinion)
    renewals.sort(key=lambda r: r.event.act_by)
    lapsing.sort(key=lambda o: o.expires_on)
    return {"renewals": renewals, "lapsing": lapsing}
