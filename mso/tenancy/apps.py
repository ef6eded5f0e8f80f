from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "mso.tenancy"
    label = "tenancy"
    verbose_name = "Practices (tenants)"
