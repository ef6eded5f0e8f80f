"""Job bookkeeping. Progress writes are single UPDATEs in autocommit so that other
connections (the page polling it) see them while the job's own work is still running."""

from django.utils import timezone

from .models import JobRun, JobStatus


def job_create(*, kind: str, actor=None, practice=None, params: dict | None = None) -> JobRun:
    return JobRun.objects.create(
        kind=kind,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        practice=practice,
        practice_label=str(practice) if practice else "",
        params=params or {},
    )


def job_start(*, job_id) -> None:
    JobRun.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=1, error=""
    )


def job_progress(*, job_id, percent: int, message: str) -> None:
    JobRun.objects.filter(pk=job_id).update(
        progress=max(0, min(99, percent)), message=message[:300]
    )


def job_succeed(*, job_id, message: str, result: dict | None = None) -> None:
    JobRun.objects.filter(pk=job_id).update(
        status=JobStatus.SUCCEEDED,
        progress=100,
        message=message[:300],
        result=result or {},
        finished_at=timezone.now(),
    )


def job_fail(*, job_id, message: str, error: str) -> None:
    JobRun.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED,
        message=message[:300],
        error=error,
        finished_at=timezone.now(),
    )
