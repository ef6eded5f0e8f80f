"""Management fees (contracts/fees.py) and the state fee-splitting table (contracts/state_rules.py).

Pure tests: no database. Every expected amount is computed by hand in the comment beside it.
June 2025 has 30 days, July 2025 31, February 2024 29.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from contracts import state_rules
from contracts.fees import (
    PERCENTAGE_MODELS,
    ActivePeriod,
    Basis,
    FeeCalculation,
    FeeModel,
    FeeTerms,
    FeeTermsError,
    LineKind,
    PeriodActuals,
    annualised,
    calculate_fee,
    fmv_check,
    format_money,
    format_percent,
    terms_errors,
    true_up,
)
from contracts.state_rules import (
    ALLOWED,
    RESTRICTED,
    STATE_FEE_RULES,
    is_percentage_model,
    percentage_fee_status,
    requires_legal_signoff,
)

D = Decimal
K = LineKind

JUNE = ActivePeriod.for_month(2025, 6)  # 30 days, full month
JUNE_FROM_11 = ActivePeriod.for_month(2025, 6, agreement_start=date(2025, 6, 11))  # 20/30
JUNE_TO_15 = ActivePeriod.for_month(2025, 6, agreement_end=date(2025, 6, 15))  # 15/30
JULY_TO_10 = ActivePeriod.for_month(2025, 7, agreement_end=date(2025, 7, 10))  # 10/31
JULY_FROM_21 = ActivePeriod.for_month(2025, 7, agreement_start=date(2025, 7, 21))  # 11/31
FEB_2024_FROM_20 = ActivePeriod.for_month(2024, 2, agreement_start=date(2024, 2, 20))  # 10/29


def fixed(amount, **kw):
    return FeeTerms(FeeModel.FIXED, fixed_amount=D(amount), **kw)


def pct_net(rate, **kw):
    return FeeTerms(FeeModel.PCT_NET_COLLECTIONS, rate=D(rate), **kw)


def pct_gross(rate, **kw):
    return FeeTerms(FeeModel.PCT_GROSS_REVENUE, rate=D(rate), **kw)


def hybrid(base, rate, basis, **kw):
    return FeeTerms(FeeModel.HYBRID, fixed_amount=D(base), rate=D(rate), basis=basis, **kw)


def cost_plus(markup, **kw):
    return FeeTerms(FeeModel.COST_PLUS, markup=D(markup), **kw)


def money_kw(**kw):
    return {name: D(value) for name, value in kw.items()}


def actuals(**kw):
    return PeriodActuals(**money_kw(**kw))


def limits(floor=None, cap=None):
    return {
        "floor": None if floor is None else D(floor),
        "cap": None if cap is None else D(cap),
    }


# (id, terms, actuals, period, [(kind, amount), ...], total, floor_applied, cap_applied)
CASES = [
    # FIXED -----------------------------------------------------------------------------------
    # $3,000.00 for the whole month.
    ("fixed-full", fixed("3000.00"), actuals(), JUNE, [(K.FIXED, "3000.00")], "3000.00", 0, 0),
    # Agreement starts June 11: 3,000.00 * 20/30 = 2,000.00.
    ("fixed-20/30", fixed("3000.00"), actuals(), JUNE_FROM_11, [(K.FIXED, "2000.00")],
     "2000.00", 0, 0),
    # Agreement ends July 10: 3,100.00 * 10/31 = 1,000.00.
    ("fixed-10/31", fixed("3100.00"), actuals(), JULY_TO_10, [(K.FIXED, "1000.00")],
     "1000.00", 0, 0),
    # 1,000.01 * 15/30 = 500.005 -> half-up 500.01 (banker's would give 500.00).
    ("fixed-half-up", fixed("1000.01"), actuals(), JUNE_TO_15, [(K.FIXED, "500.01")],
     "500.01", 0, 0),
    # Leap February: 1,000.00 * 10/29 = 344.827586... -> 344.83.
    ("fixed-10/29", fixed("1000.00"), actuals(), FEB_2024_FROM_20, [(K.FIXED, "344.83")],
     "344.83", 0, 0),
    # PCT_NET_COLLECTIONS ---------------------------------------------------------------------
    # net = 49,100.00 - 889.45 = 48,210.55; * 6.5% = 3,133.68575 -> 3,133.69.
    ("net-6.5", pct_net("6.5000"), actuals(payments="49100.00", refunds="889.45"), JUNE,
     [(K.PERCENTAGE, "3133.69")], "3133.69", 0, 0),
    # 48,001.00 * 6.5% = 3,120.065 -> half-up 3,120.07 (banker's would give 3,120.06).
    ("net-half-up", pct_net("6.5000"), actuals(payments="48001.00"), JUNE,
     [(K.PERCENTAGE, "3120.07")], "3120.07", 0, 0),
    # Lab pass-through excluded: 60,000 - 1,000 refunds - 9,000 excluded = 50,000; * 5% = 2,500.
    ("net-excluded", pct_net("5"),
     actuals(payments="60000.00", refunds="1000.00", excluded_collections="9000.00"), JUNE,
     [(K.PERCENTAGE, "2500.00")], "2500.00", 0, 0),
    # Refunds above payments: 1,000 - 1,500 < 0, counted as 0 -> 0.00.
    ("net-negative", pct_net("5"), actuals(payments="1000.00", refunds="1500.00"), JUNE,
     [(K.PERCENTAGE, "0.00")], "0.00", 0, 0),
    # Partial month: the caller passes the active days' collections only (15,000.00);
    # 15,000 * 6% = 900.00, not prorated again.
    ("net-partial-month", pct_net("6"), actuals(payments="15000.00"), JUNE_FROM_11,
     [(K.PERCENTAGE, "900.00")], "900.00", 0, 0),
    # PCT_GROSS_REVENUE -----------------------------------------------------------------------
    # 100,000.00 - 12,345.60 excluded = 87,654.40; * 4.25% = 3,506.176 + 219.136 = 3,725.312
    # -> 3,725.31.
    ("gross-4.25", pct_gross("4.2500"),
     actuals(gross_charges="100000.00", excluded_charges="12345.60"), JUNE,
     [(K.PERCENTAGE, "3725.31")], "3725.31", 0, 0),
    # 1,234.60 * 2.5% = 30.865 -> half-up 30.87 (banker's would give 30.86).
    ("gross-half-up", pct_gross("2.5"), actuals(gross_charges="1234.60"), JUNE,
     [(K.PERCENTAGE, "30.87")], "30.87", 0, 0),
    # Payments are ignored by the gross model: 20,000 * 3.3333% = 666.66 exactly.
    ("gross-ignores-payments", pct_gross("3.3333"),
     actuals(gross_charges="20000.00", payments="99999.99"), JUNE,
     [(K.PERCENTAGE, "666.66")], "666.66", 0, 0),
    # HYBRID ----------------------------------------------------------------------------------
    # 2,500.00 base + 3% * (40,000 - 500) = 2,500 + 1,185.00 = 3,685.00.
    ("hybrid-net", hybrid("2500.00", "3", Basis.NET_COLLECTIONS),
     actuals(payments="40000.00", refunds="500.00", gross_charges="90000.00"), JUNE,
     [(K.BASE, "2500.00"), (K.PERCENTAGE, "1185.00")], "3685.00", 0, 0),
    # Base 2,500 * 20/30 = 1,666.666... -> 1,666.67; 4% * (30,000 - 1,000) = 1,160.00;
    # total 2,826.67.
    ("hybrid-gross-20/30", hybrid("2500.00", "4", "gross_revenue"),
     actuals(gross_charges="30000.00", excluded_charges="1000.00"), JUNE_FROM_11,
     [(K.BASE, "1666.67"), (K.PERCENTAGE, "1160.00")], "2826.67", 0, 0),
    # 5,000 + 10% * 100,000 = 15,000 > cap 12,000 -> -3,000; total 12,000.
    ("hybrid-cap", hybrid("5000.00", "10", "gross_revenue", cap=D("12000.00")),
     actuals(gross_charges="100000.00"), JUNE,
     [(K.BASE, "5000.00"), (K.PERCENTAGE, "10000.00"), (K.CAP, "-3000.00")], "12000.00", 0, 1),
    # COST_PLUS -------------------------------------------------------------------------------
    # 12,345.67 + 10% * 12,345.67 = 12,345.67 + 1,234.567 (-> 1,234.57) = 13,580.24.
    ("cost-plus-10", cost_plus("10"), actuals(costs="12345.67"), JUNE,
     [(K.COST, "12345.67"), (K.MARKUP, "1234.57")], "13580.24", 0, 0),
    # 1,234.50 * 9% = 111.105 -> half-up 111.11 (banker's 111.10); 1,234.50 + 111.11 = 1,345.61.
    ("cost-plus-half-up", cost_plus("9"), actuals(costs="1234.50"), JUNE,
     [(K.COST, "1234.50"), (K.MARKUP, "111.11")], "1345.61", 0, 0),
    # 1,000 + 20% = 1,200 < floor 1,500 -> +300; total 1,500.
    ("cost-plus-floor", cost_plus("20", floor=D("1500.00")), actuals(costs="1000.00"), JUNE,
     [(K.COST, "1000.00"), (K.MARKUP, "200.00"), (K.FLOOR, "300.00")], "1500.00", 1, 0),
    # Costs are the active days' costs, not prorated: 600 + 0% = 600.
    ("cost-only", cost_plus("0"), actuals(costs="600.00"), JUNE_FROM_11,
     [(K.COST, "600.00"), (K.MARKUP, "0.00")], "600.00", 0, 0),
    # FLOOR / CAP -----------------------------------------------------------------------------
    # 6% * 20,000 = 1,200 < floor 2,000 -> +800; total 2,000.
    ("floor", pct_net("6", **limits("2000.00")), actuals(payments="20000.00"), JUNE,
     [(K.PERCENTAGE, "1200.00"), (K.FLOOR, "800.00")], "2000.00", 1, 0),
    # 6% * 150,000 = 9,000 > cap 7,500 -> -1,500; total 7,500.
    ("cap", pct_net("6", **limits(cap="7500.00")), actuals(payments="150000.00"), JUNE,
     [(K.PERCENTAGE, "9000.00"), (K.CAP, "-1500.00")], "7500.00", 0, 1),
    # 6% * 50,000 = 3,000, between floor 2,000 and cap 7,500: no adjustment.
    ("between", pct_net("6", **limits("2000.00", "7500.00")), actuals(payments="50000.00"), JUNE,
     [(K.PERCENTAGE, "3000.00")], "3000.00", 0, 0),
    # Exactly at the floor (3,000 = 3,000) and exactly at the cap: no adjustment line.
    ("at-floor", pct_net("6", **limits("3000.00")), actuals(payments="50000.00"), JUNE,
     [(K.PERCENTAGE, "3000.00")], "3000.00", 0, 0),
    ("at-cap", pct_net("6", **limits(cap="3000.00")), actuals(payments="50000.00"), JUNE,
     [(K.PERCENTAGE, "3000.00")], "3000.00", 0, 0),
    # Prorated floor: 3,000 * 20/30 = 2,000; 6% * 10,000 = 600 -> +1,400; total 2,000.
    ("floor-20/30", pct_net("6", **limits("3000.00")), actuals(payments="10000.00"),
     JUNE_FROM_11, [(K.PERCENTAGE, "600.00"), (K.FLOOR, "1400.00")], "2000.00", 1, 0),
    # Prorated cap: 9,000 * 20/30 = 6,000; 6% * 120,000 = 7,200 -> -1,200; total 6,000.
    ("cap-20/30", pct_net("6", **limits(cap="9000.00")), actuals(payments="120000.00"),
     JUNE_FROM_11, [(K.PERCENTAGE, "7200.00"), (K.CAP, "-1200.00")], "6000.00", 0, 1),
    # Prorated floor with rounding: 1,000 * 11/31 = 354.8387... -> 354.84;
    # 1% * 10,000 = 100.00 -> +254.84; total 354.84.
    ("floor-11/31", pct_gross("1", **limits("1000.00")), actuals(gross_charges="10000.00"),
     JULY_FROM_21, [(K.PERCENTAGE, "100.00"), (K.FLOOR, "254.84")], "354.84", 1, 0),
    # A floor on a fixed fee, prorated: fixed 1,500 * 20/30 = 1,000; floor 1,800 * 20/30 = 1,200
    # -> +200; total 1,200.
    ("fixed-floor-20/30", fixed("1500.00", floor=D("1800.00")), actuals(), JUNE_FROM_11,
     [(K.FIXED, "1000.00"), (K.FLOOR, "200.00")], "1200.00", 1, 0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("terms", "period_actuals", "period", "expected_lines", "total", "floor_hit", "cap_hit"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_fee_cases(terms, period_actuals, period, expected_lines, total, floor_hit, cap_hit):
    calc = calculate_fee(terms, period_actuals, period)
    assert [(line.kind, line.amount) for line in calc.lines] == [
        (kind, D(amount)) for kind, amount in expected_lines
    ]
    assert calc.total == D(total)
    assert calc.total == sum(line.amount for line in calc.lines)
    assert calc.floor_applied is bool(floor_hit)
    assert calc.cap_applied is bool(cap_hit)
    assert calc.prorated is period.is_partial


@pytest.mark.parametrize(
    ("exact", "half_up"),
    [
        (D("500.005"), D("500.01")),  # fixed-half-up
        (D("3120.065"), D("3120.07")),  # net-half-up
        (D("30.865"), D("30.87")),  # gross-half-up
        (D("111.105"), D("111.11")),  # cost-plus-half-up
    ],
)
def test_rounding_cases_really_differ_from_bankers_rounding(exact, half_up):
    # The half-up cases above would fail under ROUND_HALF_EVEN: each one discriminates.
    assert exact.quantize(D("0.01"), rounding=ROUND_HALF_UP) == half_up
    assert exact.quantize(D("0.01"), rounding=ROUND_HALF_EVEN) == half_up - D("0.01")


# --- formulas and flags --------------------------------------------------------------------


def test_net_collections_formula_reads_like_the_invoice():
    calc = calculate_fee(pct_net("6.5000"), actuals(payments="49100.00", refunds="889.45"), JUNE)
    (line,) = calc.lines
    assert line.formula == (
        "6.50% × $48,210.55 net collections (payments $49,100.00 − refunds $889.45)"
    )
    assert line.description == "Management fee: 6.50% of net collections"
    assert line.basis == D("48210.55")
    assert line.rate == D("6.5000")


def test_net_collections_formula_shows_exclusions_and_negative_basis():
    calc = calculate_fee(
        pct_net("5"),
        actuals(payments="60000.00", refunds="1000.00", excluded_collections="9000.00"),
        JUNE,
    )
    assert calc.lines[0].formula == (
        "5.00% × $50,000.00 net collections "
        "(payments $60,000.00 − refunds $1,000.00 − excluded $9,000.00)"
    )
    negative = calculate_fee(pct_net("5"), actuals(payments="1000.00", refunds="1500.00"), JUNE)
    assert negative.lines[0].formula.endswith("; negative, counted as $0.00)")
    assert negative.lines[0].basis == D("0.00")


def test_gross_revenue_formula():
    calc = calculate_fee(
        pct_gross("4.2500"),
        actuals(gross_charges="100000.00", excluded_charges="12345.60"),
        JUNE,
    )
    assert calc.lines[0].formula == (
        "4.25% × $87,654.40 gross revenue (charges $100,000.00 − excluded $12,345.60)"
    )


def test_prorated_fixed_formula_and_flags():
    calc = calculate_fee(fixed("3000.00"), actuals(), JUNE_FROM_11)
    assert calc.lines[0].formula == ("$3,000.00 × 20/30 days active (2025-06-11 to 2025-06-30)")
    assert calc.prorated is True
    assert calc.proration == "20/30"
    assert (calc.active_start, calc.active_end) == (date(2025, 6, 11), date(2025, 6, 30))
    full = calculate_fee(fixed("3000.00"), actuals(), JUNE)
    assert full.lines[0].formula == "$3,000.00 per month"
    assert full.prorated is False
    assert full.proration == "30/30"


def test_floor_and_cap_lines_explain_the_adjustment():
    floor = calculate_fee(pct_net("6", floor=D("3000.00")), actuals(payments="10000.00"),
                          JUNE_FROM_11)  # fmt: skip
    line = floor.lines[-1]
    assert line.description == "Monthly minimum (floor) adjustment"
    # floor 3,000 * 20/30 = 2,000; 2,000 - 600 = 1,400
    assert line.formula == "floor $3,000.00 × 20/30 = $2,000.00 − subtotal $600.00"
    assert (floor.subtotal, floor.floor, floor.cap) == (D("600.00"), D("2000.00"), None)
    cap = calculate_fee(pct_net("6", cap=D("7500.00")), actuals(payments="150000.00"), JUNE)
    assert cap.lines[-1].description == "Monthly maximum (cap) adjustment"
    assert cap.lines[-1].formula == "cap $7,500.00 − subtotal $9,000.00"
    assert cap.subtotal == D("9000.00")


def test_cost_plus_lines():
    calc = calculate_fee(cost_plus("10"), actuals(costs="12345.67"), JUNE)
    cost, markup = calc.lines
    assert cost.formula == "$12,345.67 documented costs for the active days"
    assert markup.formula == "10.00% × $12,345.67 documented costs"
    assert (markup.basis, markup.rate) == (D("12345.67"), D("10"))


def test_agreement_dates_outside_the_month_are_clipped():
    period = ActivePeriod.for_month(2025, 6, date(2024, 1, 1), date(2026, 12, 31))
    assert (period.active_days, period.is_partial) == (30, False)
    both = ActivePeriod.for_month(2025, 6, date(2025, 6, 11), date(2025, 6, 20))
    # June 11..20 inclusive = 10 days: 3,000 * 10/30 = 1,000.00
    assert calculate_fee(fixed("3000.00"), actuals(), both).total == D("1000.00")


def test_lines_round_trip_through_json_ready_dicts():
    calc = calculate_fee(hybrid("2500.00", "4", "gross_revenue", floor=D("3000.00")),
                         actuals(gross_charges="30000.00"), JUNE_FROM_11)  # fmt: skip
    data = calc.as_dict()
    assert data["total"] == str(calc.total)
    assert data["lines"][0]["kind"] == "base"
    assert FeeCalculation.from_dict(data) == calc


@pytest.mark.parametrize(
    ("rate", "text"),
    [("6.5000", "6.50%"), ("6.1250", "6.125%"), ("6.1234", "6.1234%"), ("100", "100.00%"),
     ("0", "0.00%"), ("12", "12.00%")],
)  # fmt: skip
def test_format_percent(rate, text):
    assert format_percent(D(rate)) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [("48210.55", "$48,210.55"), ("-32.5", "−$32.50"), ("0", "$0.00"), ("0.005", "$0.01")],
)
def test_format_money(amount, text):
    assert format_money(D(amount)) == text


# --- true-ups ------------------------------------------------------------------------------

JUNE_INVOICED = calculate_fee(
    pct_net("6.5000"), actuals(payments="49100.00", refunds="889.45"), JUNE
)  # 48,210.55 * 6.5% = 3,133.68575 -> 3,133.69


def test_true_up_positive_after_late_payment():
    # A 500.00 payment posted late: 49,600 - 889.45 = 48,710.55; * 6.5% = 3,166.18575
    # -> 3,166.19; 3,166.19 - 3,133.69 = +32.50.
    current = calculate_fee(pct_net("6.5000"), actuals(payments="49600.00", refunds="889.45"), JUNE)
    line = true_up(JUNE_INVOICED, current)
    assert line is not None
    assert line.kind is LineKind.TRUE_UP
    assert line.amount == D("32.50")
    assert line.description == "True-up for June 2025 (recomputed after late postings)"
    assert line.formula == "recomputed $3,166.19 − previously invoiced $3,133.69"


def test_true_up_negative_after_late_refund():
    # A 500.00 refund posted late: 49,100 - 1,389.45 = 47,710.55; * 6.5% = 3,101.18575
    # -> 3,101.19; 3,101.19 - 3,133.69 = -32.50.
    current = calculate_fee(
        pct_net("6.5000"), actuals(payments="49100.00", refunds="1389.45"), JUNE
    )
    line = true_up(JUNE_INVOICED, current)
    assert line is not None
    assert line.amount == D("-32.50")
    assert line.formula == "recomputed $3,101.19 − previously invoiced $3,133.69"


def test_true_up_none_when_equal():
    again = calculate_fee(pct_net("6.5000"), actuals(payments="49100.00", refunds="889.45"), JUNE)
    assert true_up(JUNE_INVOICED, again) is None


def test_true_up_compares_totals_after_the_floor():
    terms = pct_net("6", floor=D("2000.00"))
    before = calculate_fee(terms, actuals(payments="20000.00"), JUNE)  # 1,200 -> floor 2,000
    # Late postings lift net to 30,000: 1,800, still under the floor: total unchanged.
    assert true_up(before, calculate_fee(terms, actuals(payments="30000.00"), JUNE)) is None
    # Net 40,000: 2,400 > floor; 2,400 - 2,000 = +400.
    line = true_up(before, calculate_fee(terms, actuals(payments="40000.00"), JUNE))
    assert line is not None
    assert line.amount == D("400.00")


def test_true_up_refuses_different_months():
    july = calculate_fee(pct_net("6.5000"), actuals(payments="1.00"),
                         ActivePeriod.for_month(2025, 7))  # fmt: skip
    with pytest.raises(ValueError, match="same month"):
        true_up(JUNE_INVOICED, july)


# --- fair market value ---------------------------------------------------------------------


def test_annualised_is_monthly_total_times_twelve():
    # 3,133.69 * 12 = 37,604.28
    assert annualised(JUNE_INVOICED) == D("37604.28")


@pytest.mark.parametrize(
    ("low", "high", "ok", "message"),
    [
        ("30000.00", "45000.00", True,
         "Annual fee $37,604.28 is within the FMV range $30,000.00–$45,000.00."),
        # 40,000.00 - 37,604.28 = 2,395.72
        ("40000.00", "50000.00", False,
         "Annual fee $37,604.28 is below the FMV range $40,000.00–$50,000.00 by $2,395.72."),
        # 37,604.28 - 30,000.00 = 7,604.28
        ("20000.00", "30000.00", False,
         "Annual fee $37,604.28 is above the FMV range $20,000.00–$30,000.00 by $7,604.28."),
        # Both ends are inside the range.
        ("37604.28", "40000.00", True,
         "Annual fee $37,604.28 is within the FMV range $37,604.28–$40,000.00."),
        ("30000.00", "37604.28", True,
         "Annual fee $37,604.28 is within the FMV range $30,000.00–$37,604.28."),
    ],
)  # fmt: skip
def test_fmv_check(low, high, ok, message):
    assert fmv_check(D("37604.28"), D(low), D(high)) == (ok, message)


def test_fmv_check_refuses_bad_ranges_and_floats():
    with pytest.raises(ValueError, match="low <= high"):
        fmv_check(D("1.00"), D("10.00"), D("5.00"))
    with pytest.raises(TypeError):
        fmv_check(37604.28, D("1"), D("2"))
    with pytest.raises(TypeError):
        fmv_check(D("1"), 1.0, D("2"))


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "terms",
    [
        fixed("3000.00"),
        pct_net("6.5000"),
        pct_gross("0"),
        pct_gross("100"),
        hybrid("1000.00", "3", "net_collections", floor=D("0"), cap=D("0")),
        cost_plus("0"),
        cost_plus("250"),  # a markup above 100% is unusual but not invalid
        fixed("3000.00", floor=D("100.00"), cap=D("100.00")),
    ],
)
def test_valid_terms_have_no_errors(terms):
    assert terms_errors(terms) == {}


@pytest.mark.parametrize(
    ("terms", "field", "fragment"),
    [
        (pct_net("100.0001"), "rate", "between 0 and 100"),
        (pct_gross("-0.5"), "rate", "between 0 and 100"),
        (hybrid("1.00", "101", "net_collections"), "rate", "between 0 and 100"),
        (pct_net("6.12345"), "rate", "at most 4 decimal places"),
        (fixed("-1.00"), "fixed_amount", "cannot be negative"),
        (fixed("1000.001"), "fixed_amount", "at most 2 decimal places"),
        (fixed("1.00", floor=D("-0.01")), "floor", "cannot be negative"),
        (fixed("1.00", cap=D("-5")), "cap", "cannot be negative"),
        (cost_plus("-1"), "markup", "cannot be negative"),
        (cost_plus("1.00001"), "markup", "at most 4 decimal places"),
        (fixed("1.00", floor=D("500.00"), cap=D("499.99")), "floor", "cannot be above"),
        (FeeTerms(FeeModel.PCT_NET_COLLECTIONS), "rate", "Enter the percentage"),
        (FeeTerms(FeeModel.PCT_GROSS_REVENUE), "rate", "Enter the percentage"),
        (FeeTerms(FeeModel.HYBRID, fixed_amount=D("1"), basis="gross_revenue"), "rate",
         "Enter the percentage"),
        (FeeTerms(FeeModel.FIXED), "fixed_amount", "Enter the fixed monthly fee"),
        (FeeTerms(FeeModel.HYBRID, rate=D("3"), basis="gross_revenue"), "fixed_amount",
         "Enter the fixed monthly base fee"),
        (FeeTerms(FeeModel.HYBRID, fixed_amount=D("1"), rate=D("3")), "basis", "Choose"),
        (FeeTerms(FeeModel.HYBRID, fixed_amount=D("1"), rate=D("3"), basis=""), "basis",
         "Choose"),
        (FeeTerms(FeeModel.HYBRID, fixed_amount=D("1"), rate=D("3"), basis="profit"), "basis",
         "Unknown basis"),
        (FeeTerms(FeeModel.COST_PLUS), "markup", "Enter the markup"),
        (FeeTerms("percent_of_profit"), "model", "Unknown fee model"),
        (FeeTerms(""), "model", "Unknown fee model"),
        (FeeTerms("FIXED", fixed_amount=D("1")), "model", "Unknown fee model"),
    ],
)  # fmt: skip
def test_terms_errors(terms, field, fragment):
    errors = terms_errors(terms)
    assert field in errors
    assert any(fragment in message for message in errors[field])


def test_string_model_values_are_accepted():
    assert terms_errors(FeeTerms("cost_plus", markup=D("5"))) == {}


def test_calculate_refuses_invalid_terms_with_the_field_errors():
    with pytest.raises(FeeTermsError) as caught:
        calculate_fee(FeeTerms(FeeModel.FIXED, floor=D("5"), cap=D("1")), actuals(), JUNE)
    assert set(caught.value.errors) == {"fixed_amount", "floor"}


@pytest.mark.parametrize(
    "make",
    [
        lambda: FeeTerms(FeeModel.FIXED, fixed_amount=3000.0),
        lambda: FeeTerms(FeeModel.PCT_NET_COLLECTIONS, rate=6.5),
        lambda: FeeTerms(FeeModel.FIXED, fixed_amount=D("1"), floor=1.0),
        lambda: FeeTerms(FeeModel.COST_PLUS, markup=10.0),
        lambda: PeriodActuals(payments=49100.0),
        lambda: PeriodActuals(costs=1.5),
        lambda: FeeTerms(FeeModel.FIXED, fixed_amount=3000),  # int: Decimal only
        lambda: PeriodActuals(refunds="889.45"),  # str: Decimal only
    ],
)
def test_non_decimal_money_is_refused(make):
    with pytest.raises(TypeError):
        make()


@pytest.mark.parametrize(
    ("kw", "fragment"),
    [
        ({"payments": D("-1.00")}, "negative"),
        ({"refunds": D("0.001")}, "whole cents"),
        ({"costs": D("NaN")}, "finite"),
        ({"gross_charges": D("Infinity")}, "finite"),
    ],
)
def test_bad_actuals(kw, fragment):
    with pytest.raises(ValueError, match=fragment):
        PeriodActuals(**kw)


def test_bad_periods():
    with pytest.raises(ValueError, match="first day"):
        ActivePeriod(date(2025, 6, 2), date(2025, 6, 30))
    with pytest.raises(ValueError, match="last day"):
        ActivePeriod(date(2025, 6, 1), date(2025, 6, 29))
    with pytest.raises(ValueError, match="last day"):
        ActivePeriod(date(2025, 6, 1), date(2025, 7, 31))
    with pytest.raises(ValueError, match="not active"):
        ActivePeriod.for_month(2025, 6, agreement_end=date(2025, 5, 31))
    with pytest.raises(ValueError, match="not active"):
        ActivePeriod.for_month(2025, 6, agreement_start=date(2025, 7, 1))
    with pytest.raises(ValueError, match="before"):
        ActivePeriod.for_month(2025, 6, date(2025, 6, 20), date(2025, 6, 10))
    with pytest.raises(TypeError):
        ActivePeriod(datetime(2025, 6, 1), date(2025, 6, 30))


# --- state rules ---------------------------------------------------------------------------


def test_state_module_says_it_is_not_legal_advice():
    assert "NOT LEGAL ADVICE" in (state_rules.__doc__ or "").upper()


@pytest.mark.parametrize(
    ("state", "status"),
    [("NY", RESTRICTED), ("ny", RESTRICTED), (" fl ", RESTRICTED), ("IL", RESTRICTED),
     ("TX", RESTRICTED), ("MI", RESTRICTED), ("CA", ALLOWED), ("WY", ALLOWED)],
)  # fmt: skip
def test_percentage_fee_status(state, status):
    assert percentage_fee_status(state) == status


def test_percentage_fee_status_refuses_non_codes():
    with pytest.raises(ValueError, match="two-letter"):
        percentage_fee_status("New York")
    with pytest.raises(ValueError, match="two-letter"):
        percentage_fee_status("")
    with pytest.raises(TypeError):
        percentage_fee_status(None)


def test_state_table_is_well_formed():
    assert STATE_FEE_RULES  # the conservative default is not empty
    for code, status in STATE_FEE_RULES.items():
        assert len(code) == 2
        assert code.isupper()
        assert status in {RESTRICTED, ALLOWED}


@pytest.mark.parametrize(
    ("model", "expected"),
    [(FeeModel.FIXED, False), (FeeModel.PCT_NET_COLLECTIONS, True),
     (FeeModel.PCT_GROSS_REVENUE, True), (FeeModel.HYBRID, True), (FeeModel.COST_PLUS, False),
     ("hybrid", True), ("cost_plus", False)],
)  # fmt: skip
def test_is_percentage_model(model, expected):
    assert is_percentage_model(model) is expected


def test_is_percentage_model_refuses_unknown_models():
    with pytest.raises(ValueError, match="Unknown fee model"):
        is_percentage_model("percent_of_profit")


@pytest.mark.parametrize(
    ("state", "model", "expected"),
    [("NY", FeeModel.HYBRID, True), ("NY", FeeModel.PCT_GROSS_REVENUE, True),
     ("NY", FeeModel.FIXED, False), ("NY", FeeModel.COST_PLUS, False),
     ("CA", FeeModel.PCT_NET_COLLECTIONS, False)],
)  # fmt: skip
def test_requires_legal_signoff(state, model, expected):
    assert requires_legal_signoff(state, model) is expected


# --- properties ----------------------------------------------------------------------------

CENTS = D("0.01")
money = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False,
                    allow_infinity=False)  # fmt: skip
rates = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)
markups = st.decimals(min_value=0, max_value=500, places=4, allow_nan=False,
                      allow_infinity=False)  # fmt: skip


@st.composite
def periods(draw):
    year = draw(st.integers(2000, 2040))
    month = draw(st.integers(1, 12))
    last = ActivePeriod.for_month(year, month).days_in_month
    start = draw(st.integers(1, last))
    end = draw(st.integers(start, last))
    agreement_start = draw(st.sampled_from([None, date(year, month, start)]))
    agreement_end = draw(st.sampled_from([None, date(year, month, end)]))
    return ActivePeriod.for_month(year, month, agreement_start, agreement_end)


@st.composite
def all_terms(draw):
    model = draw(st.sampled_from(list(FeeModel)))
    floor = draw(st.none() | money)
    cap = draw(st.none() | money)
    if floor is not None and cap is not None and floor > cap:
        floor, cap = cap, floor
    return FeeTerms(
        model,
        fixed_amount=draw(money),
        rate=draw(rates),
        basis=draw(st.sampled_from(list(Basis))),
        markup=draw(markups),
        floor=floor,
        cap=cap,
    )


@st.composite
def all_actuals(draw):
    return PeriodActuals(
        gross_charges=draw(money),
        payments=draw(money),
        refunds=draw(money),
        excluded_collections=draw(money),
        excluded_charges=draw(money),
        costs=draw(money),
    )


def prorated_limit(amount: Decimal, period: ActivePeriod) -> Decimal:
    # Independent of the module: the limit * active days / days in month, half-up to cents.
    with localcontext() as ctx:
        ctx.prec = 50
        exact = amount * period.active_days / period.days_in_month
        return exact.quantize(CENTS, rounding=ROUND_HALF_UP)


@settings(max_examples=300, deadline=None)
@given(terms=all_terms(), period_actuals=all_actuals(), period=periods())
def test_property_total_within_floor_and_cap_and_equal_to_lines(terms, period_actuals, period):
    calc = calculate_fee(terms, period_actuals, period)
    assert calc.total == sum(line.amount for line in calc.lines)
    if terms.floor is not None:
        floor = prorated_limit(terms.floor, period)
        assert calc.floor == floor
        assert calc.total >= floor
        assert calc.floor_applied is (calc.subtotal < floor)
    if terms.cap is not None:
        cap = prorated_limit(terms.cap, period)
        assert calc.cap == cap
        assert calc.total <= cap
        assert calc.cap_applied is (calc.subtotal > cap)
    if terms.floor is None and terms.cap is None:
        assert calc.total == calc.subtotal
        assert not calc.floor_applied
        assert not calc.cap_applied


@settings(max_examples=300, deadline=None)
@given(terms=all_terms(), period_actuals=all_actuals(), period=periods())
def test_property_amounts_have_exactly_two_decimals(terms, period_actuals, period):
    calc = calculate_fee(terms, period_actuals, period)
    amounts = [line.amount for line in calc.lines] + [calc.subtotal, calc.total]
    for amount in amounts:
        assert amount.as_tuple().exponent == -2, amount
    assert annualised(calc).as_tuple().exponent == -2


@settings(max_examples=300, deadline=None)
@given(rate=rates, period_actuals=all_actuals())
@example(rate=D("6.5000"), period_actuals=PeriodActuals(payments=D("48001.00")))  # 3,120.065
@example(rate=D("2.5000"), period_actuals=PeriodActuals(payments=D("1234.60")))  # 30.865
def test_property_percentage_line_is_half_up_of_the_exact_product(rate, period_actuals):
    calc = calculate_fee(pct_net(rate), period_actuals, JUNE)
    net = max(D(0), period_actuals.payments - period_actuals.refunds
              - period_actuals.excluded_collections)  # fmt: skip
    with localcontext() as ctx:
        ctx.prec = 50
        exact = rate * net / 100
    assert calc.lines[0].amount == exact.quantize(CENTS, rounding=ROUND_HALF_UP)
    assert abs(calc.lines[0].amount - exact) <= D("0.005")


@settings(max_examples=200, deadline=None)
@given(terms=all_terms(), first=all_actuals(), second=all_actuals(), period=periods())
def test_property_true_up_is_the_difference_of_totals(terms, first, second, period):
    previous = calculate_fee(terms, first, period)
    current = calculate_fee(terms, second, period)
    line = true_up(previous, current)
    if previous.total == current.total:
        assert line is None
    else:
        assert line is not None
        assert line.amount == current.total - previous.total
        assert previous.total + line.amount == current.total


@settings(max_examples=100, deadline=None)
@given(
    value=st.floats(allow_nan=True, allow_infinity=True),
    field=st.sampled_from(["fixed_amount", "rate", "markup", "floor", "cap"]),
)
def test_property_floats_refused_in_terms(value, field):
    with pytest.raises(TypeError, match="float"):
        FeeTerms(FeeModel.HYBRID, **{field: value})


@settings(max_examples=100, deadline=None)
@given(
    value=st.floats(allow_nan=True, allow_infinity=True),
    field=st.sampled_from(
        ["gross_charges", "payments", "refunds", "excluded_collections", "excluded_charges",
         "costs"]
    ),
)  # fmt: skip
def test_property_floats_refused_in_actuals(value, field):
    with pytest.raises(TypeError, match="float"):
        PeriodActuals(**{field: value})


@settings(max_examples=100, deadline=None)
@given(value=st.floats(allow_nan=False, allow_infinity=False))
def test_property_floats_refused_in_fmv_check(value):
    with pytest.raises(TypeError, match="float"):
        fmv_check(value, D("0"), D("1"))


def test_percentage_models_match_the_state_rule_helper():
    for model in FeeModel:
        assert is_percentage_model(model) is (model in PERCENTAGE_MODELS)
