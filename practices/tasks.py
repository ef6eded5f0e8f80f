from django.core.cache import cache
from django_tenants.utils import schema_context

from mso.celery import app
from mso.tasking import practice_task
from mso.tenancy.models import Practice

from .selectors import SUMMARY_CACHE_KEY, practice_summary_compute


@practice_task(name="practices.practice_summary_refresh")
def practice_summary_refresh() -> dict:
    """Recompute the current practice's home-page summary into its (schema-keyed) cache."""
    summary = practice_summary_compute()
    cache.set(SUMMARY_CACHE_KEY, summary, timeout=3600)
    return summary


@app.task(name="practices.practice_summary_refresh_all")
def practice_summary_refresh_all() -> int:
    """Beat entry point (public schema): fan out one task per ready practice."""
    count = 0
    for practice in Practice.objects.tenants().ready().only("schema_name"):
        with schema_context(practice.schema_name):
            practice_summary_refresh.delay()
        count += 1
    return count
