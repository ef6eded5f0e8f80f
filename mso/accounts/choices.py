from django.db import models


class Role(models.TextChoices):
    MSO_ADMIN = "mso_admin", "MSO admin"
    MSO_STAFF = "mso_staff", "MSO staff"
    PRACTICE_MANAGER = "practice_manager", "Practice manager"
    PROVIDER = "provider", "Provider"
    INTEGRATOR = "integrator", "Integrator"


MSO_ROLES = frozenset({Role.MSO_ADMIN, Role.MSO_STAFF})
PRACTICE_ROLES = frozenset({Role.PRACTICE_MANAGER, Role.PROVIDER, Role.INTEGRATOR})
