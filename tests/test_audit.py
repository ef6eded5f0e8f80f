"""Audit: every write service records who did what, where, when; rows are append-only."""

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from mso.audit.models import AuditEvent
from mso.audit.services import audit_read
from practices.services import location_create

pytestmark = pytest.mark.django_db


def test_write_service_records_actor_practice_and_request_id(world, client_for):
    client = client_for(world.manager_a, world.a)
    response = client.post(
        "/api/v1/locations/",
        {
            "name": "Audit Clinic",
            "address_line1": "2 Main St",
            "city": "Troy",
            "state": "NY",
            "zip_code": "12180",
            "place_of_service": "11",
        },
        content_type="application/json",
        HTTP_X_REQUEST_ID="req-audit-0001",
    )
    assert response.status_code == 201
    event = AuditEvent.objects.get(
        action="location.create", object_id=str(response.json()["id"]), practice_id=world.a.pk
    )
    assert event.actor_id == world.manager_a.pk
    assert event.actor_label == "manager@alpha.test"
    assert event.practice_schema == "alpha"
    assert event.request_id == "req-audit-0001"
    assert event.channel == "api"
    assert event.changes["city"] == "Troy"


def test_read_audit_mechanism(world):
    with schema_context(world.a.schema_name):
        location = location_create(
            actor=world.manager_a,
            data={
                "name": "Read Clinic",
                "address_line1": "3 Main St",
                "city": "Troy",
                "state": "NY",
                "zip_code": "12180",
                "place_of_service": "11",
            },
        )
        event = audit_read(actor=world.provider_a, obj=location)
    assert event.action == "location.view" and event.practice_schema == "alpha"


def test_audit_rows_cannot_be_changed_by_the_application(world):
    event = AuditEvent.objects.create(action="test.event")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'tampered' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_database_refuses_update_and_delete(world, statement):
    event = AuditEvent.objects.create(action="test.event")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_onboarding_and_sign_in_are_audited(world, client_for):
    from .conftest import PASSWORD

    client_for(None, world.a).post(
        "/accounts/login/", {"username": "provider@alpha.test", "password": PASSWORD}
    )
    assert AuditEvent.objects.filter(
        action="session.sign_in", actor_id=world.provider_a.pk, practice_id=world.a.pk
    ).exists()
    assert AuditEvent.objects.filter(action="practice.onboard", practice_id=world.a.pk).exists()
    assert AuditEvent.objects.filter(action="practice.ready", practice_id=world.a.pk).exists()


def test_audit_page_filters(world, client_for):
    AuditEvent.objects.create(action="test.filter", actor_label="someone@x.test")
    html = client_for(world.admin, None).get("/audit/?action=test.filter").content.decode()
    assert "someone@x.test" in html
