"""HIPAA Breach Notification Rule arithmetic (45 CFR 164.404-164.414). Pure Python, no ORM.

- Individuals: without unreasonable delay and no later than 60 calendar days after discovery.
- HHS: for 500 or more individuals, within the same 60 days; for fewer, in the annual log,
  within 60 days after the end of the calendar year of discovery.
- Media: when more than 500 residents of one state or jurisdiction are affected, within the
  same 60 days.
- Documentation is kept six years (164.530(j)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .expiry import threshold_due

NOTICE_DAYS = 60
LARGE_BREACH = 500
RETENTION_YEARS = 6

INDIVIDUALS, HHS, MEDIA = "individuals", "hhs", "media"


@dataclass(frozen=True)
class Deadline:
    audience: str
    due: date
    why: str


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def deadlines(
    discovered_on: date, individuals: int, largest_state_count: int | None = None
) -> list[Deadline]:
    """Who must be told by when. `largest_state_count` is the most residents of any one state
    among those affected (defaults to everyone: one state)."""
    if individuals < 0:
        raise ValueError("The number of individuals affected cannot be negative.")
    sixty = discovered_on + timedelta(days=NOTICE_DAYS)
    due = [
        Deadline(INDIVIDUALS, sixty, "60 days after discovery (164.404)"),
    ]
    if individuals >= LARGE_BREACH:
        due.append(Deadline(HHS, sixty, "500 or more affected: 60 days after discovery (164.408)"))
    else:
        year_end = date(discovered_on.year, 12, 31)
        due.append(
            Deadline(
                HHS,
                year_end + timedelta(days=NOTICE_DAYS),
                "fewer than 500: annual log, 60 days after the calendar year (164.408(c))",
            )
        )
    in_one_state = individuals if largest_state_count is None else largest_state_count
    if in_one_state > LARGE_BREACH:
        due.append(Deadline(MEDIA, sixty, "more than 500 residents of a state: 60 days (164.406)"))
    return due


def retain_until(*days: date) -> date:
    """Six years from the latest of the incident's dates (discovery, notices, closure)."""
    return _add_years(max(days), RETENTION_YEARS)


REMINDER_DAYS = (14, 3, 0)


def reminder_due(due: date, today: date, sent: set[int]) -> int | None:
    """Which reminder to send today for a notice due on `due`: 14 or 3 days before, or 0 on
    the day and after; only the most urgent threshold crossed, once."""
    return threshold_due(due, today, REMINDER_DAYS, sent)
