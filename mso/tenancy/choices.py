from django.db import models


class PracticeKind(models.TextChoices):
    PORTAL = "portal", "MSO portal (public schema)"
    MSO = "mso", "MSO back office"
    PRACTICE = "practice", "Practice (Friendly PC)"


class PracticeStatus(models.TextChoices):
    PROVISIONING = "provisioning", "Provisioning"
    READY = "ready", "Ready"
    SUSPENDED = "suspended", "Suspended"


# Sub-domains and schema names a practice may never take.
RESERVED_SLUGS = frozenset(
    {
        "www",
        "api",
        "admin",
        "app",
        "mso",
        "portal",
        "static",
        "media",
        "mail",
        "public",
        "information-schema",
        "tpl-practice",
        "test",
        "demo-template",
    }
)
