from datetime import timedelta

from django.utils import timezone

from mso.celery import app

from . import services


@app.task(name="contracts.fee_run")
def fee_run_task(job_id: str) -> None:
    services.fee_run_job(job_id=job_id)


@app.task(name="contracts.fee_run_monthly")
def fee_run_monthly() -> None:
    """Beat, on the 1st: compute last month's fees for every practice."""
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    services.fee_run_execute(actor=None, period=last_month)
