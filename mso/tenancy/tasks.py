from mso.celery import app

from . import provisioning, services


@app.task(name="tenancy.practice_provision", bind=True, acks_late=True)
def practice_provision_task(self, job_id: str) -> None:
    services.practice_provision(job_id=job_id)


@app.task(name="tenancy.practice_template_refresh")
def practice_template_refresh_task() -> bool:
    return provisioning.template_ensure()
