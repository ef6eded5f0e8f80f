"""When a credential needs attention. Pure Python, no ORM."""

from __future__ import annotations

from datetime import date

# Days before expiry at which the practice is told; 0 means "expired today".
ALERT_DAYS = (90, 60, 30, 7, 0)

EXPIRED, EXPIRING, CURRENT, NO_EXPIRY = "expired", "expiring", "current", "no_expiry"
WARN_DAYS = max(ALERT_DAYS)


def status(expires_on: date | None, today: date) -> str:
    """expired (the expiry day has passed), expiring (within WARN_DAYS days), current, or
    no_expiry."""
    if expires_on is None:
        return NO_EXPIRY
    if expires_on < today:
        return EXPIRED
    return EXPIRING if (expires_on - today).days <= WARN_DAYS else CURRENT


def threshold_due(due: date, today: date, thresholds: tuple[int, ...], sent: set[int]):
    """The reminder to send today for something due on `due`, as days before it, or None:
    only the most urgent threshold crossed, and only once (`sent` holds those already sent)."""
    days_left = (due - today).days
    crossed = [days for days in thresholds if days_left <= days]
    if not crossed:
        return None
    most_urgent = min(crossed)
    return None if most_urgent in sent else most_urgent


def alert_due(expires_on: date | None, today: date, sent: set[int]) -> int | None:
    """The expiry notice to send today: a credential entered 20 days before expiry gets the
    30-day notice, not the 90- and 60-day ones too."""
    if expires_on is None:
        return None
    return threshold_due(expires_on, today, ALERT_DAYS, sent)
