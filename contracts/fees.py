"""Monthly management fees under a Management Services Agreement (MSA).

Pure Python (no Django, no database). A service fills `FeeTerms` from the agreement,
`PeriodActuals` from a few aggregate queries and `ActivePeriod` from the invoice month and the
agreement's dates, then calls `calculate_fee`. The result, `FeeCalculation`, carries every
invoice line with a human-readable formula, so a fee can be checked by hand and defended as
fair market value. docs/fees.md documents the formulas and the choices.

Conventions:

- Money is Decimal with at most 2 places; rates and markups are percents with at most 4 places
  (Decimal("6.5000") is 6.5 %). Floats (and any other non-Decimal number) are refused with
  TypeError.
- Each line is rounded half-up to cents; the subtotal is the sum of the rounded lines; a floor
  or cap adjustment is then added as its own line, so the total is always the sum of the lines.
- Percentage parts are never prorated here: the caller passes the amounts of the active days
  only. The fixed part (the base) and the floor and cap are prorated by active days / days in
  the month.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from typing import Any

__all__ = [
    "PERCENTAGE_MODELS",
    "ActivePeriod",
    "Basis",
    "FeeCalculation",
    "FeeLine",
    "FeeModel",
    "FeeTerms",
    "FeeTermsError",
    "LineKind",
    "PeriodActuals",
    "annualised",
    "calculate_fee",
    "fmv_check",
    "format_money",
    "format_percent",
    "terms_errors",
    "true_up",
]

CENT = Decimal("0.01")
RATE_PLACES = 4
RATE_QUANTUM = Decimal(1).scaleb(-RATE_PLACES)
HUNDRED = Decimal(100)
ZERO = Decimal(0)
MONTHS_PER_YEAR = 12
# Enough digits that no product or quotient of realistic amounts is rounded before the final
# half-up rounding to cents.
PRECISION = 60

TIMES = "\u00d7"  # multiplication sign
MINUS = "\u2212"  # minus sign
EN_DASH = "\u2013"

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

Errors = dict[str, list[str]]


class FeeModel(StrEnum):
    FIXED = "fixed"
    PCT_NET_COLLECTIONS = "pct_net_collections"
    PCT_GROSS_REVENUE = "pct_gross_revenue"
    HYBRID = "hybrid"
    COST_PLUS = "cost_plus"

    @property
    def label(self) -> str:
        return MODEL_LABELS[self]


MODEL_LABELS: dict[FeeModel, str] = {
    FeeModel.FIXED: "Fixed monthly fee",
    FeeModel.PCT_NET_COLLECTIONS: "Percentage of net collections",
    FeeModel.PCT_GROSS_REVENUE: "Percentage of gross revenue",
    FeeModel.HYBRID: "Fixed base + percentage",
    FeeModel.COST_PLUS: "Cost plus markup",
}

PERCENTAGE_MODELS = frozenset(
    {FeeModel.PCT_NET_COLLECTIONS, FeeModel.PCT_GROSS_REVENUE, FeeModel.HYBRID}
)


class Basis(StrEnum):
    """What the percentage of a HYBRID fee applies to."""

    NET_COLLECTIONS = "net_collections"
    GROSS_REVENUE = "gross_revenue"


class LineKind(StrEnum):
    FIXED = "fixed"
    BASE = "base"
    PERCENTAGE = "percentage"
    COST = "cost"
    MARKUP = "markup"
    FLOOR = "floor"
    CAP = "cap"
    TRUE_UP = "true_up"


class FeeTermsError(ValueError):
    """The terms cannot be calculated; `errors` maps each field to its messages."""

    def __init__(self, errors: Errors) -> None:
        self.errors = errors
        detail = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items())
        super().__init__(f"Invalid fee terms ({detail})")


# --- helpers -------------------------------------------------------------------------------


def _require_decimal(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal, not a float.")
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}.")
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite number.")


def _has_places(value: Decimal, places: int) -> bool:
    """True when `value` needs no more than `places` decimal places (1.500 has 2)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return value == value.scaleb(places).to_integral_value().scaleb(-places)


