from mso.celery import app

from . import emergency


@app.task(name="audit.emergency_grants_close_expired")
def emergency_grants_close_expired() -> int:
    return emergency.grants_close_expired()
