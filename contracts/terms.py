"""Agreement dates: end of term, next renewal and the notice deadline before it.

Pure functions over an agreement's date fields (no ORM), so the finance dashboard and the
fee run agree on when an agreement is in force."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def agreement_end(agreement) -> date | None:
    """Last day in force: termination, else the end of the term unless it auto-renews."""
    if agreement.terminated_on:
        return agreement.terminated_on
    if agreement.auto_renew:
        return None
    return add_months(agreement.effective_date, agreement.term_months) - timedelta(days=1)


@dataclass(frozen=True)
class TermEvent:
    """What happens to an agreement next, and by when someone must act."""

    kind: str  # "ends" | "renews"
    on: date  # the last day of the current term
    act_by: date  # ends: the same day; renews: the last day to give notice

    @property
    def label(self) -> str:
        if self.kind == "ends":
            return f"ends {self.on:%b} {self.on.day}, {self.on.year}"
        return (
            f"renews after {self.on:%b} {self.on.day}, {self.on.year}; "
            f"notice due by {self.act_by:%b} {self.act_by.day}, {self.act_by.year}"
        )


def next_event(agreement, today: date) -> TermEvent | None:
    """The next end of term (or termination) on or after today; None once it has ended."""
    last = agreement_end(agreement)
    if last is not None:
        return TermEvent("ends", last, last) if last >= today else None
    terms = 1
    while True:
        term_end = add_months(agreement.effective_date, agreement.term_months * terms)
        term_end -= timedelta(days=1)
        if term_end >= today:
            return TermEvent("renews", term_end, term_end - timedelta(days=agreement.notice_days))
        terms += 1
