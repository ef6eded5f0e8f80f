"""Reading the audit trail: the MSO admins' search ("who saw patient X, when")."""

from datetime import datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tenants.utils import schema_context

from .models import AuditEvent, EmergencyGrant


def patient_lookup(*, practice, term: str) -> list[int]:
    """Patient ids of `practice` matching an id, an MRN or part of a name."""
    from practices.models import Patient

    term = term.strip()
    match = Q(mrn=term) | Q(last_name__icontains=term) | Q(first_name__icontains=term)
    if term.isdigit():
        match |= Q(pk=int(term))
    with schema_context(practice.schema_name):
        return list(Patient.objects.filter(match).values_list("pk", flat=True)[:500])


def _day_bound(day, end: bool) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


def audit_search(*, filters: dict, patient_ids: list[int] | None = None) -> QuerySet[AuditEvent]:
    """Events matching the search form's cleaned data; `patient_ids` from patient_lookup."""
    events = AuditEvent.objects.all()
    if filters.get("user"):
        events = events.filter(actor_label__icontains=filters["user"])
    if filters.get("practice"):
        events = events.filter(practice_id=filters["practice"].pk)
    if patient_ids is not None:
        events = events.filter(patient_ids__overlap=patient_ids or [0])
    if filters.get("action"):
        events = events.filter(action__startswith=filters["action"])
    if filters.get("object_type"):
        events = events.filter(object_type__startswith=filters["object_type"])
    if filters.get("object_id"):
        events = events.filter(object_id=filters["object_id"])
    if filters.get("request_id"):
        events = events.filter(request_id=filters["request_id"])
    if filters.get("grant"):
        events = events.filter(emergency_grant_id=filters["grant"])
    if filters.get("alerts"):
        events = events.filter(is_alert=True)
    if filters.get("date_from"):
        events = events.filter(occurred_at__gte=_day_bound(filters["date_from"], end=False))
    if filters.get("date_to"):
        events = events.filter(occurred_at__lte=_day_bound(filters["date_to"], end=True))
    return events


def grant_list(*, unreviewed_only: bool = False) -> QuerySet[EmergencyGrant]:
    grants = EmergencyGrant.objects.select_related("user", "practice", "reviewed_by")
    if unreviewed_only:
        grants = grants.filter(reviewed_at=None)
    return grants
