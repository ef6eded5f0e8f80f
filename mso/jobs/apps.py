from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "mso.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
