from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "mso.reference"
    label = "reference"
    verbose_name = "Reference data"
