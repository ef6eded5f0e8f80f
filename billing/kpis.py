"""Revenue-cycle KPIs: plain inputs in, a `Kpi` (value, numerator, denominator, definition) out.

Pure Python (no Django, no database). A service fills the small input dataclasses from a few
aggregate queries (or builds one `ClaimOutcome` per claim and lets `count_claims` do the
counting) and calls the KPI functions; the dashboard prints `Kpi.display` with `Kpi.definition`
beside it. docs/kpis.md documents every definition and the service's side of the contract.

Conventions:

- Money and rates are Decimal, never float (floats are refused with TypeError).
- A KPI whose denominator is zero (or, for the money KPIs, not positive) has value None: there
  is nothing to measure yet, and the dashboard shows "—" instead of crashing or showing 0.
- Percentages are rounded half-up to 2 places (the ratio to 4 places), days to 2 places,
  money in numerators and denominators to cents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from billing.aging import AgingReport

__all__ = [
    "DEFAULT_DAYS_IN_AR_WINDOW",
    "NON_DENIAL_CARCS",
    "ClaimCounts",
    "ClaimOutcome",
    "Kpi",
    "LineAdjudication",
    "Period",
    "PeriodMoney",
    "ar_over_90",
    "clean_claim_rate",
    "count_claims",
    "days_in_ar",
    "denial_rate",
    "denial_rate_by_amount",
    "first_pass_resolution_rate",
    "is_full_denial",
    "net_collection_rate",
]

Unit = Literal["days", "percent"]

DEFAULT_DAYS_IN_AR_WINDOW = 90
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

# CARCs that explain a zero payment without denying the service: the patient's share
# (1 deductible, 2 coinsurance, 3 copay, 66 blood deductible), the contract (45 charge over the
# fee schedule, 24 capitation, 94 processed in excess of charges), another payer (23) and
# sequestration (253). A zero-paid line with any other CARC was denied.
NON_DENIAL_CARCS = frozenset({"1", "2", "3", "23", "24", "45", "66", "94", "253"})


def _decimal(value: Decimal | int | str, what: str) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"{what} must be a Decimal (or int/str), not a float.")
    return Decimal(value)


def _money(value: Decimal | int | str, what: str = "money") -> Decimal:
    return _decimal(value, what).quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator * HUNDRED / denominator).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Kpi:
    """One measured KPI. `value` is None when the denominator is zero (nothing to measure).

    `numerator` and `denominator` are what the value was computed from (counts for the claim
    rates, money for the others; for days in A/R the denominator is the average daily charge,
    rounded to cents for display while the value uses the exact average). `definition` is a
    one-paragraph plain-language definition with the formula."""

    name: str
    value: Decimal | None
    unit: Unit
    numerator: Decimal
    denominator: Decimal
    definition: str
    key: str = ""

    @property
    def available(self) -> bool:
        return self.value is not None

    @property
    def display(self) -> str:
        """The value for people: e.g. "45.20 days", "92.50%", or "—" when there is none."""
        if self.value is None:
            return "—"
        if self.unit == "percent":
            return f"{self.value:,}%"
        return f"{self.value:,} days"


@dataclass(frozen=True)
class Period:
    """A date range, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"Period starts after it ends ({self.start} > {self.end}).")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @classmethod
    def trailing(cls, as_of: date, days: int = DEFAULT_DAYS_IN_AR_WINDOW) -> Period:
        """The `days` days that end on `as_of` (the days-in-A/R charge window)."""
        if days < 1:
            raise ValueError("A trailing period needs at least one day.")
        return cls(as_of - timedelta(days=days - 1), as_of)


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class ClaimOutcome:
    """What happened to one claim (one claim family: an original and its corrections count as
    one claim, with `reworked` set).

    - `submitted_on`: date of the first submission to the clearinghouse (None: never sent).
    - `first_scrub_clean`: the first scrub of the claim found no errors.
    - `rejected_by_clearinghouse`: a 999 or 277CA rejected the first submission.
    - `adjudicated_on`: date of the payer's first adjudication (first 835 for the claim;
      None: not adjudicated yet).
    - `denied`: that first adjudication denied the claim in full (see `is_full_denial`).
    - `paid`: payer payments on the claim; `charge`: the billed amount (both >= 0).
    - `reworked`: the claim was corrected (frequency 7), resubmitted or appealed."""

    claim_id: int | str
    submitted_on: date | None
    first_scrub_clean: bool
    rejected_by_clearinghouse: bool
    adjudicated_on: date | None
    denied: bool
    paid: Decimal
    charge: Decimal
    reworked: bool

    def __post_init__(self) -> None:
        if _decimal(self.paid, "paid") < 0 or _decimal(self.charge, "charge") < 0:
            raise ValueError(f"Claim {self.claim_id}: paid and charge must not be negative.")

    @property
    def clean(self) -> bool:
        """Counts as a clean claim: clean first scrub and no clearinghouse rejection."""
        return self.first_scrub_clean and not self.rejected_by_clearinghouse

    @property
    def resolved_on_first_pass(self) -> bool:
        """Paid on the first submission, without any rework."""
        return (
            self.adjudicated_on is not None
            and not self.denied
            and self.paid > 0
            and not self.reworked
            and not self.rejected_by_clearinghouse
        )


