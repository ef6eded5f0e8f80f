"""The MSO's compliance view across practices, each practice read in its own schema."""

from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django_tenants.utils import schema_context

from . import selectors
from .choices import IncidentStatus, MatchStatus
from .expiry import EXPIRED


def compliance_snapshot(practice, today: date) -> dict:
    """What needs doing at one practice: matches to review, confirmed exclusions, expired
    credentials and those expiring within 30 days, whether this month was screened, open
    incidents and overdue breach notices, attestations missing and policy reviews overdue."""
    with schema_context(practice.schema_name):
        latest = selectors.screening_latest()
        statuses = [m.status for m in selectors.match_list()] if latest else []
        credentials = selectors.credential_list()
        incidents = [i for i in selectors.incident_list() if i.status != IncidentStatus.CLOSED]
        policies = selectors.policy_list(AnonymousUser(), practice)
    soon = today + timedelta(days=30)
    return {
        "practice": practice,
        "screened_on": latest.ran_at if latest else None,
        "screened_this_month": bool(latest)
        and timezone.localdate(latest.ran_at) >= today.replace(day=1),
        "open_matches": statuses.count(MatchStatus.OPEN),
        "confirmed": statuses.count(MatchStatus.CONFIRMED),
        "expired": sum(c.status == EXPIRED for c in credentials),
        "open_incidents": len(incidents),
        "attestations_missing": sum(p.required - p.attested for p in policies),
        "reviews_overdue": sum(p.review_overdue for p in policies),
        "overdue_notices": sum(
            o.overdue and o.given_on is None for i in incidents for o in i.obligations
        ),
        "expiring_30": sum(
            c.status != EXPIRED and c.expires_on is not None and c.expires_on <= soon
            for c in credentials
        ),
    }


def compliance_overview(practices, today: date) -> list[dict]:
    return [compliance_snapshot(p, today) for p in practices if p.is_ready and p.is_practice]
