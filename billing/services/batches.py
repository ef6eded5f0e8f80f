"""Batching ready claims into 837P files, one interchange per payer (and per 1,000 claims)."""

import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from billing import claimdata as cd
from billing.choices import ClaimStatus
from billing.models import Claim, ClaimBatchFile, ClaimStatusChange
from billing.selectors import billing_provider, claim_data, claim_queryset, receiver, submitter
from billing.x12.writer837 import write_837p
from mso.audit.services import audit_record
from mso.jobs.models import JobRun
from mso.jobs.services import job_create, job_fail, job_progress, job_start, job_succeed
from mso.tenancy.context import current_practice

log = logging.getLogger(__name__)
BATCH_JOB = "billing.claim_batch_build"
MAX_CLAIMS_PER_FILE = 1000


def claims_per_file() -> int:
    """Clearinghouses cap the claims in one interchange; X12_MAX_CLAIMS_PER_FILE overrides."""
    return getattr(settings, "X12_MAX_CLAIMS_PER_FILE", MAX_CLAIMS_PER_FILE)


def _next_control_numbers() -> cd.ControlNumbers:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval('billing_interchange_control_seq'), "
            "nextval('billing_group_control_seq')"
        )
        interchange, group = cursor.fetchone()
    return cd.ControlNumbers(interchange=interchange, group=group, transaction=1)


@transaction.atomic
def _batch_one(*, payer_id: int, actor, job_id=None) -> ClaimBatchFile | None:
    """One file for up to claims_per_file() ready claims of a payer. All in one transaction:
    a crash leaves the claims ready and no file; rows locked by a concurrent run are skipped,
    so no claim can land in two batches."""
    ids = list(
        Claim.objects.select_for_update(skip_locked=True)
        .filter(status=ClaimStatus.READY, payer_id=payer_id)
        .order_by("pk")
        .values_list("pk", flat=True)[: claims_per_file()]
    )
    if not ids:
        return None
    claims = list(claim_queryset().filter(pk__in=ids).order_by("pk"))
    control = _next_control_numbers()
    now = timezone.localtime()
    data = cd.ClaimBatch(
        submitter=submitter(),
        receiver=receiver(),
        billing_provider=billing_provider(claims[0].encounter.location),
        claims=tuple(claim_data(claim) for claim in claims),
        created=now.date(),
        created_time=now.strftime("%H%M"),
        usage_indicator=settings.X12_USAGE_INDICATOR,
    )
    content = write_837p(data, control)
    payer = claims[0].payer
    batch = ClaimBatchFile.objects.create(
        payer=payer,
        interchange_control_number=control.interchange,
        group_control_number=control.group,
        transaction_control_number=control.transaction,
        content=content,
        claim_count=len(claims),
        total_charge=sum((c.total_charge for c in claims), start=0),
        file_name=f"837P_{connection.schema_name}_{payer.payer_id}_{control.interchange:09d}.txt",
        job_id=job_id,
    )
    Claim.objects.filter(pk__in=ids).update(
        batch=batch, status=ClaimStatus.BATCHED, status_reason="", status_changed_at=timezone.now()
    )
    ClaimStatusChange.objects.bulk_create(
        ClaimStatusChange(
            claim_id=pk,
            from_status=ClaimStatus.READY,
            to_status=ClaimStatus.BATCHED,
            actor=actor,
            note=f"In {batch.file_name}",
        )
        for pk in ids
    )
    audit_record(
        actor=actor,
        action="batch.build",
        obj=batch,
        changes={"claims": len(ids), "payer": payer.payer_id},
    )
    return batch


def batch_build_all(*, actor=None, job_id=None) -> list[ClaimBatchFile]:
    """Batch every ready claim of the current practice. Safe to run again at any time, and
    after a crash: each file commits alone, so a rerun (a redelivered task) batches only the
    claims still ready, and the job's result counts the files of every attempt."""
    ready = Claim.objects.filter(status=ClaimStatus.READY)
    payer_ids = sorted(set(ready.values_list("payer_id", flat=True)))
    total = ready.count()
    if job_id:
        job_start(job_id=job_id)
    batches: list[ClaimBatchFile] = []
    try:
        for payer_id in payer_ids:
            while (batch := _batch_one(payer_id=payer_id, actor=actor, job_id=job_id)) is not None:
                batches.append(batch)
                if job_id:
                    done = sum(b.claim_count for b in batches)
                    job_progress(
                        job_id=job_id,
                        percent=int(100 * done / max(total, 1)),
                        message=f"{len(batches)} file(s) written",
                    )
    except Exception as exc:
        if job_id:
            job_fail(
                job_id=job_id,
                message="Batching stopped; files already written are "
                "complete, the remaining claims stay ready.",
                error=f"{exc}",
            )
        raise
    if job_id:
        # Files an earlier, interrupted attempt of this job committed count too.
        written = list(ClaimBatchFile.objects.filter(job_id=job_id).order_by("pk"))
        job_succeed(
            job_id=job_id,
            message=_summary_text(written),
            result={
                "batches": [b.pk for b in written],
                "claims": sum(b.claim_count for b in written),
            },
        )
    return batches


def _summary_text(batches: list[ClaimBatchFile]) -> str:
    if not batches:
        return "No ready claims to batch."
    claims = sum(b.claim_count for b in batches)
    return f"{claims} claim(s) in {len(batches)} file(s)."


@transaction.atomic
def batch_run_start(*, actor) -> JobRun:
    """Queue a batch run for the current practice; the job shows its progress."""
    from billing.tasks import claim_batch_build

    job = job_create(kind=BATCH_JOB, actor=actor, practice=current_practice())
    transaction.on_commit(lambda: claim_batch_build.delay(str(job.pk)))
    return job


def batch_run(*, job_id) -> None:
    """The task body: idempotent (a finished job is not run twice)."""
    job = JobRun.objects.get(pk=job_id)
    if job.is_finished:
        return
    batch_build_all(actor=job.created_by, job_id=job.pk)
