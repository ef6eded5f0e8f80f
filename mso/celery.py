"""The Celery application. Always tenant-aware: the schema travels with every task."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mso.settings.local")

app = CeleryApp("mso")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
