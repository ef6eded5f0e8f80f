"""Every write of compliance data: exclusion screening (screening.py), credentials
(credentials.py) and security incidents under the breach rule (incidents.py)."""

from .credentials import (
    CREDENTIAL_FIELDS,
    credential_alerts_send,
    credential_create,
    credential_update,
    credential_verify,
)
from .incidents import (
    breach_notice_record,
    breach_reminders_send,
    incident_assess,
    incident_close,
    incident_report,
)
from .policies import PolicyDecisionError, policy_attest, policy_create, policy_publish
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
    "PolicyDecisionError",
    "breach_notice_record",
    "breach_reminders_send",
    "credential_alerts_send",
    "credential_create",
    "credential_update",
    "credential_verify",
    "exclusion_match_decide",
    "exclusion_screen",
    "exclusion_screen_at_hire",
    "exclusion_screen_monthly",
    "incident_assess",
    "incident_close",
    "incident_report",
    "policy_attest",
    "policy_create",
    "policy_publish",
    "screening_subjects",
]
