"""A/R aging: open balances sorted into age buckets, per key (payer, patient, …) and in total.

Pure Python (no Django, no database): a service reads the open balances, builds `AgingItem`s and
calls `aging()`. The dashboard and the KPIs read the `AgingReport`.

Age is counted in whole days from an item's "from date" to the as-of date:

- claims: the date the claim was first submitted, or the date of service if it was never
  submitted (`claim_from_date`);
- patient balances: the first statement date, or the date the balance became the patient's
  (the payer's adjudication) if no statement has gone out yet (`patient_from_date`).

Buckets: "0-30" (0 to 30 days), "31-60", "61-90", "91-120" and "120+" (121 days or more). A from
date after the as-of date counts as 0 days.

Money is Decimal, never float. Each balance is rounded to cents (half-up) before it is added,
so every bucket, row total and grand total is an exact sum of cents. Ratios are rounded to
4 places (half-up).

Credit balances (negative balances: overpayments, unapplied money) are not receivables: they
are kept out of the buckets and reported on their own (`credits`, a number <= 0), so that they
cannot hide old debit balances or push `share_over_90` outside 0..1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "BUCKETS",
    "OVER_90_BUCKETS",
    "TOTAL_KEY",
    "AgingItem",
    "AgingReport",
    "AgingRow",
    "age_bucket",
    "age_days",
    "aging",
    "claim_from_date",
    "patient_from_date",
]

BUCKETS: tuple[str, ...] = ("0-30", "31-60", "61-90", "91-120", "120+")
OVER_90_BUCKETS: tuple[str, ...] = ("91-120", "120+")
# Upper bound (inclusive, in days) of every bucket but the last.
_UPPER_BOUNDS: tuple[tuple[int, str], ...] = (
    (30, "0-30"),
    (60, "31-60"),
    (90, "61-90"),
    (120, "91-120"),
)
TOTAL_KEY = "Total"

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
ZERO = Decimal("0.00")


def _money(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal or a string.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def age_days(from_date: date, as_of: date) -> int:
    """Whole days from `from_date` to `as_of`; 0 if `from_date` is later than `as_of`."""
    return max((as_of - from_date).days, 0)


def age_bucket(from_date: date, as_of: date) -> str:
    """The bucket name ("0-30" … "120+") of a balance dated `from_date`, seen on `as_of`.

    30 days is still "0-30", 31 is "31-60", 90 is "61-90", 120 is "91-120", 121 is "120+"."""
    days = age_days(from_date, as_of)
    for upper, name in _UPPER_BOUNDS:
        if days <= upper:
            return name
    return BUCKETS[-1]


def claim_from_date(first_submitted_on: date | None, service_date: date) -> date:
    """Aging date of a claim balance: first submission, else the date of service."""
    return first_submitted_on if first_submitted_on is not None else service_date


def patient_from_date(statement_date: date | None, responsibility_date: date) -> date:
    """Aging date of a patient balance: the first statement date, else the date the balance
    became the patient's responsibility."""
    return statement_date if statement_date is not None else responsibility_date


@dataclass(frozen=True)
class AgingItem:
    """One open balance. `key` groups items into rows (payer name, patient id, …)."""

    key: str
    from_date: date
    balance: Decimal

    def __post_init__(self) -> None:
        if isinstance(self.balance, float):
            raise TypeError("AgingItem.balance must be a Decimal, not a float.")


def _empty_buckets() -> dict[str, Decimal]:
    return dict.fromkeys(BUCKETS, ZERO)


def _share(part: Decimal, whole: Decimal) -> Decimal:
    if whole <= 0:
        return Decimal("0.0000")
    return (part / whole).quantize(RATIO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AgingRow:
    """Balances of one key (or of everything, for the total row).

    `buckets` maps every bucket name, in `BUCKETS` order, to its debit balance (cents).
    `total` is the sum of the buckets; `credits` the sum of the credit balances (<= 0), which
    are not in any bucket; `net` = total + credits. `share_over_90` = ("91-120" + "120+") /
    total, rounded to 4 places, 0 when total is 0. `count` counts the items with a debit
    balance; `credit_count` those with a credit balance (zero balances are in neither)."""

    key: str
    buckets: dict[str, Decimal] = field(default_factory=_empty_buckets)
    total: Decimal = ZERO
    credits: Decimal = ZERO
    share_over_90: Decimal = Decimal("0.0000")
    count: int = 0
    credit_count: int = 0

    @property
    def over_90(self) -> Decimal:
        return sum((self.buckets[name] for name in OVER_90_BUCKETS), ZERO)

    @property
    def net(self) -> Decimal:
        return self.total + self.credits

    @property
    def bucket_list(self) -> list[tuple[str, Decimal]]:
        """(bucket, balance) pairs in bucket order, for templates and charts."""
        return [(name, self.buckets[name]) for name in BUCKETS]


@dataclass(frozen=True)
class AgingReport:
    """`rows`: one per key, largest debit total first (ties by key). `total`: all keys."""

    as_of: date
    rows: tuple[AgingRow, ...]
    total: AgingRow

    @property
    def share_over_90(self) -> Decimal:
        return self.total.share_over_90

    def row(self, key: str) -> AgingRow | None:
        for row in self.rows:
            if row.key == key:
                return row
        return None

    def by_key(self) -> dict[str, AgingRow]:
        return {row.key: row for row in self.rows}


class _Accumulator:
    def __init__(self) -> None:
        self.buckets = _empty_buckets()
        self.credits = ZERO
        self.count = 0
        self.credit_count = 0

    def add(self, bucket: str, amount: Decimal) -> None:
        if amount > 0:
            self.buckets[bucket] += amount
            self.count += 1
        elif amount < 0:
            self.credits += amount
            self.credit_count += 1

    def row(self, key: str) -> AgingRow:
        total = sum(self.buckets.values(), ZERO)
        over_90 = sum((self.buckets[name] for name in OVER_90_BUCKETS), ZERO)
        return AgingRow(
            key=key,
            buckets=dict(self.buckets),
            total=total,
            credits=self.credits,
            share_over_90=_share(over_90, total),
            count=self.count,
            credit_count=self.credit_count,
        )


def aging(items: Iterable[AgingItem], as_of: date) -> AgingReport:
    """Bucket every item's balance by its age on `as_of`, per key and in total."""
    per_key: dict[str, _Accumulator] = {}
    grand = _Accumulator()
    for item in items:
        amount = _money(item.balance)
        bucket = age_bucket(item.from_date, as_of)
        per_key.setdefault(item.key, _Accumulator()).add(bucket, amount)
        grand.add(bucket, amount)
    rows = sorted(
        (acc.row(key) for key, acc in per_key.items()), key=lambda row: (-row.total, row.key)
    )
    return AgingReport(as_of=as_of, rows=tuple(rows), total=grand.row(TOTAL_KEY))
