"""Task base classes. A practice task carries its schema (tenant_schemas_celery puts the
caller's schema in the message headers) and refuses to run in the public schema."""

from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from mso.celery import app
from mso.tenancy.models import Practice


class PracticeRequiredError(RuntimeError):
    """A practice task ran without a practice schema; it did nothing."""


class PracticeTask(app.Task):
    abstract = True

    def __call__(self, *args, **kwargs):
        schema = connection.schema_name
        if schema == get_public_schema_name() or getattr(connection.tenant, "kind", "") == "portal":
            raise PracticeRequiredError(
                f"Task {self.name} needs a practice schema and was sent from the public one."
            )
        return super().__call__(*args, **kwargs)


def practice_task(*args, **options):
    """`@practice_task(name="billing.claim_batch_build")`: a task that must run in a practice."""
    options.setdefault("base", PracticeTask)
    options.setdefault("acks_late", True)
    return app.task(*args, **options)


def fan_out(task, *args) -> int:
    """Send `task` once to every ready practice, each message carrying that practice's
    schema (beat entry points run in the public schema). Returns how many were sent."""
    count = 0
    for practice in Practice.objects.tenants().ready().only("schema_name"):
        with schema_context(practice.schema_name):
            task.delay(*args)
        count += 1
    return count
