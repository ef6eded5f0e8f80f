from django.core.cache import cache

from mso.celery import app
from mso.tasking import fan_out, practice_task

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
    return fan_out(practice_summary_refresh)
