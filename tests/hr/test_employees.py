"""The workforce: hiring with its rules, the SSN kept encrypted and masked, screening against
the OIG list at hire and on changes (name and date of birth tell namesakes apart), leaving;
pages, API, roles and isolation."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from compliance.models import ExclusionScreening
from compliance.services import exclusion_screen
from hr.models import Employee
from hr.services import (
    EmployeeError,
    employee_hire,
    employee_rehire,
    employee_terminate,
    employee_update,
)
from mso.audit.models import AuditEvent
from mso.reference.services import exclusion_list_import
from tests.compliance.leie_files import leie_csv, person
from tests.conftest import user_for_role

pytestmark = pytest.mark.django_db

SSN = "123-45-6789"
MANAGERS = ("mso_admin", "mso_staff", "practice_manager")


@pytest.fixture
def in_a(world):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        yield


def _data(**more):
    return {
        "first_name": "Dana",
        "last_name": "Whitfield",
        "birth_date": date(1988, 4, 12),
        "job_title": "Medical assistant",
        "department": "clinical_support",
        "employment_type": "full_time",
        "hire_date": date(2025, 3, 3),
        **more,
    }


def test_hire_rules_name_the_field(world, in_a):
    employee_hire(actor=world.manager_a, data=_data(ssn=SSN))
    cases = [
        ({"first_name": ""}, "first_name"),
        ({"birth_date": date(2020, 1, 1)}, "birth_date"),
        ({"hire_date": date(1980, 1, 1)}, "hire_date"),
        ({"department": "space"}, "department"),
        ({"ssn": "666-12-3456"}, "ssn"),
        ({"ssn": SSN}, "ssn"),  # a duplicate
    ]
    for more, field in cases:
        with pytest.raises(EmployeeError) as error:
            employee_hire(actor=world.manager_a, data=_data(**more))
        assert field in error.value.errors, more
        assert "12-3456" not in str(error.value.errors) and "45-6789" not in str(error.value)
    assert Employee.objects.count() == 1


def test_ssn_is_encrypted_masked_and_never_audited(world, in_a):
    hired = employee_hire(actor=world.manager_a, data=_data(ssn=SSN))
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn FROM hr_employee WHERE id = %s", [hired.pk])
        (stored,) = cursor.fetchone()
    assert "6789" not in stored
    assert Employee.objects.get().ssn.masked == "***-**-6789"
    events = AuditEvent.objects.filter(object_type="hr.employee")
    assert "6789" not in str(list(events.values_list("changes", flat=True)))


def test_screened_at_hire_by_name_and_date_of_birth(world, in_a):
    exclusion_list_import(
        actor=world.admin,
        file_name="L.csv",
        content=leie_csv(
            person("Whitfield", "Dana", DOB="19880412"),
            person("Whitfield", "Dana", DOB="19500101"),  # a namesake, born elsewhen
        ),
    )
    employee_hire(actor=world.manager_a, data=_data())
    screening = ExclusionScreening.objects.get()
    assert screening.trigger == "hire"
    (match,) = screening.matches.filter(subject_kind="employee")
    assert match.strength == "name_dob" and match.listed_birth_date == date(1988, 4, 12)


def test_changes_are_screened_and_leaving_is_recorded(world, in_a):
    hired = employee_hire(actor=world.manager_a, data=_data())
    exclusion_list_import(
        actor=world.admin, file_name="L.csv", content=leie_csv(person("Marsh", "Dana"))
    )
    employee_update(actor=world.manager_a, employee=hired, data={"job_title": "Lead MA"})
    assert not ExclusionScreening.objects.exists()  # nothing screened changed
    employee_update(actor=world.manager_a, employee=hired, data={"last_name": "Marsh"})
    (screening,) = ExclusionScreening.objects.all()
    assert screening.matches.get().subject_name == "Dana Marsh"
    event = AuditEvent.objects.filter(action="employee.update").latest("id")
    assert event.changes == {"last_name": "changed"}
    with pytest.raises(EmployeeError):
        employee_terminate(actor=world.manager_a, employee=hired, on=date(2020, 1, 1))
    employee_terminate(actor=world.manager_a, employee=hired, on=date(2026, 10, 31))
    with pytest.raises(EmployeeError, match="already left"):
        employee_terminate(actor=world.manager_a, employee=hired, on=date(2026, 11, 1))
    exclusion_list_import(
        actor=world.admin,
        file_name="L2.csv",
        content=leie_csv(person("Marsh", "Dana"), person("X", "Y")),
    )
    later = exclusion_screen(actor=world.staff)
    assert not later.matches.filter(subject_kind="employee").exists()  # she has left


@pytest.mark.parametrize("role", [*MANAGERS, "provider", "integrator", "outsider"])
def test_employee_pages_and_api_roles(world, client_for, in_a, role):
    hired = employee_hire(actor=world.manager_a, data=_data())
    client = client_for(user_for_role(world, role), world.a)
    ok = role in MANAGERS
    assert client.get("/hr/employees/").status_code == (200 if ok else 403)
    assert client.get(f"/hr/employees/{hired.pk}/").status_code == (200 if ok else 403)
    assert client.get("/api/v1/hr/employees/").status_code == (200 if ok else 403)
    response = client.patch(
        f"/api/v1/hr/employees/{hired.pk}/",
        {"job_title": "Lead MA"},
        content_type="application/json",
    )
    assert response.status_code == (200 if ok else 403)


def test_employee_pages_hire_edit_terminate(world, client_for, in_a):
    client = client_for(world.manager_a, world.a)
    form = {
        "first_name": "Lee",
        "last_name": "Ortiz",
        "birth_date": "1979-02-02",
        "job_title": "Biller",
        "department": "billing",
        "employment_type": "part_time",
        "hire_date": "2024-06-01",
        "work_email": "lee@alpha.test",
        "ssn": SSN,
    }
    assert client.post("/hr/employees/", form).status_code == 302
    hired = Employee.objects.get()
    page = client.get(f"/hr/employees/{hired.pk}/").content.decode()
    assert "***-**-6789" in page and "123-45" not in page and "123456789" not in page
    bad = client.post("/hr/employees/", {**form, "ssn": "666-12-3456", "first_name": "X"})
    assert bad.status_code == 200 and "666-12-3456" not in bad.content.decode()
    response = client.post(f"/hr/employees/{hired.pk}/", {**form, "ssn": "", "job_title": "Coder"})
    assert response.status_code == 302
    hired.refresh_from_db()
    assert hired.job_title == "Coder" and hired.ssn.masked == "***-**-6789"
    client.post(f"/hr/employees/{hired.pk}/terminate/", {"termination_date": "2026-11-01"})
    assert Employee.objects.get().termination_date == date(2026, 11, 1)
    row = f'href="/hr/employees/{hired.pk}/"'
    assert row not in client.get("/hr/employees/").content.decode()
    assert row in client.get("/hr/employees/?show=all").content.decode()


def test_api_hire_masks_the_ssn_and_b_sees_nothing(world, client_for, in_a):
    client = client_for(world.staff, world.a)
    body = {k: str(v) for k, v in _data().items()} | {"ssn": SSN}
    created = client.post("/api/v1/hr/employees/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["ssn_masked"] == "***-**-6789" and "ssn" not in created.json()
    bad = client.post(
        "/api/v1/hr/employees/",
        {**body, "ssn": "", "hire_date": "1900-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "hire_date" in bad.json()["errors"]
    b = client_for(world.manager_b, world.b)
    assert b.get("/api/v1/hr/employees/").json()["results"] == []
    assert b.get(f"/api/v1/hr/employees/{created.json()['id']}/").status_code == 404


def test_notice_period_rehire_and_leap_day(world, in_a, monkeypatch):
    exclusion_list_import(
        actor=world.admin,
        file_name="L.csv",
        content=leie_csv(person("Whitfield", "Dana", DOB="19880412")),
    )
    hired = employee_hire(actor=world.manager_a, data=_data(ssn=SSN))
    soon = timezone.localdate() + timedelta(days=14)
    employee_terminate(actor=world.manager_a, employee=hired, on=soon)
    # Working out her notice, she is still screened and still listed as current.
    later = exclusion_screen(actor=world.staff)
    assert later.matches.filter(subject_kind="employee").exists()
    assert Employee.objects.get().is_active
    with pytest.raises(EmployeeError) as error:
        employee_update(
            actor=world.manager_a, employee=hired, data={"hire_date": soon + timedelta(days=1)}
        )
    assert "hire_date" in error.value.errors
    # Back after leaving: the same record and SSN, screened again.
    with pytest.raises(EmployeeError):
        employee_rehire(actor=world.manager_a, employee=hired, on=soon)
    employee_rehire(actor=world.manager_a, employee=hired, on=soon + timedelta(days=30))
    hired.refresh_from_db()
    assert hired.termination_date is None and hired.ssn.masked == "***-**-6789"
    assert ExclusionScreening.objects.filter(trigger="hire").count() == 2
    # On 29 February the age rule still works (14 years before has no 29 February).
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2028, 2, 29))
    with pytest.raises(EmployeeError) as error:
        employee_hire(
            actor=world.manager_a, data=_data(first_name="Kid", birth_date=date(2014, 3, 1))
        )
    assert "birth_date" in error.value.errors
    employee_hire(
        actor=world.manager_a, data=_data(first_name="Teen", birth_date=date(2014, 2, 28))
    )
