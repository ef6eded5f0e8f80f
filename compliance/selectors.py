"""Reads of compliance data."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from . import breach, expiry
from .choices import CredentialKind, IncidentStatus, MatchStatus, NoticeAudience, SubjectKind
from .models import Credential, ExclusionMatch, ExclusionScreening, SecurityIncident


def screening_latest() -> ExclusionScreening | None:
    return ExclusionScreening.objects.select_related("exclusion_list", "run_by").first()


def match_list(status: str | None = None) -> QuerySet[ExclusionMatch]:
    """Matches of the latest screening (earlier screenings' decisions are carried into it)."""
    latest = screening_latest()
    if latest is None:
        return ExclusionMatch.objects.none()
    matches = latest.matches.select_related("decided_by")
    return matches.filter(status=status) if status else matches


def excluded_providers() -> dict[str, date]:
    """NPI -> exclusion date of providers whose exclusion a reviewer confirmed in the latest
    screening: the claim scrubber holds their services from that date."""
    confirmed = match_list(MatchStatus.CONFIRMED).filter(subject_kind=SubjectKind.PROVIDER)
    since: dict[str, date] = {}
    for npi, day in confirmed.values_list("subject_npi", "exclusion_date"):
        if npi:
            since[npi] = min(day, since.get(npi, day))
    return since


def credential_list() -> list[Credential]:
    """Every credential with its `status` (expired, expiring, current, no_expiry), most
    urgent first."""
    today = timezone.localdate()
    credentials = list(Credential.objects.select_related("provider", "verified_by"))
    order = {expiry.EXPIRED: 0, expiry.EXPIRING: 1, expiry.CURRENT: 2, expiry.NO_EXPIRY: 3}
    for credential in credentials:
        credential.status = expiry.status(credential.expires_on, today)
    return sorted(credentials, key=lambda c: (order[c.status], c.expires_on or today))


def license_periods() -> dict[str, tuple[tuple[date | None, date | None], ...]]:
    """Provider NPI -> the periods their state licenses were in force (the claim scrubber
    checks each service date against them)."""
    periods: dict[str, list[tuple[date | None, date | None]]] = defaultdict(list)
    for npi, issued, expires in Credential.objects.filter(
        kind=CredentialKind.STATE_LICENSE
    ).values_list("provider__npi", "issued_on", "expires_on"):
        periods[npi].append((issued, expires))
    return {npi: tuple(spans) for npi, spans in periods.items()}


@dataclass(frozen=True)
class Obligation:
    """One notice a breach needs: by when, and whether (and when) it was given."""

    audience: str
    label: str
    due: date
    why: str
    given_on: date | None
    overdue: bool


def incident_deadlines(incident: SecurityIncident) -> list[breach.Deadline]:
    """The notices a breach needs; none for an incident that is not (or not yet) a breach."""
    if incident.status not in (IncidentStatus.BREACH, IncidentStatus.CLOSED):
        return []
    if not incident.phi_involved:
        return []
    return breach.deadlines(
        incident.discovered_on, incident.individuals_affected, incident.largest_state_count
    )


def incident_obligations(incident: SecurityIncident, today: date) -> list[Obligation]:
    given: dict[str, date] = {}
    for notice in incident.notices.all():
        given.setdefault(notice.audience, notice.sent_on)
    return [
        Obligation(
            audience=d.audience,
            label=NoticeAudience(d.audience).label,
            due=d.due,
            why=d.why,
            given_on=given.get(d.audience),
            overdue=d.audience not in given and d.due < today,
        )
        for d in incident_deadlines(incident)
    ]


def incident_list() -> list[SecurityIncident]:
    """Every incident with its `obligations` and `next_due` (the earliest notice not given)."""
    today = timezone.localdate()
    rows = SecurityIncident.objects.prefetch_related("notices").select_related("reported_by")
    incidents = list(rows)
    for incident in incidents:
        incident.obligations = incident_obligations(incident, today)
        pending = [o for o in incident.obligations if o.given_on is None]
        incident.next_due = min((o.due for o in pending), default=None)
        incident.overdue = any(o.overdue for o in pending)
    return incidents
