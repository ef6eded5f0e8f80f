"""Onboarding a practice: validate, record it, then provision its schema in the background."""

import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from mso.audit.services import audit_record
from mso.jobs.models import JobRun
from mso.jobs.services import job_create, job_fail, job_progress, job_start, job_succeed

from . import provisioning
from .choices import PracticeKind, PracticeStatus
from .exceptions import OnboardingError
from .models import Domain, Owner, Practice
from .rules import PracticeInput, normalize_tin, onboarding_errors, schema_name_for

log = logging.getLogger(__name__)
PROVISION_JOB = "tenancy.practice_provision"


def practice_host(slug: str) -> str:
    return f"{slug}.{settings.MSO_BASE_DOMAIN}"


def _check_unique(data: PracticeInput, errors) -> None:
    if (
        Practice.objects.filter(slug=data.slug).exists()
        or Domain.objects.filter(domain=practice_host(data.slug)).exists()
    ):
        errors.practice.setdefault("slug", []).append("This sub-domain is already taken.")
    if data.group_npi and Practice.objects.filter(group_npi=data.group_npi).exists():
        errors.practice.setdefault("group_npi", []).append(
            "Another practice already uses this group NPI."
        )


def practice_validate(data: PracticeInput):
    errors = onboarding_errors(data, as_of=timezone.localdate())
    _check_unique(data, errors)
    return errors


@transaction.atomic
def practice_onboard(
    *, actor, data: PracticeInput, kind: str = PracticeKind.PRACTICE
) -> tuple[Practice, JobRun]:
    """Record a new practice (status provisioning) and queue the creation of its schema.
    Invalid input raises OnboardingError and writes nothing."""
    errors = practice_validate(data)
    if kind != PracticeKind.PRACTICE:
        # The MSO back office is not a Friendly PC: no owners, NPI or TIN rules.
        errors.owners, errors.ownership = [], []
        for name in ("group_npi", "tin", "state"):
            errors.practice.pop(name, None)
    if errors:
        raise OnboardingError(errors)
    practice = Practice.objects.create(
        kind=kind,
        name=data.name.strip(),
        slug=data.slug,
        schema_name=schema_name_for(data.slug),
        state=data.state,
        group_npi=data.group_npi,
        tin=normalize_tin(data.tin),
        status=PracticeStatus.PROVISIONING,
    )
    Domain.objects.create(domain=practice_host(data.slug), tenant=practice, is_primary=True)
    Owner.objects.bulk_create(
        Owner(
            practice=practice,
            full_name=o.full_name.strip(),
            npi=o.npi,
            license_state=o.license_state,
            license_number=o.license_number.strip(),
            license_expiry=o.license_expiry,
            share_percent=o.share_percent,
        )
        for o in data.owners
    )
    job = job_create(
        kind=PROVISION_JOB,
        actor=actor,
        practice=practice,
        params={"practice_id": practice.pk, "slug": practice.slug},
    )
    audit_record(
        actor=actor,
        action="practice.onboard",
        obj=practice,
        practice=practice,
        changes={
            "slug": practice.slug,
            "state": practice.state,
            "owners": [o.full_name for o in data.owners],
        },
    )
    from .tasks import practice_provision_task

    transaction.on_commit(lambda: practice_provision_task.delay(str(job.pk)))
    return practice, job


def practice_provision(*, job_id) -> None:
    """Create the schema of the job's practice; mark it ready. Idempotent: a practice that is
    already ready is left alone; a failure rolls the practice back entirely."""
    job = JobRun.objects.select_related("practice").get(pk=job_id)
    if job.is_finished:
        return
    practice = job.practice
    if practice is None:
        job_fail(job_id=job.pk, message="The practice no longer exists.", error="")
        return
    if practice.status == PracticeStatus.READY:
        job_succeed(job_id=job.pk, message="Practice is ready.")
        return
    job_start(job_id=job.pk)
    try:
        job_progress(job_id=job.pk, percent=15, message="Checking the practice template")
        provisioning.template_ensure()
        job_progress(job_id=job.pk, percent=45, message="Creating the practice database")
        if provisioning.schema_exists(practice.schema_name):
            # A previous attempt committed its schema but died before marking it ready.
            path = "existing"
        else:
            path = provisioning.schema_provision(practice.schema_name)
        job_progress(job_id=job.pk, percent=90, message="Opening the practice")
        practice_mark_ready(practice=practice, path=path)
    except Exception as exc:
        log.exception("Provisioning %s failed", practice.slug)
        practice_discard(practice=practice, reason=str(exc))
        job_fail(
            job_id=job.pk,
            message="Provisioning failed; nothing was kept. Try again.",
            error=f"{type(exc).__name__}: {exc}",
        )
        raise
    job_succeed(
        job_id=job.pk,
        message="Practice is ready.",
        result={"practice_id": practice.pk, "path": path},
    )


@transaction.atomic
def practice_mark_ready(*, practice: Practice, path: str) -> Practice:
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    practice.status = PracticeStatus.READY
    practice.ready_at = timezone.now()
    practice.save(update_fields=["status", "ready_at"])
    audit_record(
        actor=None, action="practice.ready", obj=practice, practice=practice, changes={"path": path}
    )
    return practice


@transaction.atomic
def practice_discard(*, practice: Practice, reason: str) -> None:
    """Remove a practice that never became ready: its schema, rows and memberships."""
    if practice.status == PracticeStatus.READY:
        raise ValueError("Refusing to discard a practice that is in use.")
    connection.set_schema_to_public()
    provisioning.schema_drop(practice.schema_name)
    audit_record(
        actor=None,
        action="practice.discard",
        obj=practice,
        practice=practice,
        changes={"reason": reason[:500]},
    )
    Practice.objects.filter(pk=practice.pk).delete()