def _round_cents(value: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _ratio(value: Decimal, numerator: int, denominator: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return value * numerator / denominator


def _percent_of(rate: Decimal, amount: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return rate * amount / HUNDRED


def format_money(amount: Decimal) -> str:
    """$48,210.55; negative amounts with a minus sign (U+2212). Rounded half-up to cents."""
    rounded = _round_cents(amount)
    sign = MINUS if rounded < 0 else ""
    return f"{sign}${abs(rounded):,.2f}"


def format_percent(rate: Decimal) -> str:
    """6.5000 -> "6.50%", 6.1250 -> "6.125%": at least 2 places, at most 4."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        shown = rate.quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP).normalize()
        if shown.as_tuple().exponent > -2:
            shown = shown.quantize(CENT)
    return f"{shown:f}%"


# --- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeTerms:
    """The fee clause of an MSA.

    - model: a FeeModel (or its value, e.g. "hybrid"; an unknown value is a terms error).
    - fixed_amount: the monthly fee (FIXED) or monthly base (HYBRID), before proration.
    - rate: percent of the basis (PCT_* and HYBRID), e.g. Decimal("6.5000") for 6.5 %.
    - basis: for HYBRID, what the rate applies to (Basis or its value).
    - markup: for COST_PLUS, percent added to the documented costs.
    - floor / cap: monthly minimum / maximum of the total, prorated in a partial month.
    Fields a model does not use are ignored (but still validated when set).
    """

    model: FeeModel | str
    fixed_amount: Decimal | None = None
    rate: Decimal | None = None
    basis: Basis | str | None = None
    markup: Decimal | None = None
    floor: Decimal | None = None
    cap: Decimal | None = None

    def __post_init__(self) -> None:
        for name in ("fixed_amount", "rate", "markup", "floor", "cap"):
            _require_decimal(f"FeeTerms.{name}", getattr(self, name), optional=True)


@dataclass(frozen=True)
class PeriodActuals:
    """The practice's amounts for the active days of the period (all non-negative, in cents).

    - gross_charges: charges billed (gross revenue).
    - payments / refunds: payments received and refunds paid out; net collections is
      payments - refunds.
    - excluded_collections / excluded_charges: the parts of collections / charges the MSA
      excludes from the basis (e.g. lab pass-through), subtracted from it.
    - costs: the MSO's documented costs for the practice (COST_PLUS).
    """

    gross_charges: Decimal = ZERO
    payments: Decimal = ZERO
    refunds: Decimal = ZERO
    excluded_collections: Decimal = ZERO
    excluded_charges: Decimal = ZERO
    costs: Decimal = ZERO

    def __post_init__(self) -> None:
        for name in (
            "gross_charges",
            "payments",
            "refunds",
            "excluded_collections",
            "excluded_charges",
            "costs",
        ):
            value = getattr(self, name)
            _require_decimal(f"PeriodActuals.{name}", value)
            if value < 0:
                raise ValueError(f"PeriodActuals.{name} must not be negative.")
            if not _has_places(value, 2):
                raise ValueError(f"PeriodActuals.{name} must be in whole cents.")

    @property
    def net_collections(self) -> Decimal:
        """Payments - refunds - excluded collections, never below zero."""
        return max(ZERO, self.payments - self.refunds - self.excluded_collections)

    @property
    def gross_revenue(self) -> Decimal:
        """Charges - excluded charges, never below zero."""
        return max(ZERO, self.gross_charges - self.excluded_charges)


def _require_date(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date.")


@dataclass(frozen=True)
class ActivePeriod:
    """A calendar month and the agreement's effective dates.

    agreement_start / agreement_end are the MSA's own dates (None = open); they may lie outside
    the month and are clipped to it. The agreement must be active on at least one day of it.
    """

    period_start: date
    period_end: date
    agreement_start: date | None = None
    agreement_end: date | None = None

    def __post_init__(self) -> None:
        _require_date("period_start", self.period_start)
        _require_date("period_end", self.period_end)
        _require_date("agreement_start", self.agreement_start, optional=True)
        _require_date("agreement_end", self.agreement_end, optional=True)
        if self.period_start.day != 1:
            raise ValueError("period_start must be the first day of a month.")
        last = calendar.monthrange(self.period_start.year, self.period_start.month)[1]
        if self.period_end != self.period_start.replace(day=last):
            raise ValueError("period_end must be the last day of period_start's month.")
        if (
            self.agreement_start is not None
            and self.agreement_end is not None
            and self.agreement_end < self.agreement_start
        ):
            raise ValueError("agreement_end is before agreement_start.")
        if self.active_start > self.active_end:
            raise ValueError("The agreement is not active on any day of the period.")

    @classmethod
    def for_month(
        cls,
        year: int,
        month: int,
        agreement_start: date | None = None,
        agreement_end: date | None = None,
    ) -> ActivePeriod:
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), agreement_start, agreement_end)

    @property
    def active_start(self) -> date:
        if self.agreement_start is None:
            return self.period_start
        return max(self.period_start, self.agreement_start)

    @property
    def active_end(self) -> date:
        if self.agreement_end is None:
            return self.period_end
        return min(self.period_end, self.agreement_end)

    @property
    def days_in_month(self) -> int:
        return self.period_end.day

    @property
    def active_days(self) -> int:
        return (self.active_end - self.active_start).days + 1

    @property
    def is_partial(self) -> bool:
        return self.active_days < self.days_in_month

    @property
    def label(self) -> str:
        return f"{MONTH_NAMES[self.period_start.month - 1]} {self.period_start.year}"


# --- outputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeLine:
    """One invoice line. `basis` is the amount the line is computed on (None when it is not
    computed on one), `rate` the percent applied to it (None when none is), `amount` the line in
    cents (negative for a cap reduction or a downward true-up)."""

    kind: LineKind
    description: str
    formula: str
    basis: Decimal | None
    rate: Decimal | None
    amount: Decimal

    def as_dict(self) -> dict[str, str | None]:
        """JSON-ready: Decimals as strings ("3133.69"), None kept."""
        return {
            "kind": str(self.kind),
            "description": self.description,
            "formula": self.formula,
            "basis": _text(self.basis),
            "rate": _text(self.rate),
            "amount": str(self.amount),
        }

    @classmethod
    def from_dict(cls, data: dict[str, str | None]) -> FeeLine:
        amount = data["amount"]
        if amount is None:
            raise ValueError("A fee line needs an amount.")
        return cls(
            kind=LineKind(data["kind"]),
            description=str(data["description"]),
            formula=str(data["formula"]),
            basis=_number(data["basis"]),
            rate=_number(data["rate"]),
            amount=Decimal(amount),
        )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@dataclass(frozen=True)
class FeeCalculation:
    model: FeeModel
    period_start: date
    period_end: date
    active_start: date
    active_end: date
    active_days: int
    days_in_month: int
    lines: tuple[FeeLine, ...]
    subtotal: Decimal  # sum of the rounded lines before the floor / cap adjustment
    total: Decimal  # sum of all lines
    floor: Decimal | None  # the floor in effect this month (prorated), None when not set
    cap: Decimal | None  # the cap in effect this month (prorated), None when not set
    floor_applied: bool
    cap_applied: bool

    @property
    def prorated(self) -> bool:
        return self.active_days < self.days_in_month

    @property
    def proration(self) -> str:
        """Days active / days in month, e.g. "20/30"."""
        return f"{self.active_days}/{self.days_in_month}"

    @property
    def period_label(self) -> str:
        return f"{MONTH_NAMES[self.period_start.month - 1]} {self.period_start.year}"

    def as_dict(self) -> dict[str, object]:
        """JSON-ready (dates ISO, Decimals as strings); `from_dict` reads it back."""
        return {
            "model": str(self.model),
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "active_start": self.active_start.isoformat(),
            "active_end": self.active_end.isoformat(),
            "active_days": self.active_days,
            "days_in_month": self.days_in_month,
            "lines": [line.as_dict() for line in self.lines],
            "subtotal": str(self.subtotal),
            "total": str(self.total),
            "floor": _text(self.floor),
            "cap": _text(self.cap),
            "floor_applied": self.floor_applied,
            "cap_applied": self.cap_applied,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeeCalculation:
        return cls(
            model=FeeModel(data["model"]),
            period_start=date.fromisoformat(data["period_start"]),
            period_end=date.fromisoformat(data["period_end"]),
            active_start=date.fromisoformat(data["active_start"]),
            active_end=date.fromisoformat(data["active_end"]),
            active_days=int(data["active_days"]),
            days_in_month=int(data["days_in_month"]),
            lines=tuple(FeeLine.from_dict(line) for line in data["lines"]),
            subtotal=Decimal(data["subtotal"]),
            total=Decimal(data["total"]),
            floor=_number(data["floor"]),
            cap=_number(data["cap"]),
            floor_applied=bool(data["floor_applied"]),
            cap_applied=bool(data["cap_applied"]),
        )


# --- validation ----------------------------------------------------------------------------


def _model_of(value: object) -> FeeModel | None:
    if isinstance(value, FeeModel):
        return value
    if isinstance(value, str):
        try:
            return FeeModel(value)
        except ValueError:
            return None
    return None


def _basis_of(value: object) -> Basis | None:
    if isinstance(value, Basis):
        return value
    if isinstance(value, str):
        try:
            return Basis(value)
        except ValueError:
            return None
    return None


def terms_errors(terms: FeeTerms) -> Errors:
    """Field errors of the terms; empty when `calculate_fee` can use them."""
    errors: Errors = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    def money(name: str, value: Decimal | None, label: str) -> None:
        if value is None:
            return
        if value < 0:
            add(name, f"The {label} cannot be negative.")
        if not _has_places(value, 2):
            add(name, f"Enter the {label} in dollars and cents (at most 2 decimal places).")

    def percent(name: str, value: Decimal | None, label: str, *, at_most_100: bool) -> None:
        if value is None:
            return
        if at_most_100 and not ZERO <= value <= HUNDRED:
            add(name, f"The {label} must be between 0 and 100 percent.")
        elif value < 0:
            add(name, f"The {label} cannot be negative.")
        if not _has_places(value, RATE_PLACES):
            add(name, f"Use at most {RATE_PLACES} decimal places for the {label}.")

    model = _model_of(terms.model)
    if model is None:
        choices = ", ".join(m.value for m in FeeModel)
        add("model", f"Unknown fee model {terms.model!r}; choose one of {choices}.")

    money("fixed_amount", terms.fixed_amount, "fixed amount")
    percent("rate", terms.rate, "percentage", at_most_100=True)
    percent("markup", terms.markup, "markup", at_most_100=False)
    money("floor", terms.floor, "monthly minimum (floor)")
    money("cap", terms.cap, "monthly maximum (cap)")
    if terms.floor is not None and terms.cap is not None and terms.floor > terms.cap:
        add("floor", "The monthly minimum (floor) cannot be above the monthly maximum (cap).")

    if model in (FeeModel.FIXED, FeeModel.HYBRID) and terms.fixed_amount is None:
        word = "monthly fee" if model is FeeModel.FIXED else "monthly base fee"
        add("fixed_amount", f"Enter the fixed {word}.")
    if model in PERCENTAGE_MODELS and terms.rate is None:
        add("rate", "Enter the percentage.")
    if model is FeeModel.HYBRID:
        if terms.basis is None or terms.basis == "":
            add("basis", "Choose what the percentage applies to: net collections or gross revenue.")
        elif _basis_of(terms.basis) is None:
            add("basis", f"Unknown basis {terms.basis!r}; choose net_collections or gross_revenue.")
    if model is FeeModel.COST_PLUS and terms.markup is None:
        add("markup", "Enter the markup percentage (0 for costs only).")
    return errors


# --- calculation ---------------------------------------------------------------------------


def _days_text(period: ActivePeriod) -> str:
    return (
        f"{period.active_days}/{period.days_in_month} days active "
        f"({period.active_start.isoformat()} to {period.active_end.isoformat()})"
    )


def _fixed_line(kind: LineKind, description: str, amount: Decimal, period: ActivePeriod) -> FeeLine:
    if period.is_partial:
        value = _round_cents(_ratio(amount, period.active_days, period.days_in_month))
        formula = f"{format_money(amount)} {TIMES} {_days_text(period)}"
    else:
        value = _round_cents(amount)
        formula = f"{format_money(amount)} per month"
    return FeeLine(kind, description, formula, _round_cents(amount), None, value)


def _net_collections_line(rate: Decimal, actuals: PeriodActuals) -> FeeLine:
    basis = actuals.net_collections
    parts = (
        f"payments {format_money(actuals.payments)} {MINUS} refunds {format_money(actuals.refunds)}"
    )
    if actuals.excluded_collections:
        parts += f" {MINUS} excluded {format_money(actuals.excluded_collections)}"
    if actuals.payments - actuals.refunds - actuals.excluded_collections < 0:
        parts += "; negative, counted as $0.00"
    formula = f"{format_percent(rate)} {TIMES} {format_money(basis)} net collections ({parts})"
    description = f"Management fee: {format_percent(rate)} of net collections"
    return FeeLine(
        LineKind.PERCENTAGE,
        description,
        formula,
        _round_cents(basis),
        rate,
        _round_cents(_percent_of(rate, basis)),
    )


def _gross_revenue_line(rate: Decimal, actuals: PeriodActuals) -> FeeLine:
    basis = actuals.gross_revenue
    parts = f"charges {format_money(actuals.gross_charges)}"
    if actuals.excluded_charges:
        parts += f" {MINUS} excluded {format_money(actuals.excluded_charges)}"
    if actuals.gross_charges - actuals.excluded_charges < 0:
        parts += "; negative, counted as $0.00"
    formula = f"{format_percent(rate)} {TIMES} {format_money(basis)} gross revenue ({parts})"
    description = f"Management fee: {format_percent(rate)} of gross revenue"
    return FeeLine(
        LineKind.PERCENTAGE,
        description,
        formula,
        _round_cents(basis),
        rate,
        _round_cents(_percent_of(rate, basis)),
    )


def _limit(amount: Decimal | None, period: ActivePeriod) -> Decimal | None:
    if amount is None:
        return None
    if period.is_partial:
        return _round_cents(_ratio(amount, period.active_days, period.days_in_month))
    return _round_cents(amount)


def _limit_text(name: str, amount: Decimal, effective: Decimal, period: ActivePeriod) -> str:
    if period.is_partial:
        return (
            f"{name} {format_money(amount)} {TIMES} {period.active_days}/{period.days_in_month}"
            f" = {format_money(effective)}"
        )
    return f"{name} {format_money(effective)}"


def calculate_fee(terms: FeeTerms, actuals: PeriodActuals, period: ActivePeriod) -> FeeCalculation:
    """The month's fee with its lines. Raises FeeTermsError when `terms_errors` finds any."""
    if not isinstance(terms, FeeTerms):
        raise TypeError("terms must be FeeTerms.")
    if not isinstance(actuals, PeriodActuals):
        raise TypeError("actuals must be PeriodActuals.")
    if not isinstance(period, ActivePeriod):
        raise TypeError("period must be an ActivePeriod.")
    errors = terms_errors(terms)
    if errors:
        raise FeeTermsError(errors)
    model = FeeModel(terms.model)

    lines: list[FeeLine] = []
    if model is FeeModel.FIXED:
        assert terms.fixed_amount is not None
        lines.append(
            _fixed_line(LineKind.FIXED, "Fixed monthly management fee", terms.fixed_amount, period)
        )
    elif model is FeeModel.PCT_NET_COLLECTIONS:
        assert terms.rate is not None
        lines.append(_net_collections_line(terms.rate, actuals))
    elif model is FeeModel.PCT_GROSS_REVENUE:
        assert terms.rate is not None
        lines.append(_gross_revenue_line(terms.rate, actuals))
    elif model is FeeModel.HYBRID:
        assert terms.fixed_amount is not None
        assert terms.rate is not None
        lines.append(_fixed_line(LineKind.BASE, "Base management fee", terms.fixed_amount, period))
        if Basis(terms.basis) is Basis.NET_COLLECTIONS:
            lines.append(_net_collections_line(terms.rate, actuals))
        else:
            lines.append(_gross_revenue_line(terms.rate, actuals))
    else:  # COST_PLUS
        assert terms.markup is not None
        costs = actuals.costs
        lines.append(
            FeeLine(
                LineKind.COST,
                "Documented MSO costs",
                f"{format_money(costs)} documented costs for the active days",
                _round_cents(costs),
                None,
                _round_cents(costs),
            )
        )
        lines.append(
            FeeLine(
                LineKind.MARKUP,
                f"Markup: {format_percent(terms.markup)} of documented costs",
                f"{format_percent(terms.markup)} {TIMES} {format_money(costs)} documented costs",
                _round_cents(costs),
                terms.markup,
                _round_cents(_percent_of(terms.markup, costs)),
            )
        )

    subtotal = sum((line.amount for line in lines), ZERO)
    floor = _limit(terms.floor, period)
    cap = _limit(terms.cap, period)
    floor_applied = cap_applied = False
    if floor is not None and subtotal < floor:
        assert terms.floor is not None
        floor_applied = True
        lines.append(
            FeeLine(
                LineKind.FLOOR,
                "Monthly minimum (floor) adjustment",
                f"{_limit_text('floor', terms.floor, floor, period)} "
                f"{MINUS} subtotal {format_money(subtotal)}",
                floor,
                None,
                floor - subtotal,
            )
        )
    elif cap is not None and subtotal > cap:
        assert terms.cap is not None
        cap_applied = True
        lines.append(
            FeeLine(
                LineKind.CAP,
                "Monthly maximum (cap) adjustment",
                f"{_limit_text('cap', terms.cap, cap, period)} "
                f"{MINUS} subtotal {format_money(subtotal)}",
                cap,
                None,
                cap - subtotal,
            )
        )

    return FeeCalculation(
        model=model,
        period_start=period.period_start,
        period_end=period.period_end,
        active_start=period.active_start,
        active_end=period.active_end,
        active_days=period.active_days,
        days_in_month=period.days_in_month,
        lines=tuple(lines),
        subtotal=subtotal,
        total=sum((line.amount for line in lines), ZERO),
        floor=floor,
        cap=cap,
        floor_applied=floor_applied,
        cap_applied=cap_applied,
    )


# --- true-up and fair market value ---------------------------------------------------------


def true_up(previous: FeeCalculation, current: FeeCalculation) -> FeeLine | None:
    """The line that corrects an invoiced month after it is recomputed (late postings, a
    corrected cost allocation): current total - previous total, positive when the practice owes
    more, negative for a credit; None when nothing changed."""
    if not isinstance(previous, FeeCalculation) or not isinstance(current, FeeCalculation):
        raise TypeError("true_up compares two FeeCalculation results.")
    if (previous.period_start, previous.period_end) != (current.period_start, current.period_end):
        raise ValueError("A true-up compares two calculations of the same month.")
    difference = current.total - previous.total
    if difference == 0:
        return None
    return FeeLine(
        LineKind.TRUE_UP,
        f"True-up for {current.period_label} (recomputed after late postings)",
        f"recomputed {format_money(current.total)} {MINUS} "
        f"previously invoiced {format_money(previous.total)}",
        previous.total,
        None,
        _round_cents(difference),
    )


def annualised(calc: FeeCalculation) -> Decimal:
    """The monthly total times 12, for comparing with an annual fair-market-value range.

    A prorated month annualises to less than the agreement's run rate; compare a full month.
    """
    if not isinstance(calc, FeeCalculation):
        raise TypeError("annualised takes a FeeCalculation.")
    return _round_cents(calc.total * MONTHS_PER_YEAR)


def fmv_check(annual_fee: Decimal, low: Decimal, high: Decimal) -> tuple[bool, str]:
    """Is the annual fee inside the fair-market-value range [low, high] (both included)?"""
    _require_decimal("annual_fee", annual_fee)
    _require_decimal("low", low)
    _require_decimal("high", high)
    if low < 0 or high < low:
        raise ValueError("The FMV range needs 0 <= low <= high.")
    fee, range_text = format_money(annual_fee), f"{format_money(low)}{EN_DASH}{format_money(high)}"
    if annual_fee < low:
        short = format_money(low - annual_fee)
        return False, f"Annual fee {fee} is below the FMV range {range_text} by {short}."
    if annual_fee > high:
        over = format_money(annual_fee - high)
        return False, f"Annual fee {fee} is above the FMV range {range_text} by {over}."
    return True, f"Annual fee {fee} is within the FMV range {range_text}."
