"""Reads of compliance data."""

from django.db.models import QuerySet

from .choices import MatchStatus, SubjectKind
from .models import ExclusionMatch, ExclusionScreening


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
