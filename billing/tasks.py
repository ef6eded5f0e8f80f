from mso.tasking import practice_task

from .services.batches import batch_run


@practice_task(name="billing.claim_batch_build")
def claim_batch_build(job_id: str) -> None:
    batch_run(job_id=job_id)
