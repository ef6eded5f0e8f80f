from django.http import Http404
from django.shortcuts import render

from mso.tenancy.context import request_practice

from .models import JobStatus
from .selectors import job_visible


def job_progress(request, job_id):
    """htmx partial: one job's progress bar; it keeps polling until the job finishes."""
    if not request.user.is_authenticated:
        raise Http404
    job = job_visible(user=request.user, practice=request_practice(request), job_id=job_id)
    if job is None:
        raise Http404
    response = render(request, "jobs/progress.html", {"job": job})
    if request.htmx and job.status == JobStatus.SUCCEEDED:
        # The page around the bar (status badge, actions) is stale now: reload it.
        response["HX-Refresh"] = "true"
    return response
