from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mso.audit"
    label = "audit"
    verbose_name = "Audit log"
