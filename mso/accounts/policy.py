"""The one place that decides who may do what, on which practice.

A principal is a user (session) or a user acting through an API token (`token` given).
MSO admins may do every non-clinical action on every practice. MSO staff act on the practices
they are assigned to. Clinical decisions belong to the practice's providers only (CPOM).
API tokens act as their integrator user, and only within their practice and scopes.
"""

from enum import StrEnum

from .choices import MSO_ROLES, Role


class Action(StrEnum):
    # MSO portal (no practice)
    PORTAL_ACCESS = "portal.access"
    PRACTICE_LIST = "practice.list"
    PRACTICE_ONBOARD = "practice.onboard"
    # The practice's bank account for ACH fee collection (encrypted; shown masked).
    PRACTICE_BANK_MANAGE = "practice.bank_manage"
    USER_LIST = "user.list"
    AUDIT_VIEW = "audit.view"
    USER_MANAGE = "user.manage"
    # Own sign-in settings (two-step verification); every member, on any host.
    ACCOUNT_SECURITY = "account.security"
    # Within one practice
    PRACTICE_VIEW = "practice.view"
    MEMBERSHIP_VIEW = "membership.view"
    MEMBERSHIP_MANAGE = "membership.manage"
    TOKEN_VIEW = "token.view"  # noqa: S105
    TOKEN_MANAGE = "token.manage"  # noqa: S105
    JOB_VIEW = "job.view"
    LOCATION_VIEW = "location.view"
    LOCATION_MANAGE = "location.manage"
    # Revenue cycle
    PATIENT_VIEW = "patient.view"
    PATIENT_MANAGE = "patient.manage"
    ENCOUNTER_VIEW = "encounter.view"
    # Recording a visit's codes is clinical documentation: providers, or the EHR's token.
    ENCOUNTER_CREATE = "encounter.create"
    CODING_QUERY_RAISE = "coding_query.raise"
    CLAIM_VIEW = "claim.view"
    CLAIM_MANAGE = "claim.manage"
    BATCH_RUN = "batch.run"
    ACK_UPLOAD = "ack.upload"
    # Contracts and fees (MSO portal) and the practice's view of its invoices
    CONTRACT_VIEW = "contract.view"
    CONTRACT_MANAGE = "contract.manage"
    FINANCE_VIEW = "finance.view"  # the MSO's own fee revenue: leadership only
    PRACTICE_INVOICE_VIEW = "practice_invoice.view"
    # Compliance: exclusion screening of the practice (its people), the shared exclusion list
    COMPLIANCE_VIEW = "compliance.view"
    COMPLIANCE_MANAGE = "compliance.manage"
    EXCLUSION_LIST_MANAGE = "exclusion_list.manage"
    # Written policies: read and attested by everyone who works in the practice
    POLICY_VIEW = "policy.view"
    # Human resources: the practice's workforce records
    HR_VIEW = "hr.view"
    HR_MANAGE = "hr.manage"
    # Clinical: diagnoses, procedures, accepting coding queries. Never an MSO role.
    CLINICAL_DECIDE = "clinical.decide"


ALL_PRACTICE_ROLES = frozenset(Role)
_MANAGERS = frozenset({Role.MSO_ADMIN, Role.MSO_STAFF, Role.PRACTICE_MANAGER})

