from mso.accounts import policy

from .models import JobRun


def job_visible(*, user, practice, job_id, token=None) -> JobRun | None:
    """A job the user may follow: on a practice host, that practice's jobs; on the portal,
    jobs of practices the user can list (MSO admins: all)."""
    job = JobRun.objects.select_related("practice").filter(pk=job_id).first()
    if job is None:
        return None
    if practice is not None:
        ok = job.practice_id == practice.pk and policy.can(
            user, policy.Action.JOB_VIEW, practice, token=token
        )
        return job if ok else None
    if not policy.can(user, policy.Action.PORTAL_ACCESS):
        return None
    visible = policy.visible_practice_ids(user)
    if visible is None or job.practice_id in visible or job.created_by_id == user.pk:
        return job
    return None
