"""Break-glass emergency access (HIPAA 164.312(a)(2)(ii)): time-boxed, reasoned, alerting,
tagged in the audit trail, reviewed; never clinical; never beyond its practice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mso.accounts import policy
from mso.accounts.policy import Action
from mso.audit import emergency
from mso.audit.emergency import EmergencyAccessError, grant_end, grant_request, grant_review
from mso.audit.models import AuditEvent, EmergencyGrant

pytestmark = pytest.mark.django_db
REASON = "Practice manager unreachable; payer deadline for claim today."


@pytest.fixture
def grant_b(world, django_capture_on_commit_callbacks):
    """MSO staff (assigned to A only) takes emergency access to B for an hour."""
    with django_capture_on_commit_callbacks(execute=True):
        return grant_request(user=world.staff, practice=world.b, reason=REASON, minutes=60)


def _later(monkeypatch, **delta):
    moved = timezone.now() + timedelta(**delta)
    monkeypatch.setattr(timezone, "now", lambda: moved)


@pytest.mark.parametrize(
    ("reason", "minutes", "field"),
    [("", 60, "reason"), ("help", 60, "reason"), (REASON, 0, "minutes"), (REASON, 241, "minutes")],
)
def test_request_needs_a_reason_and_a_bounded_duration(world, reason, minutes, field):
    with pytest.raises(EmergencyAccessError) as exc:
        grant_request(user=world.staff, practice=world.b, reason=reason, minutes=minutes)
    assert field in exc.value.errors
    assert not EmergencyGrant.objects.exists()


def test_duration_bound_is_configurable(world, settings):
    settings.EMERGENCY_ACCESS_MAX_MINUTES = 30
    with pytest.raises(EmergencyAccessError):
        grant_request(user=world.staff, practice=world.b, reason=REASON, minutes=45)


def test_who_may_ask(world):
    with pytest.raises(EmergencyAccessError, match="MSO admins"):
        grant_request(user=world.admin, practice=world.b, reason=REASON, minutes=60)
    with pytest.raises(EmergencyAccessError, match="your own practice"):
        grant_request(user=world.manager_a, practice=world.b, reason=REASON, minutes=60)
    with pytest.raises(EmergencyAccessError, match="ready"):
        grant_request(user=world.staff, practice=world.office, reason=REASON, minutes=60)


def test_access_only_during_the_window(world, grant_b, monkeypatch):
    assert policy.can(world.staff, Action.CLAIM_VIEW, world.b)
    assert policy.can(world.staff, Action.CLAIM_MANAGE, world.b)
    assert world.b.pk in policy.visible_practice_ids(world.staff)
    _later(monkeypatch, minutes=61)
    assert not policy.can(world.staff, Action.CLAIM_VIEW, world.b)
    assert world.b.pk not in policy.visible_practice_ids(world.staff)


def test_no_access_before_a_grant(world):
    assert not policy.can(world.staff, Action.CLAIM_VIEW, world.b)
    assert not policy.can(world.staff, Action.PATIENT_VIEW, world.b)


def test_end_early(world, grant_b):
    with pytest.raises(EmergencyAccessError):
        grant_end(grant=grant_b, actor=world.manager_b)
    grant_end(grant=grant_b, actor=world.staff)
    assert not policy.can(world.staff, Action.CLAIM_VIEW, world.b)
    assert AuditEvent.objects.filter(action="emergency.end", object_id=str(grant_b.pk)).exists()
    with pytest.raises(EmergencyAccessError, match="already ended"):
        grant_end(grant=grant_b, actor=world.staff)


def test_admins_are_alerted_by_mail_and_an_alert_event(world, grant_b):
    (message,) = mail.outbox
    assert world.admin.email in message.to and world.staff.email not in message.to
    assert "staff@mso.test" in message.subject and REASON in message.body
    assert "https://localhost/emergency/review/" in message.body  # a link an admin can open
    event = AuditEvent.objects.get(action="emergency.grant", object_id=str(grant_b.pk))
    assert event.is_alert and event.practice_id == world.b.pk
    assert event.emergency_grant_id == grant_b.pk


def test_cpom_still_applies_under_a_grant(world, client_for):
    grant_request(user=world.provider_a, practice=world.a, reason=REASON, minutes=30)
    grant_request(user=world.integrator_a, practice=world.a, reason=REASON, minutes=30)
    assert policy.can(world.provider_a, Action.CLAIM_MANAGE, world.a)  # granted: billing work
    assert policy.can(world.provider_a, Action.CLINICAL_DECIDE, world.a)  # own role, unchanged
    grant_request(user=world.staff, practice=world.b, reason=REASON, minutes=30)
    assert not policy.can(world.staff, Action.CLINICAL_DECIDE, world.b)
    assert not policy.can(world.staff, Action.ENCOUNTER_CREATE, world.b)
    client = client_for(world.staff, world.b)
    assert client.get("/claims/").status_code == 200
    assert client.get("/encounters/new/").status_code == 403


def test_grant_on_a_gives_nothing_on_b(world, client_for):
    grant_request(user=world.manager_a, practice=world.a, reason=REASON, minutes=30)
    assert not policy.can(world.manager_a, Action.CLAIM_VIEW, world.b)
    assert client_for(world.manager_a, world.b).get("/claims/").status_code in (302, 403)


def test_actions_under_a_grant_are_tagged(world, client_for, grant_b):
    client = client_for(world.staff, world.b)
    response = client.post(
        "/api/v1/locations/",
        {
            "name": "Emergency Clinic",
            "address_line1": "1 Main St",
            "city": "Troy",
            "state": "NY",
            "zip_code": "12180",
            "place_of_service": "11",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    event = AuditEvent.objects.get(action="location.create", object_id=str(response.json()["id"]))
    assert event.emergency_grant_id == grant_b.pk
    # The same user's work on their own practice is not under the grant.
    client_for(world.staff, world.a).get("/patients/")
    assert not AuditEvent.objects.filter(actor_id=world.staff.pk, practice_id=world.a.pk).exclude(
        emergency_grant_id=None
    )


def test_banner_on_every_page_while_active(world, client_for, grant_b, monkeypatch):
    for client, path in [
        (client_for(world.staff, None), "/"),
        (client_for(world.staff, world.b), "/claims/"),
        (client_for(world.staff, world.a), "/"),
    ]:
        html = client.get(path).content.decode()
        assert "Emergency access active" in html and f"grant #{grant_b.pk}" in html
    _later(monkeypatch, hours=2)
    assert "Emergency access active" not in client_for(world.staff, None).get("/").content.decode()


def test_request_end_and_review_pages(world, client_for, django_capture_on_commit_callbacks):
    portal = client_for(world.staff, None)
    assert portal.get("/emergency/").status_code == 200
    refused = portal.post("/emergency/", {"practice": world.b.pk, "minutes": 60, "reason": ""})
    assert refused.status_code == 200 and not EmergencyGrant.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        taken = portal.post(
            "/emergency/", {"practice": world.b.pk, "minutes": 60, "reason": REASON}
        )
    assert taken.status_code == 302 and len(mail.outbox) == 1
    grant = EmergencyGrant.objects.get()
    practice_b = client_for(world.staff, world.b)
    assert practice_b.get("/claims/").status_code == 200
    ended = practice_b.post(f"/emergency/{grant.pk}/end/")
    assert ended.status_code == 302 and ended["Location"].startswith("/accounts/login/")
    assert client_for(world.staff, world.b).get("/claims/").status_code == 403

    admin = client_for(world.admin, None)
    assert REASON in admin.get("/emergency/review/?pending=1").content.decode()
    assert client_for(world.staff, None).get("/emergency/review/").status_code == 403
    admin.post(f"/emergency/{grant.pk}/review/", {"outcome": "not_justified", "note": ""})
    grant.refresh_from_db()
    assert grant.reviewed_at is None  # an unjustified outcome needs a note
    admin.post(f"/emergency/{grant.pk}/review/", {"outcome": "justified", "note": "Deadline."})
    grant.refresh_from_db()
    assert grant.review_outcome == "justified" and grant.reviewed_by == world.admin
    assert AuditEvent.objects.filter(action="emergency.review", actor_id=world.admin.pk).exists()


def test_holder_cannot_review_own_grant(world, grant_b):
    with pytest.raises(EmergencyAccessError):
        grant_review(grant=grant_b, actor=world.staff, outcome="justified", note="")


def test_practice_user_asks_on_own_host(world, client_for):
    client = client_for(world.provider_a, world.a)
    client.post("/emergency/", {"minutes": 30, "reason": REASON})
    grant = EmergencyGrant.objects.get(user=world.provider_a)
    assert grant.practice_id == world.a.pk and grant.is_active()
    assert emergency.active_grant_id(world.provider_a, world.a) == grant.pk


def test_expired_grants_are_closed_and_audited_once(world, grant_b):
    assert emergency.grants_close_expired() == 0  # still running
    later = timezone.now() + timedelta(minutes=61)
    assert emergency.grants_close_expired(now=later) == 1
    grant_b.refresh_from_db()
    assert grant_b.ended_at == grant_b.expires_at and grant_b.ended_by is None
    assert AuditEvent.objects.filter(action="emergency.expire", object_id=str(grant_b.pk)).count()
    assert emergency.grants_close_expired(now=later) == 0  # idempotent


def test_expiry_task_is_scheduled():
    from django.conf import settings

    from mso.audit.tasks import emergency_grants_close_expired

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert emergency_grants_close_expired.name in scheduled
