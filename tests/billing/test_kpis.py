"""Pure tests of billing.aging and billing.kpis: no database, no Django models.

Expected values are computed by hand; the arithmetic is in the comments."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.aging import (
    BUCKETS,
    AgingItem,
    age_bucket,
    age_days,
    aging,
    claim_from_date,
    patient_from_date,
)
from billing.kpis import (
    ClaimCounts,
    ClaimOutcome,
    Kpi,
    LineAdjudication,
    Period,
    PeriodMoney,
    ar_over_90,
    clean_claim_rate,
    count_claims,
    days_in_ar,
    denial_rate,
    denial_rate_by_amount,
    first_pass_resolution_rate,
    is_full_denial,
    net_collection_rate,
)

D = Decimal

# ---------------------------------------------------------------------------------------------
# Aging: buckets


@pytest.mark.parametrize(
    ("from_date", "as_of", "bucket"),
    [
        (date(2025, 6, 30), date(2025, 6, 30), "0-30"),  # 0 days
        (date(2025, 5, 31), date(2025, 6, 30), "0-30"),  # 30 days (May has 31)
        (date(2025, 5, 30), date(2025, 6, 30), "31-60"),  # 31 days
        (date(2025, 5, 1), date(2025, 6, 30), "31-60"),  # 30 + 30 = 60 days
        (date(2025, 4, 30), date(2025, 6, 30), "61-90"),  # 61 days
        (date(2025, 4, 1), date(2025, 6, 30), "61-90"),  # 29 + 31 + 30 = 90 days
        (date(2025, 3, 31), date(2025, 6, 30), "91-120"),  # 91 days
        (date(2025, 3, 2), date(2025, 6, 30), "91-120"),  # 29 + 91 = 120 days
        (date(2025, 3, 1), date(2025, 6, 30), "120+"),  # 121 days
        (date(2023, 1, 1), date(2025, 6, 30), "120+"),
        (date(2025, 7, 5), date(2025, 6, 30), "0-30"),  # dated after as-of: 0 days
    ],
)
def test_age_bucket_boundaries(from_date, as_of, bucket):
    assert age_bucket(from_date, as_of) == bucket


def test_age_days_never_negative():
    assert age_days(date(2025, 7, 5), date(2025, 6, 30)) == 0
    assert age_days(date(2025, 6, 1), date(2025, 6, 30)) == 29


def test_from_dates_fall_back():
    submitted, service = date(2025, 2, 3), date(2025, 1, 20)
    assert claim_from_date(submitted, service) == submitted
    assert claim_from_date(None, service) == service
    statement, responsibility = date(2025, 3, 1), date(2025, 2, 14)
    assert patient_from_date(statement, responsibility) == statement
    assert patient_from_date(None, responsibility) == responsibility


# ---------------------------------------------------------------------------------------------
# Aging: a fixed report, computed by hand

AS_OF = date(2025, 6, 30)
ITEMS = [
    AgingItem("Aetna", date(2025, 6, 15), D("100.00")),  # 15 days  -> 0-30
    AgingItem("Aetna", date(2025, 5, 31), D("200.00")),  # 30 days  -> 0-30
    AgingItem("Aetna", date(2025, 5, 30), D("50.00")),  # 31 days  -> 31-60
    AgingItem("Aetna", date(2025, 4, 1), D("300.00")),  # 90 days  -> 61-90
    AgingItem("Aetna", date(2025, 3, 31), D("400.00")),  # 91 days  -> 91-120
    AgingItem("Cigna", date(2025, 3, 2), D("150.00")),  # 120 days -> 91-120
    AgingItem("Cigna", date(2025, 3, 1), D("250.00")),  # 121 days -> 120+
    AgingItem("Cigna", date(2025, 7, 5), D("75.00")),  # future   -> 0-30
    AgingItem("Cigna", date(2025, 1, 15), D("-40.00")),  # credit: not bucketed
    AgingItem("Medicare", date(2025, 6, 1), D("0.00")),  # zero: a row, no amounts
]


def test_aging_report_by_hand():
    report = aging(ITEMS, AS_OF)
    # Rows: largest total first. Aetna 100+200+50+300+400 = 1050.00; Cigna 150+250+75 = 475.00.
    assert [row.key for row in report.rows] == ["Aetna", "Cigna", "Medicare"]
    aetna, cigna, medicare = report.rows

    # Aetna: 0-30 = 100 + 200 = 300.00; 31-60 = 50.00; 61-90 = 300.00; 91-120 = 400.00.
    assert aetna.bucket_list == [
        ("0-30", D("300.00")),
        ("31-60", D("50.00")),
        ("61-90", D("300.00")),
        ("91-120", D("400.00")),
        ("120+", D("0.00")),
    ]
    assert aetna.total == D("1050.00")
    # 400.00 / 1050.00 = 0.380952… -> 0.3810
    assert aetna.share_over_90 == D("0.3810")
    assert aetna.count == 5

    # Cigna: 0-30 = 75.00; 91-120 = 150.00; 120+ = 250.00; credit -40.00 kept aside.
    assert cigna.buckets == {
        "0-30": D("75.00"),
        "31-60": D("0.00"),
        "61-90": D("0.00"),
        "91-120": D("150.00"),
        "120+": D("250.00"),
    }
    assert cigna.total == D("475.00")
    assert cigna.credits == D("-40.00")
    assert cigna.net == D("435.00")  # 475.00 - 40.00
    # (150.00 + 250.00) / 475.00 = 0.842105… -> 0.8421
    assert cigna.share_over_90 == D("0.8421")
    assert (cigna.count, cigna.credit_count) == (3, 1)

    assert medicare.total == D("0.00")
    assert medicare.share_over_90 == D("0.0000")  # total 0 -> share 0
    assert medicare.count == 0

    total = report.total
    # 0-30: 300 + 75 = 375; 31-60: 50; 61-90: 300; 91-120: 400 + 150 = 550; 120+: 250.
    assert [amount for _, amount in total.bucket_list] == [
        D("375.00"),
        D("50.00"),
        D("300.00"),
        D("550.00"),
        D("250.00"),
    ]
    assert total.total == D("1525.00")  # 375 + 50 + 300 + 550 + 250
    assert total.credits == D("-40.00")
    # (550.00 + 250.00) / 1525.00 = 0.524590… -> 0.5246
    assert total.over_90 == D("800.00")
    assert report.share_over_90 == D("0.5246")
    assert report.by_key()["Cigna"] is cigna
    assert report.row("Nobody") is None


def test_aging_rounds_half_up():
    report = aging(
        [
            AgingItem("P1", date(2025, 6, 1), D("10.005")),  # half-up -> 10.01 (not 10.00)
            AgingItem("P1", date(2025, 6, 1), D("20.994")),  # -> 20.99
            AgingItem("P1", date(2025, 1, 1), D("1.00")),  # 120+
        ],
        AS_OF,
    )
    # 0-30 = 10.01 + 20.99 = 31.00; total = 32.00; share = 1.00 / 32.00 = 0.03125 -> 0.0313
    assert report.total.buckets["0-30"] == D("31.00")
    assert report.total.total == D("32.00")
    assert report.share_over_90 == D("0.0313")


def test_aging_empty_and_float_refused():
    report = aging([], AS_OF)
    assert report.rows == ()
    assert report.total.total == D("0.00")
    assert report.share_over_90 == 0
    with pytest.raises(TypeError):
        AgingItem("x", AS_OF, 1.5)


def test_ar_over_90_kpi_from_the_report():
    kpi = ar_over_90(aging(ITEMS, AS_OF))
    # 800.00 / 1525.00 = 52.459…% -> 52.46%
    assert kpi.value == D("52.46")
    assert (kpi.numerator, kpi.denominator) == (D("800.00"), D("1525.00"))
    assert kpi.unit == "percent"
    assert kpi.display == "52.46%"
    assert ar_over_90(aging([], AS_OF)).value is None


# ---------------------------------------------------------------------------------------------
# Claim KPIs: a fixed data set, counted by hand

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))


def outcome(claim_id, submitted_on, adjudicated_on, *, charge, paid="0.00", **flags):
    defaults = {
        "first_scrub_clean": True,
        "rejected_by_clearinghouse": False,
        "denied": False,
        "reworked": False,
    }
    defaults.update(flags)
    return ClaimOutcome(
        claim_id=claim_id,
        submitted_on=submitted_on,
        adjudicated_on=adjudicated_on,
        charge=D(charge),
        paid=D(paid),
        **defaults,
    )


CLAIMS = [
    # C1: clean, paid first time. Submitted on the first day of the period.
    outcome("C1", date(2025, 3, 1), date(2025, 3, 20), charge="100.00", paid="80.00"),
    # C2: failed its first scrub, corrected, then paid -> not clean, not first-pass.
    outcome(
        "C2",
        date(2025, 3, 5),
        date(2025, 3, 25),
        charge="200.00",
        paid="150.00",
        first_scrub_clean=False,
        reworked=True,
    ),
    # C3: clean scrub but rejected by the clearinghouse, resubmitted -> not clean, not first-pass.
    outcome(
        "C3",
        date(2025, 3, 10),
        date(2025, 3, 28),
        charge="60.00",
        paid="50.00",
        rejected_by_clearinghouse=True,
        reworked=True,
    ),
    # C4: clean, denied in full on the last day of the period.
    outcome("C4", date(2025, 3, 12), date(2025, 3, 31), charge="300.00", denied=True),
    # C5: submitted in February, adjudicated in March with $0 paid (all deductible):
    # adjudicated, not denied, not resolved (no payment).
    outcome("C5", date(2025, 2, 20), date(2025, 3, 2), charge="40.00"),
    # C6: clean, submitted in March, not adjudicated yet.
    outcome("C6", date(2025, 3, 25), None, charge="90.00"),
    # C7: all in February (dirty scrub, but paid with no rework).
    outcome(
        "C7",
        date(2025, 2, 10),
        date(2025, 2, 28),
        charge="25.00",
        paid="25.00",
        first_scrub_clean=False,
    ),
    # C8: never submitted.
    outcome("C8", None, None, charge="70.00"),
    # C9: clean, paid first time.
    outcome("C9", date(2025, 3, 15), date(2025, 3, 29), charge="120.00", paid="90.00"),
]


def test_count_claims_for_march():
    counts = count_claims(CLAIMS, MARCH)
    assert counts == ClaimCounts(
        submitted=6,  # C1 C2 C3 C4 C6 C9
        clean=4,  # C1 C4 C6 C9
        adjudicated=6,  # C1 C2 C3 C4 C5 C9
        first_pass_resolved=2,  # C1 C9
        denied=1,  # C4
        adjudicated_charges=D("820.00"),  # 100 + 200 + 60 + 300 + 40 + 120
        denied_charges=D("300.00"),  # C4
    )


@pytest.mark.parametrize(
    ("kpi_function", "value", "numerator", "denominator"),
    [
        (clean_claim_rate, D("66.67"), D(4), D(6)),  # 4 / 6 = 66.666…% -> 66.67%
        (first_pass_resolution_rate, D("33.33"), D(2), D(6)),  # 2 / 6 = 33.333…% -> 33.33%
        (denial_rate, D("16.67"), D(1), D(6)),  # 1 / 6 = 16.666…% -> 16.67%
        # 300.00 / 820.00 = 36.585…% -> 36.59%
        (denial_rate_by_amount, D("36.59"), D("300.00"), D("820.00")),
    ],
)
def test_claim_kpis_for_march(kpi_function, value, numerator, denominator):
    kpi = kpi_function(count_claims(CLAIMS, MARCH))
    assert kpi.value == value
    assert (kpi.numerator, kpi.denominator) == (numerator, denominator)
    assert kpi.unit == "percent"
    assert "Formula" in kpi.definition


def test_claim_kpis_without_a_period():
    counts = count_claims(CLAIMS)
    # Submitted: everything but C8 = 8; clean: C1 C4 C5 C6 C9 = 5 -> 5 / 8 = 62.50%.
    assert clean_claim_rate(counts).value == D("62.50")
    # Adjudicated: C1 C2 C3 C4 C5 C7 C9 = 7; first pass: C1 C7 C9 = 3 -> 3 / 7 = 42.857…% -> 42.86%
    assert first_pass_resolution_rate(counts).value == D("42.86")
    # Denied: C4 -> 1 / 7 = 14.285…% -> 14.29%
    assert denial_rate(counts).value == D("14.29")


def test_claim_kpis_with_nothing_to_measure():
    empty = count_claims(CLAIMS, Period(date(2024, 1, 1), date(2024, 1, 31)))
    assert empty == ClaimCounts()
    for kpi in (
        clean_claim_rate(empty),
        first_pass_resolution_rate(empty),
        denial_rate(empty),
        denial_rate_by_amount(empty),
    ):
        assert kpi.value is None
        assert kpi.display == "—"
        assert kpi.denominator == 0


def test_percent_rounds_half_up():
    # 1 / 800 = 0.125% -> half-up 0.13% (banker's rounding would give 0.12%)
    assert clean_claim_rate(ClaimCounts(submitted=800, clean=1)).value == D("0.13")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"submitted": 1, "clean": 2}, "More clean claims"),
        ({"submitted": -1}, "must not be negative"),
        ({"adjudicated": 2, "first_pass_resolved": 2, "denied": 1}, "exceed adjudicated"),
        (
            {"adjudicated": 1, "adjudicated_charges": D(10), "denied_charges": D(11)},
            "Denied charges",
        ),
    ],
)
def test_claim_counts_refuse_impossible_numbers(bad, message):
    with pytest.raises(ValueError, match=message):
        ClaimCounts(**bad)


def test_claim_outcome_refuses_floats_and_negative_money():
    with pytest.raises(TypeError):
        ClaimOutcome("X", None, True, False, None, False, paid=0.5, charge=D("1"), reworked=False)
    with pytest.raises(ValueError, match="must not be negative"):
        outcome("X", None, None, charge="-1.00")


# ---------------------------------------------------------------------------------------------
# Money KPIs


@pytest.mark.parametrize(
    ("money", "expected"),
    [
        # (200.00 - 0.00) / (300.00 - 100.00) = 100.00%
        (PeriodMoney(D("300.00"), D("200.00"), D("0.00"), D("100.00")), D("100.00")),
        # (612.34 - 12.34) / (1000.00 - 250.00) = 600 / 750 = 80.00%
        (PeriodMoney(D("1000.00"), D("612.34"), D("12.34"), D("250.00")), D("80.00")),
        # (1200.00 - 0) / (1000.00 - 100.00) = 133.333…% -> 133.33% (not capped)
        (PeriodMoney(D("1000.00"), D("1200.00"), D("0"), D("100.00")), D("133.33")),
        # (10.00 - 30.00) / 200.00 = -10.00% (refunds above payments)
        (PeriodMoney(D("200.00"), D("10.00"), D("30.00")), D("-10.00")),
        # 0 / 500.00 = 0.00%
        (PeriodMoney(D("500.00"), D("0")), D("0.00")),
        # 500.00 - 500.00 = 0 -> no value
        (PeriodMoney(D("500.00"), D("100.00"), D("0"), D("500.00")), None),
        # 100.00 - 150.00 < 0 -> no value
        (PeriodMoney(D("100.00"), D("50.00"), D("0"), D("150.00")), None),
    ],
)
def test_net_collection_rate(money, expected):
    kpi = net_collection_rate(money)
    assert kpi.value == expected
    assert kpi.numerator == money.payments - money.refunds
    assert kpi.denominator == money.charges - money.contractual_adjustments


def test_period_money_refuses_negative_amounts():
    with pytest.raises(ValueError, match="refunds must not be negative"):
        PeriodMoney(D("100"), D("10"), refunds=D("-5"))
    with pytest.raises(TypeError):
        PeriodMoney(D("100"), 10.0)


@pytest.mark.parametrize(
    ("ar", "charges", "days", "value", "daily"),
    [
        # 45,000.00 / (90,000.00 / 90 = 1,000.00) = 45.00 days
        (D("45000.00"), D("90000.00"), 90, D("45.00"), D("1000.00")),
        # 10,000.00 / (27,000.00 / 90 = 300.00) = 33.333… -> 33.33 days
        (D("10000.00"), D("27000.00"), 90, D("33.33"), D("300.00")),
        # 5,000.00 / (6,000.00 / 30 = 200.00) = 25.00 days
        (D("5000.00"), D("6000.00"), 30, D("25.00"), D("200.00")),
        # 1,234.56 / (7,000.00 / 90 = 77.777…) = 1,234.56 x 90 / 7,000 = 15.8729… -> 15.87 days;
        # the denominator is shown rounded: 77.78
        (D("1234.56"), D("7000.00"), 90, D("15.87"), D("77.78")),
        # no A/R: 0.00 days
        (D("0"), D("9000.00"), 90, D("0.00"), D("100.00")),
        # no charges: no value
        (D("1000.00"), D("0"), 90, None, D("0.00")),
    ],
)
def test_days_in_ar(ar, charges, days, value, daily):
    kpi = days_in_ar(ar, charges, days)
    assert kpi.value == value
    assert kpi.numerator == ar
    assert kpi.denominator == daily
    assert kpi.unit == "days"
    assert f"last {days} days" in kpi.definition


def test_days_in_ar_defaults_to_90_days_and_uses_the_aging_total():
    report = aging(ITEMS, AS_OF)
    # 1,525.00 / (13,725.00 / 90 = 152.50) = 10.00 days
    kpi = days_in_ar(report.total.total, D("13725.00"))
    assert kpi.value == D("10.00")
    assert kpi.display == "10.00 days"
    assert Period.trailing(AS_OF).start == date(2025, 4, 2)  # 90 days, as-of included
    assert Period.trailing(AS_OF).days == 90


# ---------------------------------------------------------------------------------------------
# Full denials from 835 data


@pytest.mark.parametrize(
    ("status", "paid", "lines", "claim_reasons", "denied"),
    [
        ("4", D("0"), (), (), True),  # CLP02 = 4: denied
        (" 4 ", D("0"), (), (), True),
        # zero paid, all to the deductible: adjudicated, not denied
        ("1", D("0"), (LineAdjudication(D("0"), ("1",)),), (), False),
        ("1", D("0"), (LineAdjudication(D("0"), ("45", "1")),), (), False),
        # every line zero-paid with a denial CARC (197 no precert, 50 not medically necessary)
        (
            "1",
            D("0"),
            (LineAdjudication(D("0"), ("197",)), LineAdjudication(D("0"), ("50",))),
            (),
            True,
        ),
        # one line went to the deductible: not a full denial
        (
            "1",
            D("0"),
            (LineAdjudication(D("0"), ("50",)), LineAdjudication(D("0"), ("1",))),
            (),
            False,
        ),
        # something was paid: not a full denial
        (
            "1",
            D("10.00"),
            (LineAdjudication(D("10.00"), ("45",)), LineAdjudication(D("0"), ("97",))),
            (),
            False,
        ),
        ("22", D("0"), (LineAdjudication(D("0"), ("50",)),), (), False),  # reversal
        ("1", D("0"), (), ("29",), True),  # claim-level timely filing, no lines
        ("1", D("5.00"), (), ("29",), False),  # ... but something was paid
        ("1", D("0"), (), (), False),  # nothing says denied
        # a claim-level denial CARC applies to every line
        (
            "2",
            D("0"),
            (LineAdjudication(D("0"), ("45",)), LineAdjudication(D("0"))),
            ("16",),
            True,
        ),
    ],
)
def test_is_full_denial(status, paid, lines, claim_reasons, denied):
    assert is_full_denial(status, paid, lines, claim_reasons) is denied


# ---------------------------------------------------------------------------------------------
# Properties

cents = st.integers(min_value=0, max_value=10**9).map(lambda n: D(n) / 100)
signed_cents = st.integers(min_value=-(10**7), max_value=10**9).map(lambda n: D(n) / 100)
days_offsets = st.integers(min_value=-30, max_value=800)
some_date = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))
maybe_date = st.none() | some_date

claim_outcomes = st.builds(
    ClaimOutcome,
    claim_id=st.integers(min_value=1, max_value=10**6),
    submitted_on=maybe_date,
    first_scrub_clean=st.booleans(),
    rejected_by_clearinghouse=st.booleans(),
    adjudicated_on=maybe_date,
    denied=st.booleans(),
    paid=cents,
    charge=cents,
    reworked=st.booleans(),
)


@st.composite
def periods(draw):
    start = draw(some_date)
    return Period(start, start + timedelta(days=draw(st.integers(min_value=0, max_value=400))))


def assert_rate(kpi: Kpi) -> None:
    assert kpi.unit == "percent"
    if kpi.denominator == 0:
        assert kpi.value is None
    else:
        assert kpi.value is not None
        assert D(0) <= kpi.value <= D(100)


@given(st.lists(claim_outcomes, max_size=40), st.none() | periods())
def test_claim_rates_are_percentages_or_none(outcomes, period):
    counts = count_claims(outcomes, period)
    for kpi in (
        clean_claim_rate(counts),
        first_pass_resolution_rate(counts),
        denial_rate(counts),
        denial_rate_by_amount(counts),
    ):
        assert_rate(kpi)
    # None exactly when there is nothing in the denominator
    assert (clean_claim_rate(counts).value is None) == (counts.submitted == 0)
    assert (denial_rate(counts).value is None) == (counts.adjudicated == 0)


@st.composite
def claim_counts(draw):
    submitted = draw(st.integers(min_value=0, max_value=10**6))
    adjudicated = draw(st.integers(min_value=0, max_value=10**6))
    denied = draw(st.integers(min_value=0, max_value=adjudicated))
    charge_cents = draw(st.integers(min_value=0, max_value=10**9))
    return ClaimCounts(
        submitted=submitted,
        clean=draw(st.integers(min_value=0, max_value=submitted)),
        adjudicated=adjudicated,
        first_pass_resolved=draw(st.integers(min_value=0, max_value=adjudicated - denied)),
        denied=denied,
        adjudicated_charges=D(charge_cents) / 100,
        denied_charges=D(draw(st.integers(min_value=0, max_value=charge_cents))) / 100,
    )


@given(claim_counts())
def test_rates_from_any_valid_counts_stay_in_range(counts):
    for kpi in (
        clean_claim_rate(counts),
        first_pass_resolution_rate(counts),
        denial_rate(counts),
        denial_rate_by_amount(counts),
    ):
        assert_rate(kpi)


@given(st.lists(st.tuples(st.sampled_from("ABCD"), days_offsets, signed_cents), max_size=40))
def test_aging_totals_add_up_to_the_cent(rows):
    items = [AgingItem(key, AS_OF - timedelta(days=age), balance) for key, age, balance in rows]
    report = aging(items, AS_OF)
    balances = sum((balance for _, _, balance in rows), D("0.00"))
    # debits in buckets + credits aside = every balance
    assert report.total.total + report.total.credits == balances
    assert report.total.total == sum((b for _, _, b in rows if b > 0), D("0.00"))
    assert sum(report.total.buckets.values()) == report.total.total
    assert sum(row.total for row in report.rows) == report.total.total
    assert sum(row.credits for row in report.rows) == report.total.credits
    for name in BUCKETS:
        assert sum(row.buckets[name] for row in report.rows) == report.total.buckets[name]
    for row in (*report.rows, report.total):
        assert all(amount >= 0 for amount in row.buckets.values())
        assert D(0) <= row.share_over_90 <= D(1)
        assert row.share_over_90 == row.share_over_90.quantize(D("0.0001"))
    assert_rate(ar_over_90(report))


@given(some_date, st.integers(min_value=0, max_value=2000))
def test_age_bucket_matches_the_day_count(as_of, days):
    bucket = age_bucket(as_of - timedelta(days=days), as_of)
    low, _, high = bucket.partition("-")
    if bucket == "120+":
        assert days > 120
    else:
        assert int(low) <= days <= int(high)


@given(signed_cents, signed_cents, st.integers(min_value=1, max_value=365))
def test_days_in_ar_none_iff_no_charges(ar, charges, days):
    kpi = days_in_ar(ar, charges, days)
    assert (kpi.value is None) == (charges <= 0)
    if kpi.value is not None and ar >= 0:
        assert kpi.value >= 0


@given(cents, cents, cents, signed_cents)
def test_net_collection_rate_none_iff_no_net_charges(charges, payments, refunds, contractual):
    kpi = net_collection_rate(PeriodMoney(charges, payments, refunds, contractual))
    net_charges = charges - contractual
    net_payments = payments - refunds
    assert (kpi.value is None) == (net_charges <= 0)
    if kpi.value is not None:
        assert (kpi.value > 0) <= (net_payments > 0)  # a positive rate needs net payments
        if 0 <= net_payments <= net_charges:
            assert D(0) <= kpi.value <= D(100)
