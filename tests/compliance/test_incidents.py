"""Security incidents under the HIPAA breach rule: the deadline arithmetic, the assessment,
notices and closing, pages, API and roles."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from compliance import breach
from compliance.models import SecurityIncident
from compliance.portfolio import compliance_overview
from compliance.selectors import incident_obligations
from compliance.services import (
    ComplianceError,
    breach_notice_record,
    breach_reminders_send,
    incident_assess,
    incident_close,
    incident_report,
)
from compliance.tasks import breach_reminders_task
from mso.audit.models import AuditEvent
from tests.conftest import user_for_role

pytestmark = pytest.mark.django_db

MANAGERS = ("mso_admin", "mso_staff", "practice_manager")
FOUR_FACTORS = {
    "factor_phi": "Names, dates of birth and visit dates; no SSNs or diagnoses.",
    "factor_recipient": "Unknown finder of an unencrypted laptop.",
    "factor_acquired": "Cannot be ruled out: the device was never recovered.",
    "factor_mitigation": "Remote wipe sent; not confirmed.",
}


# --- deadlines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("individuals", "largest_state", "expected"),
    [
        (12, None, {"individuals": date(2026, 5, 2), "hhs": date(2027, 3, 1)}),
        (
            500,
            None,
            {"individuals": date(2026, 5, 2), "hhs": date(2026, 5, 2)},
        ),
        (
            501,
            None,
            {"individuals": date(2026, 5, 2), "hhs": date(2026, 5, 2), "media": date(2026, 5, 2)},
        ),
        (2000, 400, {"individuals": date(2026, 5, 2), "hhs": date(2026, 5, 2)}),
    ],
)
def test_deadlines(individuals, largest_state, expected):
    due = breach.deadlines(date(2026, 3, 3), individuals, largest_state)
    assert {d.audience: d.due for d in due} == expected


def test_the_annual_log_of_a_leap_year_and_retention():
    (_, hhs) = breach.deadlines(date(2027, 7, 1), 3)
    assert hhs.due == date(2028, 2, 29)  # 60 days after 31 December 2027
    assert breach.retain_until(date(2024, 2, 29), date(2023, 1, 1)) == date(2030, 2, 28)
    with pytest.raises(ValueError, match="negative"):
        breach.deadlines(date(2026, 1, 1), -1)


# --- services --------------------------------------------------------------------------------


@pytest.fixture
def in_a(world):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        yield


def _incident(world, **more):
    data = {
        "title": "Laptop left in a taxi",
        "description": "An unencrypted laptop of the front desk was lost on the way home.",
        "category": "loss",
        "occurred_on": timezone.localdate() - timedelta(days=12),
        "discovered_on": timezone.localdate() - timedelta(days=10),
        **more,
    }
    return incident_report(actor=world.manager_a, data=data)


def test_report_rules(world, in_a):
    today = timezone.localdate()
    cases = [
        ({"title": " "}, "title"),
        ({"category": "aliens"}, "category"),
        ({"discovered_on": today + timedelta(days=1)}, "discovered_on"),
        ({"occurred_on": today, "discovered_on": today - timedelta(days=1)}, "occurred_on"),
        ({"discovered_on": None}, "discovered_on"),
    ]
    for data, field in cases:
        with pytest.raises(ComplianceError) as error:
            _incident(world, **data)
        assert field in error.value.errors, data
    assert not SecurityIncident.objects.exists()


def test_a_breach_from_assessment_to_closing(world, in_a):
    incident = _incident(world)
    with pytest.raises(ComplianceError, match="Assess"):
        incident_close(actor=world.staff, incident=incident)
    with pytest.raises(ComplianceError) as error:
        incident_assess(
            actor=world.staff,
            incident=incident,
            data={"outcome": "breach", "phi_involved": False, "factor_phi": "x"},
        )
    assert {"outcome", "factor_recipient", "factor_acquired", "factor_mitigation"} <= set(
        error.value.errors
    )
    incident_assess(
        actor=world.staff,
        incident=incident,
        data={
            **FOUR_FACTORS,
            "outcome": "breach",
            "phi_involved": True,
            "individuals_affected": 37,
        },
    )
    incident.refresh_from_db()
    obligations = {o.audience: o for o in incident_obligations(incident, timezone.localdate())}
    assert set(obligations) == {"individuals", "hhs"}
    assert obligations["individuals"].due == incident.discovered_on + timedelta(days=60)
    assert not obligations["individuals"].overdue
    breach_notice_record(
        actor=world.manager_a,
        incident=incident,
        data={
            "audience": "individuals",
            "sent_on": timezone.localdate(),
            "method": "First-class mail",
            "recipients": 37,
        },
    )
    with pytest.raises(ComplianceError, match="HHS"):
        incident_close(actor=world.staff, incident=incident)
    with pytest.raises(ComplianceError) as error:
        breach_notice_record(
            actor=world.staff,
            incident=incident,
            data={"audience": "hhs", "sent_on": date(2000, 1, 1), "method": ""},
        )
    assert set(error.value.errors) == {"sent_on", "method"}
    breach_notice_record(
        actor=world.staff,
        incident=incident,
        data={"audience": "hhs", "sent_on": timezone.localdate(), "method": "HHS breach portal"},
    )
    incident_close(actor=world.staff, incident=incident)
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.closed_at is not None
    with pytest.raises(ComplianceError, match="closed"):
        incident_assess(actor=world.staff, incident=incident, data={})
    actions = set(
        AuditEvent.objects.filter(
            object_id=str(incident.pk), object_type="compliance.securityincident"
        ).values_list("action", flat=True)
    )
    assert actions == {"incident.report", "incident.assess", "incident.notice", "incident.close"}


def test_not_a_breach_closes_without_notices(world, in_a):
    incident = _incident(world, category="misdirected", title="Fax to the wrong clinic")
    incident_assess(
        actor=world.staff,
        incident=incident,
        data={
            **FOUR_FACTORS,
            "outcome": "not_a_breach",
            "phi_involved": True,
            "individuals_affected": 1,
        },
    )
    assert incident_obligations(SecurityIncident.objects.get(), timezone.localdate()) == []
    with pytest.raises(ComplianceError, match="open breach"):
        breach_notice_record(
            actor=world.staff,
            incident=incident,
            data={"audience": "hhs", "sent_on": timezone.localdate(), "method": "portal"},
        )
    incident_close(actor=world.staff, incident=incident)
    # Closed, it still owes nothing: it was not a breach.
    assert incident_obligations(SecurityIncident.objects.get(), timezone.localdate()) == []


def test_an_overdue_notice_is_flagged(world, in_a):
    incident = _incident(
        world, discovered_on=timezone.localdate() - timedelta(days=75), occurred_on=None
    )
    incident_assess(
        actor=world.staff,
        incident=incident,
        data={
            **FOUR_FACTORS,
            "outcome": "breach",
            "phi_involved": True,
            "individuals_affected": 640,
            "largest_state_count": 610,
        },
    )
    obligations = incident_obligations(SecurityIncident.objects.get(), timezone.localdate())
    assert {o.audience for o in obligations if o.overdue} == {"individuals", "hhs", "media"}
    connection.set_schema_to_public()
    (row,) = compliance_overview([world.a], timezone.localdate())
    assert (row["open_incidents"], row["overdue_notices"]) == (1, 3)


# --- pages and API ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*MANAGERS, "provider", "integrator", "outsider"])
def test_incident_pages_and_api_roles(world, client_for, in_a, role):
    incident = _incident(world)
    client = client_for(user_for_role(world, role), world.a)
    ok = role in MANAGERS
    assert client.get("/compliance/incidents/").status_code == (200 if ok else 403)
    assert client.get(f"/compliance/incidents/{incident.pk}/").status_code == (200 if ok else 403)
    assert client.get("/api/v1/compliance/incidents/").status_code == (200 if ok else 403)
    response = client.post(f"/api/v1/compliance/incidents/{incident.pk}/close/")
    assert response.status_code == (400 if ok else 403)  # not assessed yet


def test_incident_through_the_pages(world, client_for, in_a):
    client = client_for(world.manager_a, world.a)
    today = timezone.localdate()
    response = client.post(
        "/compliance/incidents/",
        {
            "title": "Misdirected statement batch",
            "description": "Twelve statements were mailed to the wrong addresses.",
            "category": "misdirected",
            "discovered_on": today.isoformat(),
        },
    )
    incident = SecurityIncident.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{incident.pk}/")
    page = client.post(f"/compliance/incidents/{incident.pk}/assess/", {"outcome": "breach"})
    assert page.status_code == 200 and "Each of the four factors" not in page.content.decode()
    assert "This field is required." in page.content.decode()
    client.post(
        f"/compliance/incidents/{incident.pk}/assess/",
        {**FOUR_FACTORS, "outcome": "breach", "phi_involved": "on", "individuals_affected": "12"},
    )
    detail = client.get(f"/compliance/incidents/{incident.pk}/").content.decode()
    assert "Notices due" in detail and "Record a notice" in detail
    client.post(
        f"/compliance/incidents/{incident.pk}/notice/",
        {
            "audience": "individuals",
            "sent_on": today.isoformat(),
            "method": "Mail",
            "recipients": 7,
        },
    )
    client.post(f"/compliance/incidents/{incident.pk}/close/")
    assert SecurityIncident.objects.get().status == "breach"  # 7 of 12 told
    client.post(
        f"/compliance/incidents/{incident.pk}/notice/",
        {
            "audience": "individuals",
            "sent_on": today.isoformat(),
            "method": "Mail",
            "recipients": 5,
        },
    )
    client.post(
        f"/compliance/incidents/{incident.pk}/notice/",
        {"audience": "hhs", "sent_on": today.isoformat(), "method": "HHS portal"},
    )
    client.post(f"/compliance/incidents/{incident.pk}/close/")
    assert SecurityIncident.objects.get().status == "closed"
    assert client.post(f"/compliance/incidents/{incident.pk}/explode/").status_code == 404


def test_incident_api(world, client_for, in_a):
    client = client_for(world.staff, world.a)
    bad = client.post(
        "/api/v1/compliance/incidents/",
        {"title": "x", "description": "y", "category": "loss", "discovered_on": "2999-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "discovered_on" in bad.json()["errors"]
    created = client.post(
        "/api/v1/compliance/incidents/",
        {
            "title": "Stolen tablet",
            "description": "Taken from a car.",
            "category": "theft",
            "discovered_on": str(timezone.localdate()),
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assessed = client.post(
        f"/api/v1/compliance/incidents/{pk}/assess/",
        {**FOUR_FACTORS, "outcome": "breach", "phi_involved": True, "individuals_affected": 800},
        content_type="application/json",
    )
    assert assessed.status_code == 200, assessed.content
    assert {o["audience"] for o in assessed.json()["obligations"]} == {
        "individuals",
        "hhs",
        "media",
    }
    assert client.post(f"/api/v1/compliance/incidents/{pk}/explode/").status_code == 404
    b = client_for(world.manager_b, world.b)
    assert b.get(f"/api/v1/compliance/incidents/{pk}/").status_code == 404


@pytest.mark.parametrize(
    ("days_left", "sent", "expected"),
    [
        (20, set(), None),
        (14, set(), 14),
        (10, {14}, None),
        (2, {14}, 3),
        (0, {3}, 0),
        (-9, {0}, None),
    ],
)
def test_reminder_thresholds(days_left, sent, expected):
    today = date(2026, 6, 1)
    assert breach.reminder_due(today + timedelta(days=days_left), today, sent) == expected


def test_breach_reminders_are_emailed_once_per_threshold(world, in_a):
    today = timezone.localdate()
    incident = _incident(world, discovered_on=today - timedelta(days=50), occurred_on=None)
    incident_assess(
        actor=world.staff,
        incident=incident,
        data={**FOUR_FACTORS, "outcome": "breach", "phi_involved": True, "individuals_affected": 9},
    )
    mail.outbox.clear()
    assert breach_reminders_send() == 1  # individuals due in 10 days; HHS's log is months off
    (message,) = mail.outbox
    assert "Affected individuals due" in message.body and "OVERDUE" not in message.body
    assert set(message.to) == {world.manager_a.email, world.staff.email}
    assert breach_reminders_send() == 0 and len(mail.outbox) == 1
    assert breach_reminders_send(today=today + timedelta(days=11)) == 1
    assert "OVERDUE" in mail.outbox[-1].body
    breach_notice_record(
        actor=world.staff,
        incident=incident,
        data={"audience": "individuals", "sent_on": today, "method": "Mail", "recipients": 9},
    )
    assert breach_reminders_send(today=today + timedelta(days=12)) == 0
    assert breach_reminders_task.apply(throw=True).get() == 0
