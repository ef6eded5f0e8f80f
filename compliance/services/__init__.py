"""Every write of compliance data: exclusion screening (screening.py) and credentials
(credentials.py)."""

from .credentials import (
    CREDENTIAL_FIELDS,
    credential_alerts_send,
    credential_create,
    credential_update,
    credential_verify,
)
from .screening import (
    ComplianceError,
    exclusion_match_decide,
    exclusion_screen,
    exclusion_screen_at_hire,
    exclusion_screen_monthly,
    screening_subjects,
)

__all__ = [
    "CREDENTIAL_FIELDS",
    "ComplianceError",
    "credential_alerts_send",
    "credential_create",
    "credential_update",
    "credential_verify",
    "exclusion_match_decide",
    "exclusion_screen",
    "exclusion_screen_at_hire",
    "exclusion_screen_monthly",
    "screening_subjects",
]
