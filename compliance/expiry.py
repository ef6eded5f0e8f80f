"""When a credential needs attention. Pure Python, no ORM."""

from __future__ import annotations

from datetime import date

from .choices import ALERT_DAYS

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


def alert_due(expires_on: date | None, today: date, sent: set[int]) -> int | None:
    """The notice to send today, as days before expiry, or None. Only the most urgent threshold
    crossed is sent: a credential entered 20 days before expiry gets the 30-day notice, not
    the 90- and 60-day ones too."""
    if expires_on is None:
        return None
    days_left = (expires_on - today).days
    crossed = [days for days in ALERT_DAYS if days_left <= days]
    if not crossed:
        return None
    most_urgent = min(crossed)
    return None if most_urgent in sent else most_urgent
