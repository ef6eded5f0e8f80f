"""Exclusion screening: check the practice's providers and physician owners against the
current OIG exclusion list, and record what a reviewer decides about each match."""

from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from compliance.choices import DECISIONS, MatchStatus, ScreeningTrigger, SubjectKind
from compliance.matching import Hit, Subject, entry_key, find_hits, split_name
from compliance.models import ExclusionMatch, ExclusionScreening
from hr.models import Employee, current_employees
from mso.audit.services import audit_record
from mso.errors import FieldErrors
from mso.reference.models import ExclusionEntry, ExclusionList
from mso.reference.services import exclusion_list_current, exclusion_list_lock
from mso.tenancy.models import Owner
from practices.models import Provider


class ComplianceError(FieldErrors):
    """A compliance action the rules refuse; nothing was written."""


def screening_subjects() -> list[Subject]:
    """Everyone the practice screens: its providers (the inactive too: their services may
    still be billed), the PC's physician owners and its current employees."""
    subjects = [
        Subject(
            kind=SubjectKind.PROVIDER,
            id=p.pk,
            name=f"{p.first_name} {p.last_name}",
            first_name=p.first_name,
            last_name=p.last_name,
            npi=p.npi,
        )
        for p in Provider.objects.all()
    ]
    for owner in Owner.objects.filter(practice__schema_name=connection.schema_name):
        first, surnames = split_name(owner.full_name)
        subjects.append(
            Subject(
                kind=SubjectKind.OWNER,
                id=owner.pk,
                name=owner.full_name,
                first_name=first,
                last_name=surnames[0] if surnames else "",
                npi=owner.npi,
                other_last_names=surnames[1:],
            )
        )
    subjects += [
        Subject(
            kind=SubjectKind.EMPLOYEE,
            id=e.pk,
            name=f"{e.first_name} {e.last_name}",
            first_name=e.first_name,
            last_name=e.last_name,
            birth_date=e.birth_date,
        )
        for e in Employee.objects.filter(current_employees())
    ]
    return subjects


def _candidates(exclusion_list: ExclusionList, subjects: list[Subject]) -> list[ExclusionEntry]:
    """Only the entries that could match (one query), not the whole list."""
    npis = {s.npi for s in subjects if s.npi}
    keys = {key for s in subjects for key in s.keys}
    return list(
        ExclusionEntry.objects.filter(exclusion_list=exclusion_list).filter(
            Q(npi__in=npis) | Q(name_key__in=keys)
        )
    )


def _earlier_decisions(hits: list[Hit]) -> dict[tuple[str, int, str], ExclusionMatch]:
    """The latest decision on each (subject, exclusion) pair of these hits."""
    keys = {entry_key(hit.entry) for hit in hits}
    decided = ExclusionMatch.objects.filter(entry_key__in=keys).exclude(status=MatchStatus.OPEN)
    latest: dict[tuple[str, int, str], ExclusionMatch] = {}
    for match in decided.order_by("decided_at", "id"):
        latest[(match.subject_kind, match.subject_id, match.entry_key)] = match
    return latest


def _match(screening: ExclusionScreening, hit: Hit, earlier: ExclusionMatch | None):
    entry = hit.entry
    listed = f"{entry.last_name}, {entry.first_name} {entry.middle_name}".strip(", ")
    return ExclusionMatch(
        screening=screening,
        subject_kind=hit.subject.kind,
        subject_id=hit.subject.id,
        subject_name=hit.subject.name[:200],
        subject_npi=hit.subject.npi,
        strength=hit.strength,
        entry_key=entry_key(entry),
        listed_name=(listed if entry.last_name else entry.business_name)[:300],
        listed_npi=entry.npi,
        listed_birth_date=entry.birth_date,
        listed_specialty=entry.specialty,
        listed_location=", ".join(x for x in (entry.city, entry.state) if x),
        exclusion_type=entry.exclusion_type,
        exclusion_date=entry.exclusion_date,
        status=earlier.status if earlier else MatchStatus.OPEN,
        decided_by_id=earlier.decided_by_id if earlier else None,
        decided_at=earlier.decided_at if earlier else None,
        decision_note=earlier.decision_note if earlier else "",
        carried_from=earlier,
    )


def _screen(*, actor, trigger: str, period: date | None) -> ExclusionScreening:
    exclusion_list_lock(shared=True)  # no import replaces the entries while we read them
    exclusion_list = exclusion_list_current()
    if exclusion_list is None:
        raise ComplianceError(
            "No exclusion list has been imported yet: an MSO admin imports the OIG LEIE file "
            "first (MSO portal, Exclusion list)."
        )
    subjects = screening_subjects()
    hits = find_hits(subjects, _candidates(exclusion_list, subjects), timezone.localdate())
    earlier = _earlier_decisions(hits)
    screening = ExclusionScreening.objects.create(
        exclusion_list=exclusion_list,
        trigger=trigger,
        period=period,
        run_by=actor if getattr(actor, "is_authenticated", False) else None,
        subjects_screened=len(subjects),
        match_count=len(hits),
    )
    matches = ExclusionMatch.objects.bulk_create(
        _match(
            screening, hit, earlier.get((hit.subject.kind, hit.subject.id, entry_key(hit.entry)))
        )
        for hit in hits
    )
    audit_record(
        actor=actor,
        action="exclusion_screening.run",
        obj=screening,
        changes={
            "exclusion_list": exclusion_list.pk,
            "subjects": len(subjects),
            "matches": len(matches),
            "open": sum(m.status == MatchStatus.OPEN for m in matches),
        },
    )
    return screening


@transaction.atomic
def exclusion_screen(*, actor) -> ExclusionScreening:
    """Screen now (a user asked)."""
    return _screen(actor=actor, trigger=ScreeningTrigger.MANUAL, period=None)


def exclusion_screen_at_hire(*, actor) -> ExclusionScreening | None:
    """Screen when a provider joins or changes (OIG: screen before hire). Without an imported
    list there is nothing to screen against yet; the monthly screening will catch up."""
    if exclusion_list_current() is None:
        return None
    return _screen(actor=actor, trigger=ScreeningTrigger.HIRE, period=None)


def exclusion_screen_monthly(*, month: date) -> ExclusionScreening:
    """The month's screening, once: a second call (a retried task) returns the first."""
    period = month.replace(day=1)
    existing = ExclusionScreening.objects.filter(
        trigger=ScreeningTrigger.MONTHLY, period=period
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _screen(actor=None, trigger=ScreeningTrigger.MONTHLY, period=period)
    except IntegrityError:  # another worker ran the same month's screening meanwhile
        return ExclusionScreening.objects.get(trigger=ScreeningTrigger.MONTHLY, period=period)


@transaction.atomic
def exclusion_match_decide(*, actor, match: ExclusionMatch, decision: str, note: str):
    """A reviewer's decision on an open match: cleared (not the same person) or confirmed.
    The note says what was compared (NPI registry, license, date of birth...)."""
    match = ExclusionMatch.objects.select_for_update().get(pk=match.pk)
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = ["Choose cleared (not the same person) or confirmed."]
    if not (note or "").strip():
        errors["note"] = ["Say how you decided: what you compared, and against which source."]
    if match.status != MatchStatus.OPEN:
        errors["__all__"] = [f"This match was already decided ({match.get_status_display()})."]
    if errors:
        raise ComplianceError(errors)
    match.status = decision
    match.decided_by = actor
    match.decided_at = timezone.now()
    match.decision_note = note.strip()
    match.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action="exclusion_match.decide",
        obj=match,
        changes={"decision": decision, "subject": match.subject_name, "note": match.decision_note},
    )
    return match
