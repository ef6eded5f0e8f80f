from mso.tasking import practice_task

from .services.batches import batch_run


@practice_task(name="billing.claim_batch_build")
def claim_batch_build(job_id: str) -> None:
    batch_run(job_id=job_id)


@practice_task(name="billing.statement_run")
def statement_run_task(job_id: str) -> None:
    from datetime import date

    from mso.jobs.models import JobRun

    from .services.patient_billing import statement_run

    job = JobRun.objects.get(pk=job_id)
    if job.is_finished:
        return
    statement_run(
        actor=job.created_by, as_of=date.fromisoformat(job.params["as_of"]), job_id=job.pk
    )
