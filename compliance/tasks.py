import logging
from datetime import date

from django.utils import timezone

from mso.celery import app
from mso.reference.services import exclusion_list_current
from mso.tasking import fan_out, practice_task

from .services import breach_reminders_send, credential_alerts_send, exclusion_screen_monthly

logger = logging.getLogger(__name__)


@practice_task(name="compliance.exclusion_screen")
def exclusion_screen_task(month: str) -> int:
    """The current practice's screening for `month` (ISO date); idempotent."""
    return exclusion_screen_monthly(month=date.fromisoformat(month)).pk


@app.task(name="compliance.exclusion_screen_all")
def exclusion_screen_all() -> int:
    """Beat entry point (public schema): one screening task per ready practice."""
    if exclusion_list_current() is None:
        logger.warning("No exclusion list imported: the monthly screening did not run.")
        return 0
    return fan_out(exclusion_screen_task, timezone.localdate().replace(day=1).isoformat())


@practice_task(name="compliance.credential_alerts")
def credential_alerts_task() -> int:
    """Today's expiry notices for the current practice; a rerun sends nothing twice."""
    return credential_alerts_send()


@app.task(name="compliance.credential_alerts_all")
def credential_alerts_all() -> int:
    """Beat entry point (public schema): one notice task per ready practice."""
    return fan_out(credential_alerts_task)


@practice_task(name="compliance.breach_reminders")
def breach_reminders_task() -> int:
    """Today's breach-notice reminders for the current practice; a rerun sends nothing twice."""
    return breach_reminders_send()


@app.task(name="compliance.breach_reminders_all")
def breach_reminders_all() -> int:
    """Beat entry point (public schema): one reminder task per ready practice."""
    return fan_out(breach_reminders_task)