@dataclass(frozen=True)
class ClaimCounts:
    """Claim counts for one period; what the claim-rate KPIs need. Fill it from aggregate
    queries or with `count_claims`.

    - `submitted`: claims first submitted in the period; `clean`: of those, the clean ones.
    - `adjudicated`: claims first adjudicated in the period; `first_pass_resolved` and
      `denied`: of those, the ones resolved on the first pass and the ones denied in full.
    - `adjudicated_charges` / `denied_charges`: billed amounts of those same claims."""

    submitted: int = 0
    clean: int = 0
    adjudicated: int = 0
    first_pass_resolved: int = 0
    denied: int = 0
    adjudicated_charges: Decimal = ZERO
    denied_charges: Decimal = ZERO

    def __post_init__(self) -> None:
        counts = (
            self.submitted,
            self.clean,
            self.adjudicated,
            self.first_pass_resolved,
            self.denied,
        )
        if any(n < 0 for n in counts):
            raise ValueError("Claim counts must not be negative.")
        if self.clean > self.submitted:
            raise ValueError("More clean claims than submitted claims.")
        if self.first_pass_resolved + self.denied > self.adjudicated:
            raise ValueError("First-pass resolved plus denied claims exceed adjudicated claims.")
        denied_charges = _decimal(self.denied_charges, "denied_charges")
        adjudicated_charges = _decimal(self.adjudicated_charges, "adjudicated_charges")
        if denied_charges < 0 or denied_charges > adjudicated_charges:
            raise ValueError("Denied charges must be between 0 and the adjudicated charges.")


def count_claims(outcomes: Iterable[ClaimOutcome], period: Period | None = None) -> ClaimCounts:
    """Count claim outcomes for `period` (by first submission date for `submitted`/`clean`, by
    first adjudication date for the rest). Without a period every dated outcome counts."""
    submitted = clean = adjudicated = resolved = denied = 0
    adjudicated_charges = denied_charges = ZERO
    for claim in outcomes:
        if claim.submitted_on is not None and (period is None or claim.submitted_on in period):
            submitted += 1
            clean += claim.clean
        if claim.adjudicated_on is not None and (period is None or claim.adjudicated_on in period):
            charge = _money(claim.charge, "charge")
            adjudicated += 1
            adjudicated_charges += charge
            if claim.denied:
                denied += 1
                denied_charges += charge
            elif claim.resolved_on_first_pass:
                resolved += 1
    return ClaimCounts(
        submitted=submitted,
        clean=clean,
        adjudicated=adjudicated,
        first_pass_resolved=resolved,
        denied=denied,
        adjudicated_charges=adjudicated_charges,
        denied_charges=denied_charges,
    )


@dataclass(frozen=True)
class PeriodMoney:
    """Money of one period, all positive amounts as they are posted:

    - `charges`: gross charges billed (with service dates) in the period;
    - `payments`: payments received in the period (payers and patients);
    - `refunds`: money paid back in the period (overpayment refunds, recoupments);
    - `contractual_adjustments`: CO-group adjustments posted in the period, positive = a
      reduction (the 835's CAS sign; a reversal makes it smaller)."""

    charges: Decimal
    payments: Decimal
    refunds: Decimal = ZERO
    contractual_adjustments: Decimal = ZERO

    def __post_init__(self) -> None:
        for name in ("charges", "payments", "refunds"):
            if _decimal(getattr(self, name), name) < 0:
                raise ValueError(f"PeriodMoney.{name} must not be negative.")
        _decimal(self.contractual_adjustments, "contractual_adjustments")


