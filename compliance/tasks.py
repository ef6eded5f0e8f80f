import logging
from datetime import date

from django.utils import timezone
from django_tenants.utils import schema_context

from mso.celery import app
from mso.reference.services import exclusion_list_current
from mso.tasking import practice_task
from mso.tenancy.models import Practice

from .services import exclusion_screen_monthly

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
    month = timezone.localdate().replace(day=1).isoformat()
    count = 0
    for practice in Practice.objects.tenants().ready().only("schema_name"):
        with schema_context(practice.schema_name):
            exclusion_screen_task.delay(month)
        count += 1
    return count
