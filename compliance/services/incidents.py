"""Security incidents under the HIPAA breach rule: reported, assessed with the four factors,
notices recorded against their deadlines, closed when every notice due was given."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from compliance import breach
from compliance.choices import IncidentCategory, IncidentStatus, NoticeAudience
from compliance.models import BreachNotice, BreachReminder, SecurityIncident
from compliance.selectors import Obligation, incident_deadlines, incident_list
from compliance.services.notify import current_practice_row, recipients, tell_managers
from compliance.services.screening import ComplianceError
from mso.audit.services import audit_record

INCIDENT_FIELDS = ("title", "description", "category", "occurred_on", "discovered_on")
FACTORS = ("factor_phi", "factor_recipient", "factor_acquired", "factor_mitigation")
OUTCOMES = (IncidentStatus.BREACH, IncidentStatus.NOT_A_BREACH)


def _locked(incident: SecurityIncident) -> SecurityIncident:
    return SecurityIncident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def incident_report(*, actor, data: dict) -> SecurityIncident:
    errors: dict[str, list[str]] = {}
    for name in ("title", "description"):
        if not str(data.get(name) or "").strip():
            errors[name] = ["This field is required."]
    if data.get("category") not in IncidentCategory.values:
        errors["category"] = ["Choose what kind of incident this is."]
    discovered, occurred = data.get("discovered_on"), data.get("occurred_on")
    today = timezone.localdate()
    if not discovered:
        errors["discovered_on"] = ["Enter when the incident was discovered."]
    elif discovered > today:
        errors["discovered_on"] = ["The discovery date cannot be in the future."]
    elif occurred and occurred > discovered:
        errors["occurred_on"] = ["An incident cannot be discovered before it happened."]
    if errors:
        raise ComplianceError(errors)
    incident = SecurityIncident.objects.create(
        **{k: data.get(k) for k in INCIDENT_FIELDS}, reported_by=actor
    )
    audit_record(
        actor=actor,
        action="incident.report",
        obj=incident,
        changes={"category": incident.category, "discovered_on": str(incident.discovered_on)},
    )
    return incident


@transaction.atomic
def incident_assess(*, actor, incident: SecurityIncident, data: dict) -> SecurityIncident:
    """Record the four-factor risk assessment and its outcome: a breach (notices due) or not a
    breach (a low probability that the PHI was compromised). A closed incident is final."""
    incident = _locked(incident)
    errors: dict[str, list[str]] = {}
    if incident.status == IncidentStatus.CLOSED:
        raise ComplianceError("A closed incident is not assessed again.")
    outcome = data.get("outcome")
    if outcome not in OUTCOMES:
        errors["outcome"] = ["Choose breach or not a breach."]
    for name in FACTORS:
        if not str(data.get(name) or "").strip():
            errors[name] = ["Each of the four factors needs its finding."]
    phi = bool(data.get("phi_involved"))
    individuals = data.get("individuals_affected") or 0
    largest = data.get("largest_state_count")
    if individuals < 0:
        errors["individuals_affected"] = ["Enter how many individuals are affected."]
    if largest is not None and largest > individuals:
        errors["largest_state_count"] = ["One state cannot hold more than all affected."]
    if outcome == IncidentStatus.BREACH and not phi:
        errors["outcome"] = ["Without PHI involved there is no breach under the rule."]
    if outcome == IncidentStatus.BREACH and individuals == 0:
        errors["individuals_affected"] = ["A breach affects at least one individual."]
    if errors:
        raise ComplianceError(errors)
    before = incident.status
    for name in FACTORS:
        setattr(incident, name, data[name].strip())
    incident.phi_involved = phi
    incident.individuals_affected = individuals
    incident.largest_state_count = largest
    incident.status = outcome
    incident.is_breach = outcome == IncidentStatus.BREACH
    incident.assessed_by = actor
    incident.assessed_at = timezone.now()
    incident.save()
    audit_record(
        actor=actor,
        action="incident.assess",
        obj=incident,
        changes={"status": [before, outcome], "individuals_affected": individuals},
    )
    return incident


@transaction.atomic
def breach_notice_record(*, actor, incident: SecurityIncident, data: dict) -> BreachNotice:
    incident = _locked(incident)
    errors: dict[str, list[str]] = {}
    if incident.status != IncidentStatus.BREACH:
        raise ComplianceError("Notices are recorded for an open breach only.")
    if data.get("audience") not in NoticeAudience.values:
        errors["audience"] = ["Choose who was notified."]
    sent = data.get("sent_on")
    if not sent:
        errors["sent_on"] = ["Enter when the notice was sent."]
    elif sent > timezone.localdate():
        errors["sent_on"] = ["A notice cannot be recorded before it is sent."]
    elif sent < incident.discovered_on:
        errors["sent_on"] = ["A notice cannot precede the discovery."]
    if not str(data.get("method") or "").strip():
        errors["method"] = ["Say how it was sent (first-class mail, HHS portal ...)."]
    if errors:
        raise ComplianceError(errors)
    notice = BreachNotice.objects.create(
        incident=incident,
        audience=data["audience"],
        sent_on=sent,
        method=data["method"].strip()[:200],
        recipients=data.get("recipients") or 0,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="incident.notice",
        obj=incident,
        changes={"audience": notice.audience, "sent_on": str(sent)},
    )
    return notice


@transaction.atomic
def incident_close(*, actor, incident: SecurityIncident) -> SecurityIncident:
    """Close an assessed incident; a breach only once every notice due has been given."""
    incident = _locked(incident)
    if incident.status == IncidentStatus.OPEN:
        raise ComplianceError("Assess the incident before closing it.")
    if incident.status == IncidentStatus.CLOSED:
        raise ComplianceError("The incident is already closed.")
    given = set(incident.notices.values_list("audience", flat=True))
    missing = [d for d in incident_deadlines(incident) if d.audience not in given]
    if missing:
        names = ", ".join(NoticeAudience(d.audience).label for d in missing)
        raise ComplianceError(f"Notices still due: {names}.")
    told = sum(
        incident.notices.filter(audience=NoticeAudience.INDIVIDUALS).values_list(
            "recipients", flat=True
        )
    )
    if incident.is_breach and told < incident.individuals_affected:
        raise ComplianceError(
            f"Notices to individuals cover {told} of {incident.individuals_affected} people: "
            "record the rest (or the substitute notice, with the number it covers)."
        )
    incident.status = IncidentStatus.CLOSED
    incident.closed_at = timezone.now()
    incident.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="incident.close", obj=incident)
    return incident


def breach_reminders_send(*, today=None) -> int:
    """Email the practice's managers and MSO staff about breach notices falling due (14 and
    3 days before, and from the due day on), one email listing them; each reminder is
    recorded first, so a rerun sends nothing twice."""
    today = today or timezone.localdate()
    practice = current_practice_row()
    sent: dict[tuple, set[int]] = defaultdict(set)
    for key in BreachReminder.objects.values_list("incident_id", "audience", "due", "days_before"):
        sent[key[:3]].add(key[3])
    due: list[tuple[SecurityIncident, Obligation, int]] = []
    for incident in incident_list():
        for obligation in incident.obligations:
            if obligation.given_on is not None:
                continue
            days = breach.reminder_due(
                obligation.due, today, sent[(incident.pk, obligation.audience, obligation.due)]
            )
            if days is not None:
                due.append((incident, obligation, days))
    to = recipients(practice)
    if not due or not to:
        return 0
    with transaction.atomic():
        for incident, obligation, days in due:
            BreachReminder.objects.create(
                incident=incident,
                audience=obligation.audience,
                due=obligation.due,
                days_before=days,
                recipients=to,
            )
        lines = "\n".join(
            f"- {incident.title}: notice to {o.label} due {o.due:%m/%d/%Y}"
            + (" (OVERDUE)" if o.due < today else "")
            for incident, o, _ in due
        )
        tell_managers(
            practice=practice,
            to=to,
            subject=f"[Breach notices] {len(due)} due at {practice.name}",
            body=(
                f"Breach notices at {practice.name} fall due (45 CFR 164.404-164.408):\n\n"
                f"{lines}\n\nRecord each notice on the practice's Incidents & breaches page."
            ),
            action="incident.reminders_sent",
            changes={"incidents": sorted({i.pk for i, _, _ in due})},
        )
    return len(due)