@dataclass(frozen=True)
class LineAdjudication:
    """One service line of an 835 claim payment: what was paid and the CARCs of its CAS
    adjustments (just the reason codes, e.g. ("45", "1"))."""

    paid: Decimal
    reasons: tuple[str, ...] = ()


def _is_denial_reason(code: str) -> bool:
    return code.strip().upper() not in NON_DENIAL_CARCS


def is_full_denial(
    status_code: str,
    paid: Decimal,
    lines: Sequence[LineAdjudication] = (),
    claim_reasons: Iterable[str] = (),
) -> bool:
    """Whether an 835 claim payment (CLP) denies the claim in full.

    Denied in full: CLP02 is "4" (denied), or nothing was paid and every line is zero-paid with
    at least one denial CARC (any CARC outside `NON_DENIAL_CARCS`; claim-level CAS reasons
    count for every line). Without line detail, a zero payment with a claim-level denial CARC.
    A reversal (CLP02 "22") is never a denial. A claim paid $0 because everything went to the
    deductible is adjudicated, not denied."""
    status = status_code.strip()
    if status == "4":
        return True
    if status == "22" or _decimal(paid, "paid") != 0:
        return False
    claim_denial = any(_is_denial_reason(code) for code in claim_reasons)
    if not lines:
        return claim_denial
    return all(
        _decimal(line.paid, "paid") == 0
        and (claim_denial or any(_is_denial_reason(code) for code in line.reasons))
        for line in lines
    )


# ---------------------------------------------------------------------------------------------
# KPIs

DAYS_IN_AR_DEFINITION = (
    "Days in A/R: how many days of gross charges are still unpaid, that is, roughly how long "
    "it takes to collect a dollar billed. Formula: total A/R balance / (gross charges of the "
    "last {days} days / {days}). The A/R balance is every open debit balance (insurance and "
    "patient) on the as-of date, before expected contractual adjustments; credit balances are "
    "not netted. Gross charges are the billed amounts of services dated in the {days} days "
    "ending on the as-of date. Lower is better; no value when there were no charges."
)
CLEAN_CLAIM_DEFINITION = (
    "Clean claim rate: the share of claims that went out right the first time. Formula: "
    "claims that passed the scrubber on their first scrub and were not rejected by the "
    "clearinghouse (999 or 277CA) / claims first submitted in the period x 100. A claim counts "
    "in the period of its first submission; corrections and resubmissions do not count again. "
    "Higher is better; no value when no claims were submitted."
)
RESOLUTION_DEFINITION = (
    "First-pass resolution rate: the share of adjudicated claims that the payer paid on the "
    "first submission without any rework. Formula: claims paid (adjudicated to final with a "
    "payment above $0) on their first submission, with no correction, resubmission, appeal or "
    "clearinghouse rejection / claims first adjudicated in the period x 100. Denied claims and "
    "claims adjudicated with no payment (for example, all applied to the deductible) are not "
    "counted as resolved. Higher is better; no value when no claims were adjudicated."
)
DENIAL_DEFINITION = (
    "Denial rate: the share of adjudicated claims that the payer denied in full on their first "
    "adjudication. Formula: claims denied in full (835 claim status CLP02 = 4, or every line "
    "paid $0 with a denial reason code, that is, any CARC other than patient share, "
    "contractual, capitation, prior-payer or sequestration codes) / claims first adjudicated in "
    "the period x 100. Partly paid claims and line-level denials are not counted. Lower is "
    "better; no value when no claims were adjudicated."
)
DENIAL_AMOUNT_DEFINITION = (
    "Denial rate by amount: the share of adjudicated charges that were denied. Formula: billed "
    "charges of the claims denied in full on their first adjudication / billed charges of all "
    "claims first adjudicated in the period x 100 (same claims as the denial rate, weighted by "
    "charge). Lower is better; no value when no charges were adjudicated."
)
NET_COLLECTION_DEFINITION = (
    "Net collection rate: the share of the money the practice is entitled to that it actually "
    "collected. Formula: (payments - refunds) / (gross charges - contractual adjustments) x "
    "100, all for the period; contractual adjustments are the CO-group (contractual "
    "obligation) write-offs. Payments include payers and patients and are net of refunds and "
    "recoupments. Because payments in a period can pay charges from earlier periods, the rate "
    "can exceed 100%. Higher is better (95% or more is typical of a well-run practice); no "
    "value when charges less contractual adjustments are not above $0."
)
AR_OVER_90_DEFINITION = (
    "A/R over 90 days: the share of the open A/R balance that is more than 90 days old, "
    "measured from the first submission of the claim (or the date of service) for insurance "
    "balances and from the first statement (or the date the balance became the patient's) "
    "for patient balances. Formula: (balances aged 91-120 days + balances aged over 120 days) "
    "/ total A/R balance x 100, on the as-of date; credit balances are left out. Lower is "
    "better; no value when there is no open A/R."
)


