"""Agreement dates: term end, renewal and notice deadline (hand-computed)."""

from dataclasses import dataclass
from datetime import date

import pytest

from contracts.terms import add_months, agreement_end, next_event


@dataclass
class Terms:
    effective_date: date
    term_months: int = 12
    auto_renew: bool = True
    notice_days: int = 90
    terminated_on: date | None = None


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),
        (date(2025, 3, 1), -3, date(2024, 12, 1)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_fixed_term_ends_the_day_before_the_anniversary():
    terms = Terms(date(2025, 3, 1), term_months=24, auto_renew=False)
    assert agreement_end(terms) == date(2027, 2, 28)
    event = next_event(terms, date(2026, 12, 1))
    assert (event.kind, event.on, event.act_by) == ("ends", date(2027, 2, 28), date(2027, 2, 28))
    assert next_event(terms, date(2027, 3, 1)) is None


def test_auto_renewal_rolls_to_the_current_term_and_counts_notice_back():
    terms = Terms(date(2024, 7, 1), term_months=12, notice_days=60)
    event = next_event(terms, date(2026, 5, 10))
    # Terms: 2024-07-01..2025-06-30, 2025-07-01..2026-06-30; notice 60 days before.
    assert (event.kind, event.on, event.act_by) == ("renews", date(2026, 6, 30), date(2026, 5, 1))
    assert "notice due by May 1, 2026" in event.label


def test_termination_wins():
    terms = Terms(date(2024, 7, 1), terminated_on=date(2026, 1, 15))
    assert next_event(terms, date(2026, 1, 1)).on == date(2026, 1, 15)
    assert next_event(terms, date(2026, 1, 16)) is None
