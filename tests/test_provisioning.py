"""Fast provisioning: a cloned practice schema is the same as a migrated one, atomically."""

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_exists

from mso.jobs.models import JobRun, JobStatus
from mso.tenancy import provisioning
from mso.tenancy.models import Domain, Owner, Practice
from mso.tenancy.services import practice_onboard, practice_provision

from .conftest import practice_input


def _structure(schema: str) -> dict:
    """Columns, constraints and indexes of a schema, with the schema name taken out."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name, data_type, is_nullable, is_identity,
                      coalesce(column_default, '')
               FROM information_schema.columns WHERE table_schema = %s
               ORDER BY table_name, column_name""",
            [schema],
        )
        columns = cursor.fetchall()
        cursor.execute(
            """SELECT cl.relname, co.contype, pg_get_constraintdef(co.oid)
               FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid
               JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE n.nspname = %s
               ORDER BY 1, 2, 3""",
            [schema],
        )
        constraints = [(t, k, d.replace(f"{schema}.", "")) for t, k, d in cursor.fetchall()]
        cursor.execute(
            """SELECT tablename, regexp_replace(indexdef, ' ON [^ ]+\\.', ' ON ')
               FROM pg_indexes WHERE schemaname = %s ORDER BY 1, 2""",
            [schema],
        )
        indexes = cursor.fetchall()
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY 1, 2')
        migrations = cursor.fetchall()
        cursor.execute(
            """SELECT sequencename, start_value, min_value, max_value, increment_by, cycle,
                      last_value
               FROM pg_sequences WHERE schemaname = %s ORDER BY 1""",
            [schema],
        )
        sequences = cursor.fetchall()
    return {
        "columns": columns,
        "constraints": constraints,
        "indexes": indexes,
        "migrations": migrations,
        "sequences": sequences,
    }


@pytest.mark.django_db
def test_clone_is_structurally_identical_to_migrate(world):
    provisioning.schema_clone("t_clone_check")
    provisioning.migrate_schema_default("t_migrate_check")
    cloned, migrated = _structure("t_clone_check"), _structure("t_migrate_check")
    assert cloned["columns"] and cloned["indexes"]
    assert len(cloned["sequences"]) >= 2  # the X12 control number sequences
    assert cloned == migrated


@pytest.mark.django_db
def test_template_is_current_after_ensure(world):
    provisioning.template_ensure()
    assert provisioning.template_is_current()
    assert provisioning.template_ensure() is False


@pytest.mark.django_db
def test_clone_is_atomic(world, monkeypatch):
    plan = provisioning.plan_for(provisioning.template_name())
    broken = provisioning.ClonePlan(
        tables=plan.tables,
        foreign_keys=[*plan.foreign_keys, ("missing", "fk_x", "FOREIGN KEY")],
        tables_with_rows=plan.tables_with_rows,
        identity_columns=plan.identity_columns,
    )
    monkeypatch.setattr(provisioning, "plan_for", lambda template: broken)
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - any DB error
        provisioning.schema_clone("t_atomic_check")
    assert not schema_exists("t_atomic_check")


@pytest.mark.parametrize("bad", ["public", "Bad", "1x", "a-b", "x; drop schema public", ""])
def test_schema_names_are_validated(bad):
    with pytest.raises(provisioning.ProvisioningError):
        provisioning.schema_drop(bad) if bad == "public" else provisioning._checked(bad)


@pytest.mark.django_db
def test_onboarding_then_provisioning_serves_the_practice(world, client_for):
    practice, job = practice_onboard(
        actor=world.admin, data=practice_input("charlie", npi_seed=100000010)
    )
    assert practice.status == "provisioning"
    client = client_for(world.admin, None)
    assert client.get("/", HTTP_HOST="charlie.localhost").status_code == 503
    practice_provision(job_id=job.pk)
    practice.refresh_from_db()
    job.refresh_from_db()
    assert practice.status == "ready"
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100
    assert job.result["path"] == "clone"
    assert schema_exists("charlie")
    # A second run (a Celery retry) changes nothing.
    practice_provision(job_id=job.pk)
    assert JobRun.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED


@pytest.mark.django_db
def test_failed_provisioning_leaves_nothing_behind(world, monkeypatch):
    practice, job = practice_onboard(
        actor=world.admin, data=practice_input("delta", npi_seed=100000011)
    )

    def explode(schema_name):
        raise RuntimeError("disk full")

    monkeypatch.setattr(provisioning, "schema_provision", explode)
    with pytest.raises(RuntimeError):
        practice_provision(job_id=job.pk)
    assert not Practice.objects.filter(slug="delta").exists()
    assert not Domain.objects.filter(domain="delta.localhost").exists()
    assert not Owner.objects.filter(practice_id=practice.pk).exists()
    assert not schema_exists("delta")
    job = JobRun.objects.get(pk=job.pk)
    assert job.status == JobStatus.FAILED and "disk full" in job.error