# action -> (roles allowed, scope an API token needs; None = not available to tokens)
RULES: dict[Action, tuple[frozenset, str | None]] = {
    Action.PORTAL_ACCESS: (MSO_ROLES, None),
    Action.PRACTICE_LIST: (MSO_ROLES, None),
    Action.PRACTICE_ONBOARD: (frozenset({Role.MSO_ADMIN}), None),
    Action.PRACTICE_BANK_MANAGE: (frozenset({Role.MSO_ADMIN}), None),
    Action.USER_LIST: (frozenset({Role.MSO_ADMIN}), None),
    Action.AUDIT_VIEW: (frozenset({Role.MSO_ADMIN}), None),
    Action.USER_MANAGE: (frozenset({Role.MSO_ADMIN}), None),
    Action.ACCOUNT_SECURITY: (ALL_PRACTICE_ROLES, None),
    Action.PRACTICE_VIEW: (ALL_PRACTICE_ROLES, "practice:read"),
    Action.MEMBERSHIP_VIEW: (_MANAGERS | {Role.PROVIDER, Role.INTEGRATOR}, "members:read"),
    Action.MEMBERSHIP_MANAGE: (_MANAGERS, None),
    Action.TOKEN_VIEW: (_MANAGERS, None),
    Action.TOKEN_MANAGE: (frozenset({Role.MSO_ADMIN, Role.PRACTICE_MANAGER}), None),
    Action.JOB_VIEW: (ALL_PRACTICE_ROLES, "jobs:read"),
    Action.LOCATION_VIEW: (ALL_PRACTICE_ROLES, "locations:read"),
    Action.LOCATION_MANAGE: (_MANAGERS | {Role.INTEGRATOR}, "locations:write"),
    Action.PATIENT_VIEW: (_MANAGERS | {Role.PROVIDER, Role.INTEGRATOR}, "patients:read"),
    Action.PATIENT_MANAGE: (_MANAGERS | {Role.INTEGRATOR}, "patients:write"),
    Action.ENCOUNTER_VIEW: (ALL_PRACTICE_ROLES, "encounters:read"),
    Action.ENCOUNTER_CREATE: (frozenset({Role.PROVIDER, Role.INTEGRATOR}), "encounters:write"),
    Action.CODING_QUERY_RAISE: (_MANAGERS, None),
    Action.CLAIM_VIEW: (ALL_PRACTICE_ROLES, "claims:read"),
    Action.CLAIM_MANAGE: (_MANAGERS, None),
    Action.BATCH_RUN: (frozenset({Role.MSO_ADMIN, Role.MSO_STAFF}), None),
    Action.ACK_UPLOAD: (frozenset({Role.MSO_ADMIN, Role.MSO_STAFF, Role.INTEGRATOR}), "acks:write"),
    Action.CONTRACT_VIEW: (MSO_ROLES, None),
    Action.CONTRACT_MANAGE: (frozenset({Role.MSO_ADMIN}), None),
    Action.FINANCE_VIEW: (frozenset({Role.MSO_ADMIN}), None),
    Action.PRACTICE_INVOICE_VIEW: (_MANAGERS, None),
    Action.COMPLIANCE_VIEW: (_MANAGERS, None),
    Action.COMPLIANCE_MANAGE: (_MANAGERS, None),
    Action.EXCLUSION_LIST_MANAGE: (frozenset({Role.MSO_ADMIN}), None),
    Action.POLICY_VIEW: (_MANAGERS | {Role.PROVIDER}, None),
    Action.HR_VIEW: (_MANAGERS, None),
    Action.HR_MANAGE: (_MANAGERS, None),
    Action.CLINICAL_DECIDE: (frozenset({Role.PROVIDER}), None),
}

# Which roles a manager may hand out. Only MSO admins create MSO roles.
GRANTABLE: dict[str, frozenset] = {
    Role.MSO_ADMIN: frozenset(Role),
    Role.MSO_STAFF: frozenset({Role.PRACTICE_MANAGER, Role.PROVIDER, Role.INTEGRATOR}),
    Role.PRACTICE_MANAGER: frozenset({Role.PRACTICE_MANAGER, Role.PROVIDER, Role.INTEGRATOR}),
}


def _memberships(user) -> dict[int, str]:
    """practice id -> role, cached on the user object for the request."""
    cached = getattr(user, "_policy_memberships", None)
    if cached is None:
        cached = dict(user.memberships.values_list("practice_id", "role"))
        user._policy_memberships = cached
    return cached


def is_mso_admin(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Role.MSO_ADMIN in _memberships(user).values()


def mso_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {role for role in _memberships(user).values() if role in MSO_ROLES}


def role_in(user, practice) -> str | None:
    """The role that governs `user` in `practice`: MSO admin everywhere, else the membership."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or practice is None:
        return None
    if is_mso_admin(user):
        return Role.MSO_ADMIN
    return _memberships(user).get(practice.pk)


# Never given by break-glass emergency access (CPOM): clinical facts stay with providers.
CLINICAL_ACTIONS = frozenset({Action.CLINICAL_DECIDE, Action.ENCOUNTER_CREATE})


def _emergency_allows(user, action: Action, practice) -> bool:
    """An active emergency grant acts as the mso_staff role on its practice, non-clinical."""
    from mso.audit.emergency import active_grant_id

    if action in CLINICAL_ACTIONS or Role.MSO_STAFF not in RULES[action][0]:
        return False
    return active_grant_id(user, practice) is not None


def can(user, action: Action, practice=None, token=None) -> bool:
    roles, scope = RULES[action]
    if token is not None:
        # A token works only on its own practice, only for its scopes, only while active.
        if scope is None or practice is None or token.practice_id != practice.pk:
            return False
        if not token.is_active or scope not in token.scopes:
            return False
        return role_in(token.user, practice) == Role.INTEGRATOR
    if practice is None:
        return bool(mso_roles(user) & roles)
    role = role_in(user, practice)
    if role is not None and role in roles:
        return True
    return _emergency_allows(user, action, practice)


def grantable_roles(user, practice) -> list[str]:
    role = role_in(user, practice)
    allowed = GRANTABLE.get(role, frozenset()) if role else frozenset()
    return [r for r in Role if r in allowed]


def visible_practice_ids(user) -> set[int] | None:
    """Practices a user can list on the MSO portal; None means all of them."""
    from mso.audit.emergency import active_grants

    if is_mso_admin(user):
        return None
    assigned = {pid for pid, role in _memberships(user).items() if role == Role.MSO_STAFF}
    if not mso_roles(user):
        return assigned
    return assigned | set(active_grants(user).values_list("practice_id", flat=True))


def forget(user) -> None:
    """Drop the per-request cache after memberships change."""
    if hasattr(user, "_policy_memberships"):
        del user._policy_memberships