def days_in_ar(
    ar_balance: Decimal,
    gross_charges: Decimal,
    days: int = DEFAULT_DAYS_IN_AR_WINDOW,
) -> Kpi:
    """Days in A/R = A/R balance / (gross charges of the last `days` days / `days`).

    Pass the aging report's `total.total` as `ar_balance` and the gross charges of
    `Period.trailing(as_of, days)`. None when the gross charges are not positive."""
    if days < 1:
        raise ValueError("The days-in-A/R window needs at least one day.")
    balance = _money(ar_balance, "ar_balance")
    charges = _money(gross_charges, "gross_charges")
    definition = DAYS_IN_AR_DEFINITION.format(days=days)
    if charges <= 0:
        return Kpi(
            "Days in A/R", None, "days", balance, ZERO.quantize(CENT), definition, "days_in_ar"
        )
    value = (balance * days / charges).quantize(CENT, rounding=ROUND_HALF_UP)
    daily = (charges / days).quantize(CENT, rounding=ROUND_HALF_UP)
    return Kpi("Days in A/R", value, "days", balance, daily, definition, "days_in_ar")


def _count_rate(name: str, key: str, numerator: int, denominator: int, definition: str) -> Kpi:
    num, den = Decimal(numerator), Decimal(denominator)
    value = _percent(num, den) if denominator else None
    return Kpi(name, value, "percent", num, den, definition, key)


def clean_claim_rate(counts: ClaimCounts) -> Kpi:
    return _count_rate(
        "Clean claim rate",
        "clean_claim_rate",
        counts.clean,
        counts.submitted,
        CLEAN_CLAIM_DEFINITION,
    )


def first_pass_resolution_rate(counts: ClaimCounts) -> Kpi:
    return _count_rate(
        "First-pass resolution rate",
        "first_pass_resolution_rate",
        counts.first_pass_resolved,
        counts.adjudicated,
        RESOLUTION_DEFINITION,
    )


def denial_rate(counts: ClaimCounts) -> Kpi:
    return _count_rate(
        "Denial rate", "denial_rate", counts.denied, counts.adjudicated, DENIAL_DEFINITION
    )


def denial_rate_by_amount(counts: ClaimCounts) -> Kpi:
    num = _money(counts.denied_charges, "denied_charges")
    den = _money(counts.adjudicated_charges, "adjudicated_charges")
    value = _percent(num, den) if den > 0 else None
    return Kpi(
        "Denial rate by amount",
        value,
        "percent",
        num,
        den,
        DENIAL_AMOUNT_DEFINITION,
        "denial_rate_by_amount",
    )


def net_collection_rate(money: PeriodMoney) -> Kpi:
    """(payments - refunds) / (charges - contractual adjustments) x 100. Not capped at 100 and
    may be negative (refunds above payments). None when the denominator is not positive."""
    num = _money(money.payments, "payments") - _money(money.refunds, "refunds")
    den = _money(money.charges, "charges") - _money(
        money.contractual_adjustments, "contractual_adjustments"
    )
    value = _percent(num, den) if den > 0 else None
    return Kpi(
        "Net collection rate",
        value,
        "percent",
        num,
        den,
        NET_COLLECTION_DEFINITION,
        "net_collection_rate",
    )


def ar_over_90(report: AgingReport) -> Kpi:
    """Share of the A/R balance over 90 days old, from an aging report (percent)."""
    total = report.total
    value = (total.share_over_90 * HUNDRED).quantize(CENT) if total.total > 0 else None
    return Kpi(
        "A/R over 90 days",
        value,
        "percent",
        total.over_90,
        total.total,
        AR_OVER_90_DEFINITION,
        "ar_over_90",
    )
