"""The Celery application. Always tenant-aware: the schema travels with every task."""

import os

from tenant_schemas_celery.app import CeleryApp

# True when this import chose the settings (nobody had): the dev server then keeps the
# choice out of the commands it starts, so `pytest` still reads its own settings (test).
SETTINGS_DEFAULTED = "DJANGO_SETTINGS_MODULE" not in os.environ
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mso.settings.local")

app = CeleryApp("mso")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
