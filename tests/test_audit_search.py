"""The MSO admins' audit search and CSV export (HIPAA 164.312(b); ASVS 5.0 V16)."""

import csv
import io

import pytest
from django_tenants.utils import schema_context

from mso.audit.models import AuditEvent
from mso.audit.services import audit_read
from practices.models import Patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen(world):
    """Patient "Quinn Auditwell" of A, read by the provider; another read on B."""
    with schema_context(world.a.schema_name):
        patient = Patient.objects.create(
            mrn="AUD-1", first_name="Quinn", last_name="Auditwell", birth_date="1980-01-02"
        )
        audit_read(actor=world.provider_a, obj=patient, practice=world.a)
    with schema_context(world.b.schema_name):
        other = Patient.objects.create(
            mrn="AUD-1", first_name="Quinn", last_name="Auditwell", birth_date="1980-01-02"
        )
        audit_read(actor=world.manager_b, obj=other, practice=world.b)
    AuditEvent.objects.create(action="formula.test", actor_label="=HYPERLINK(1)")
    return patient


def test_who_saw_patient_x_by_name_within_the_practice(world, client_for, seen):
    client = client_for(world.admin, None)
    html = client.get(f"/audit/?practice={world.a.pk}&patient=auditwell").content.decode()
    assert "provider@alpha.test" in html and "manager@bravo.test" not in html
    search = AuditEvent.objects.get(action="audit.search", actor_id=world.admin.pk)
    assert search.patient_ids == [seen.pk]
    by_mrn = client.get(f"/audit/?practice={world.a.pk}&patient=AUD-1").content.decode()
    assert "provider@alpha.test" in by_mrn


def test_patient_search_needs_a_practice(world, client_for, seen):
    html = client_for(world.admin, None).get("/audit/?patient=auditwell").content.decode()
    assert "Choose the practice" in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("user=provider@alpha", "provider@alpha.test", "manager@bravo.test"),
        ("action=patient.view&user=bravo", "manager@bravo.test", "provider@alpha.test"),
        ("object_type=practices.patient&user=alpha", "provider@alpha.test", "manager@bravo"),
        ("date_from=2000-01-01&date_to=2000-01-02&action=patient", "No events match", "alpha.test"),
    ],
)
def test_filters(world, client_for, seen, query, shown, hidden):
    html = client_for(world.admin, None).get(f"/audit/?{query}").content.decode()
    assert shown in html and hidden not in html


def test_request_id_and_grant_filters(world, client_for):
    AuditEvent.objects.create(action="x.one", request_id="req-find-me-01", actor_label="one@x")
    AuditEvent.objects.create(action="x.two", emergency_grant_id=999, actor_label="two@x")
    client = client_for(world.admin, None)
    html = client.get("/audit/?request_id=req-find-me-01").content.decode()
    assert "one@x" in html and "two@x" not in html
    html = client.get("/audit/?grant=999").content.decode()
    assert "two@x" in html and "one@x" not in html


def test_paginated(world, client_for):
    AuditEvent.objects.bulk_create(
        AuditEvent(action="page.test", actor_label=f"p{i}@x") for i in range(60)
    )
    client = client_for(world.admin, None)
    first = client.get("/audit/?action=page.test").content.decode()
    second = client.get("/audit/?action=page.test&page=2").content.decode()
    assert first.count("page.test</td>") == 50 and second.count("page.test</td>") == 10


def test_csv_export_is_the_filtered_result_and_is_audited(world, client_for, seen):
    client = client_for(world.admin, None)
    response = client.get(f"/audit/export.csv?practice={world.a.pk}&patient=Auditwell")
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r["actor_label"] for r in rows} >= {"provider@alpha.test"}
    assert "manager@bravo.test" not in {r["actor_label"] for r in rows}
    assert all(str(seen.pk) in r["patient_ids"].split() for r in rows)
    export = AuditEvent.objects.get(action="audit.export", actor_id=world.admin.pk)
    assert export.patient_ids == [seen.pk] and export.changes["rows"] == len(rows)


def test_csv_cells_cannot_become_formulas(world, client_for, seen):
    response = client_for(world.admin, None).get("/audit/export.csv?action=formula.test")
    text = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


def test_only_mso_admins_search_or_export(world, client_for):
    for user in (world.staff, world.manager_a):
        client = client_for(user, None)
        assert client.get("/audit/").status_code in (302, 403)
        assert client.get("/audit/export.csv").status_code in (302, 403)
