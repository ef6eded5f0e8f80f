"""The MSO's view across practices: each practice's A/R and KPIs, read in its own schema."""

from datetime import date

from django.core.cache import cache
from django_tenants.utils import schema_context

from billing.selectors_kpis import dashboard

CACHE_SECONDS = 600


def practice_snapshot(practice, as_of: date) -> dict:
    """Headline figures of one practice (cached per schema: keys carry the schema name)."""
    with schema_context(practice.schema_name):
        key = f"portfolio-snapshot-{as_of.isoformat()}"
        snapshot = cache.get(key)
        if snapshot is None:
            data = dashboard(as_of)
            snapshot = {
                "kpis": {k.key: k.display for k in data["kpis"]},
                "ar_total": data["ar_total"],
                "payments": data["money"].payments,
                "charges": data["money"].charges,
            }
            cache.set(key, snapshot, CACHE_SECONDS)
    return {"practice": practice, **snapshot}


def portfolio(practices, as_of: date) -> list[dict]:
    return [practice_snapshot(p, as_of) for p in practices if p.is_ready and p.is_practice]
