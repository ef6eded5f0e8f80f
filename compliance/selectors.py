"""Reads of compliance data."""

from collections import defaultdict
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from . import expiry
from .choices import CredentialKind, MatchStatus, SubjectKind
from .models import Credential, ExclusionMatch, ExclusionScreening


def screening_latest() -> ExclusionScreening | None:
    return ExclusionScreening.objects.select_related("exclusion_list", "run_by").first()


def match_list(status: str | None = None) -> QuerySet[ExclusionMatch]:
    """Matches of the latest screening (earlier screenings' decisions are carried into it)."""
    latest = screening_latest()
    if latest is None:
        return ExclusionMatch.objects.none()
    matches = latest.matches.select_related("decided_by")
    return matches.filter(status=status) if status else matches


def excluded_provider_npis() -> frozenset[str]:
    """NPIs of providers whose exclusion a reviewer confirmed in the latest screening: the
    claim scrubber holds their claims."""
    confirmed = match_list(MatchStatus.CONFIRMED).filter(subject_kind=SubjectKind.PROVIDER)
    return frozenset(npi for npi in confirmed.values_list("subject_npi", flat=True) if npi)


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
