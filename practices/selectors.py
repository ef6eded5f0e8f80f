from django.core.cache import cache
from django.db.models import Count, Q

from .models import Location

SUMMARY_CACHE_KEY = "practice-summary"


def practice_summary_compute() -> dict:
    """Counts shown on the practice home. Runs in the current practice's schema."""
    counts = Location.objects.aggregate(
        locations=Count("pk"), active_locations=Count("pk", filter=Q(is_active=True))
    )
    return {key: int(value) for key, value in counts.items()}


def practice_summary() -> dict:
    """The cached summary (the cache key carries the practice's schema), computed on a miss."""
    summary = cache.get(SUMMARY_CACHE_KEY)
    if summary is None:
        summary = practice_summary_compute()
        cache.set(SUMMARY_CACHE_KEY, summary, timeout=3600)
    return summary
