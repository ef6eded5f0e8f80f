"""What each route needs to be probed for cross-practice leaks. Every route of both hosts must
have an entry here (tests/test_isolation_matrix.py fails otherwise).

Kinds:
- OBJECT: the URL names one of practice A's objects; practice B's credentials get 403/404.
- DATA: the route serves the practice's own data without naming an object (lists,
  dashboards, uploads, the practice profile); B sees only B's, and A's host refuses B.
- SECRET: the URL carries a one-time secret of A's (invitation, hand-off): the secret is
  the credential on A's host, and worthless on any other host.
- SELF: no practice data (health, sign-in, the caller's own profile, API docs).
- PORTAL_OBJECT / PORTAL_DATA: MSO portal routes scoped to the practices an MSO user is
  assigned to; MSO staff of B only must not reach A's.
- MSO_WIDE: MSO portal routes open to every MSO role by policy (break-glass requests) or to
  MSO admins only (finance, grant reviews); practice users and practice tokens are refused.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

OBJECT, DATA, SELF, SECRET = "object", "data", "self", "secret"
PORTAL_OBJECT, PORTAL_DATA, MSO_WIDE = "portal-object", "portal-data", "mso-wide"


@dataclass(frozen=True)
class Entry:
    kind: str
    kwargs: Callable = lambda a: {}  # PracticeAData -> URL kwargs (builds A's objects)
    methods: tuple[str, ...] = ("GET",)  # pages only; API routes use the view's methods
    body: Callable | None = None  # PracticeAData -> POST body (JSON for the API, form for pages)
    refs_a: bool = False  # the body names A's objects: B's own host must refuse it too
    upload: Callable | None = None  # PracticeAData -> (file name, bytes) sent as `file`
    scope: str | None = None  # the token scope, for views that check it themselves
    needs: tuple[str, ...] = ()  # more of A's objects to build first (lists must hide them)
    note: str = ""


def _pk(attr):
    return lambda a: {"pk": getattr(a, attr).pk}


def _era_of_a(a):
    return "iso.835", a.remittance_content.encode()


def _ack_of_a(a):
    return "iso.999", a.ack_content.encode()


def _payment_body(a):
    return {
        "patient": a.clinic.patient.pk,
        "amount": "1.00",
        "kind": "payment",
        "received_on": str(timezone.localdate()),
    }


_INVITE = {"email": "iso-invitee@nowhere.test", "role": "provider"}

# Signing in and the caller's own account security, on either host: no practice data.
_ACCOUNT_SELF = {
    "mfa-verify": Entry(SELF),
    "mfa-enrol": Entry(SELF),
    "account-security": Entry(SELF),
    "password-reset": Entry(SELF),
    "password-reset-done": Entry(SELF),
    "password_reset_confirm": Entry(
        SELF, kwargs=lambda a: {"uidb64": "MQ", "token": "set-password"}
    ),
    "password-reset-complete": Entry(SELF),
}

PRACTICE = {
    # Shared by both hosts
    "healthz": Entry(SELF),
    "login": Entry(SELF),
    "logout": Entry(SELF, methods=("POST",)),
    "api-schema": Entry(SELF),
    "api-not-found": Entry(SELF, note="any other /api/v1/ path: a JSON 404, no data"),
    "api-docs": Entry(SELF),
    "invitation-accept": Entry(SECRET, kwargs=lambda a: {"secret": a.invitation_secret}),
    "job-progress": Entry(OBJECT, kwargs=lambda a: {"job_id": a.job.pk}),
    "handoff": Entry(SECRET, kwargs=lambda a: {"secret": a.handoff_secret}),
    **_ACCOUNT_SELF,
    # Break-glass: asking for emergency access is itself the audited, alerted path, and a
    # grant ends only by its holder or an MSO admin (tests/test_breakglass.py).
    "emergency-access": Entry(SELF),
    "emergency-end": Entry(OBJECT, kwargs=_pk("emergency_grant"), methods=("POST",)),
    # API
    "api-me": Entry(SELF),
    "api-practice-current": Entry(DATA, needs=("membership",)),
    "api-membership-list": Entry(
        DATA,
        needs=("membership",),
        body=lambda a: {**_INVITE, "email": "outsider@nowhere.test", "practice": a.world.a.pk},
    ),
    "api-membership-detail": Entry(
        OBJECT, kwargs=_pk("membership"), body=lambda a: {"role": "provider"}
    ),
    "api-invitation-create": Entry(
        DATA, needs=("invitation_secret",), body=lambda a: {**_INVITE, "practice": a.world.a.pk}
    ),
    "api-token-list": Entry(
        DATA,
        needs=("token",),
        body=lambda a: {"user": a.world.integrator_a.pk, "name": "x", "scopes": ["practice:read"]},
        refs_a=True,
    ),
    "api-token-revoke": Entry(OBJECT, kwargs=_pk("token")),
    "api-location-list": Entry(DATA, needs=("clinic",), body=lambda a: {}),
    "api-location-detail": Entry(OBJECT, kwargs=_pk("location"), body=lambda a: {"city": "X"}),
    "api-job-detail": Entry(OBJECT, kwargs=lambda a: {"job_id": a.job.pk}, scope="jobs:read"),
    "api-payer-list": Entry(
        DATA, needs=("clinic",), note="the payer master is shared reference data"
    ),
    "api-provider-list": Entry(DATA, needs=("clinic",), body=lambda a: {}),
    "api-provider-detail": Entry(
        OBJECT, kwargs=lambda a: {"pk": a.clinic.provider.pk}, body=lambda a: {"credential": "X"}
    ),
    "api-patient-list": Entry(DATA, needs=("clinic",), body=lambda a: {}),
    "api-patient-detail": Entry(OBJECT, kwargs=_pk("patient"), body=lambda a: {"city": "X"}),
    "api-screening-list": Entry(
        DATA, needs=("exclusion_match",), note="POST screens the caller's own practice"
    ),
    "api-exclusion-match-list": Entry(DATA, needs=("exclusion_match",)),
    "api-credential-list": Entry(
        DATA,
        needs=("credential",),
        body=lambda a: {
            "provider": a.clinic.provider.pk,
            "kind": "board",
            "number": "B1",
        },
        refs_a=True,
    ),
    "api-incident-list": Entry(
        DATA,
        needs=("incident",),
        body=lambda a: {
            "title": "probe",
            "description": "probe",
            "category": "other",
            "discovered_on": str(timezone.localdate()),
        },
    ),
    "api-incident-detail": Entry(OBJECT, kwargs=_pk("incident")),
    "api-incident-action": Entry(
        OBJECT, kwargs=lambda a: {"pk": a.incident.pk, "action": "close"}, body=lambda a: {}
    ),
    "api-employee-list": Entry(
        DATA,
        needs=("employee",),
        body=lambda a: {
            "first_name": "P",
            "last_name": "Probe",
            "birth_date": "1990-01-01",
            "job_title": "x",
            "department": "billing",
            "employment_type": "full_time",
            "hire_date": "2024-01-01",
        },
    ),
    "api-employee-detail": Entry(OBJECT, kwargs=_pk("employee"), body=lambda a: {"job_title": "X"}),
    "api-policy-list": Entry(
        DATA,
        needs=("policy",),
        body=lambda a: {
            "code": "PROBE-1",
            "title": "probe",
            "category": "privacy",
            "effective_on": str(timezone.localdate()),
            "body": "A probe policy text that is long enough.",
        },
    ),
    "api-policy-detail": Entry(OBJECT, kwargs=_pk("policy")),
    "api-policy-action": Entry(
        OBJECT, kwargs=lambda a: {"pk": a.policy.pk, "action": "attest"}, body=lambda a: {}
    ),
    "api-credential-detail": Entry(
        OBJECT, kwargs=_pk("credential"), body=lambda a: {"issuer": "X"}
    ),
    "api-exclusion-match-decide": Entry(
        OBJECT,
        kwargs=_pk("exclusion_match"),
        body=lambda a: {"decision": "cleared", "note": "isolation probe"},
    ),
    "api-coverage-detail": Entry(
        OBJECT, kwargs=lambda a: {"pk": a.clinic.coverage.pk}, body=lambda a: {"group_number": "X"}
    ),
    "api-enrollment-list": Entry(
        DATA,
        needs=("clinic",),
        body=lambda a: {"provider": a.clinic.provider.pk, "payer": a.clinic.payer.pk},
        refs_a=True,
    ),
    "api-coverage-create": Entry(
        DATA,
        body=lambda a: {
            "patient": a.clinic.patient.pk,
            "payer": a.clinic.payer.pk,
            "priority": 2,
            "member_id": "M1",
            "effective_from": "2024-01-01",
        },
        refs_a=True,
    ),
    "api-encounter-list": Entry(
        DATA, needs=("encounter",), body=lambda a: a.encounter_body(), refs_a=True
    ),
    "api-encounter-detail": Entry(
        OBJECT, kwargs=_pk("encounter"), body=lambda a: {"diagnosis_codes": ["I10"]}
    ),
    "api-coding-query-list": Entry(
        DATA,
        needs=("coding_query",),
        body=lambda a: {"encounter": a.encounter.pk, "question": "Why?"},
        refs_a=True,
    ),
    "api-coding-query-decide": Entry(
        OBJECT, kwargs=_pk("coding_query"), body=lambda a: {"accept": True, "note": "ok"}
    ),
    "api-claim-list": Entry(
        DATA, needs=("claim",), body=lambda a: {"encounter": a.encounter.pk}, refs_a=True
    ),
    "api-claim-detail": Entry(OBJECT, kwargs=_pk("claim")),
    "api-claim-scrub": Entry(OBJECT, kwargs=_pk("claim")),
    "api-claim-correct": Entry(OBJECT, kwargs=_pk("claim"), body=lambda a: {}),
    "api-claim-void": Entry(OBJECT, kwargs=_pk("claim"), body=lambda a: {"reason": "x"}),
    "api-batch-list": Entry(
        DATA, needs=("batch",), note="POST starts a batch run of the caller's practice"
    ),
    "api-batch-detail": Entry(OBJECT, kwargs=_pk("batch")),
    "api-batch-file": Entry(OBJECT, kwargs=_pk("batch")),
    "api-remittance-list": Entry(DATA, needs=("remittance",), upload=_era_of_a, refs_a=True),
    "api-remittance-detail": Entry(OBJECT, kwargs=_pk("remittance")),
    "api-denial-list": Entry(DATA, needs=("denial",)),
    "api-denial-detail": Entry(
        OBJECT, kwargs=_pk("denial"), body=lambda a: {"action": "note", "text": "x"}
    ),
    "api-kpis": Entry(DATA, needs=("remittance", "paid_claim")),
    "api-invoice-list": Entry(DATA, needs=("invoice",)),
    "api-patient-payment-list": Entry(
        DATA, needs=("patient_payment",), body=_payment_body, refs_a=True
    ),
    "api-fee-schedule-list": Entry(DATA, needs=("clinic",), body=lambda a: {}),
    "api-acknowledgement-list": Entry(
        DATA, needs=("acknowledgement",), upload=_ack_of_a, refs_a=True
    ),
    # Pages
    "home": Entry(DATA, needs=("membership",)),
    "location-list": Entry(DATA, needs=("clinic",), methods=("GET", "POST")),
    "member-list": Entry(
        DATA, needs=("membership",), methods=("GET", "POST"), body=lambda a: _INVITE
    ),
    "member-remove": Entry(OBJECT, kwargs=_pk("membership"), methods=("POST",)),
    "token-list": Entry(
        DATA,
        needs=("token",),
        methods=("GET", "POST"),
        body=lambda a: {"user": a.world.integrator_a.pk, "name": "x", "scopes": ["practice:read"]},
        refs_a=True,
    ),
    "token-revoke": Entry(OBJECT, kwargs=_pk("token"), methods=("POST",)),
    "practice-invoice-list": Entry(DATA, needs=("invoice",)),
    "practice-invoice-pdf": Entry(OBJECT, kwargs=_pk("invoice")),
    "provider-list": Entry(DATA, needs=("clinic",), methods=("GET", "POST")),
    "patient-list": Entry(DATA, needs=("clinic",), methods=("GET", "POST")),
    "patient-detail": Entry(OBJECT, kwargs=_pk("patient")),
    "patient-edit": Entry(
        OBJECT, kwargs=_pk("patient"), methods=("GET", "POST"), body=lambda a: {"city": "X"}
    ),
    "coverage-edit": Entry(
        OBJECT,
        kwargs=lambda a: {"pk": a.patient.pk, "coverage_pk": a.clinic.coverage.pk},
        methods=("GET", "POST"),
        body=lambda a: {"member_id": "X1"},
    ),
    "compliance-home": Entry(DATA, needs=("exclusion_match",)),
    "compliance-screen": Entry(
        DATA, needs=("exclusion_match",), methods=("POST",), note="screens the caller's practice"
    ),
    "incident-list": Entry(
        DATA,
        needs=("incident",),
        methods=("GET", "POST"),
        body=lambda a: {"title": "probe", "description": "probe", "category": "other"},
    ),
    "incident-detail": Entry(OBJECT, kwargs=_pk("incident")),
    "incident-action": Entry(
        OBJECT,
        kwargs=lambda a: {"pk": a.incident.pk, "action": "close"},
        methods=("POST",),
    ),
    "employee-list": Entry(
        DATA,
        needs=("employee",),
        methods=("GET", "POST"),
        body=lambda a: {"first_name": "P", "last_name": "Probe"},
    ),
    "employee-detail": Entry(
        OBJECT, kwargs=_pk("employee"), methods=("GET", "POST"), body=lambda a: {"job_title": "X"}
    ),
    "employee-rehire": Entry(
        OBJECT,
        kwargs=_pk("employee"),
        methods=("POST",),
        body=lambda a: {"hire_date": "2030-01-01"},
    ),
    "employee-terminate": Entry(
        OBJECT,
        kwargs=_pk("employee"),
        methods=("POST",),
        body=lambda a: {"termination_date": "2025-01-01"},
    ),
    "policy-list": Entry(
        DATA,
        needs=("policy",),
        methods=("GET", "POST"),
        body=lambda a: {"code": "PROBE-1", "title": "probe", "category": "privacy"},
    ),
    "policy-detail": Entry(OBJECT, kwargs=_pk("policy")),
    "policy-action": Entry(
        OBJECT, kwargs=lambda a: {"pk": a.policy.pk, "action": "attest"}, methods=("POST",)
    ),
    "credential-list": Entry(
        DATA,
        needs=("credential",),
        methods=("GET", "POST"),
        body=lambda a: {"provider": a.clinic.provider.pk, "kind": "board", "number": "B1"},
        refs_a=True,
    ),
    "credential-edit": Entry(
        OBJECT, kwargs=_pk("credential"), methods=("GET", "POST"), body=lambda a: {"number": "Z9"}
    ),
    "credential-verify": Entry(
        OBJECT, kwargs=_pk("credential"), methods=("POST",), body=lambda a: {"source": "probe"}
    ),
    "exclusion-match-decide": Entry(
        OBJECT,
        kwargs=_pk("exclusion_match"),
        methods=("POST",),
        body=lambda a: {"decision": "cleared", "note": "isolation probe"},
    ),
    "provider-edit": Entry(
        OBJECT,
        kwargs=lambda a: {"pk": a.clinic.provider.pk},
        methods=("GET", "POST"),
        body=lambda a: {"credential": "X"},
    ),
    "patient-account": Entry(
        OBJECT, kwargs=_pk("patient"), methods=("GET", "POST"), body=lambda a: {"amount": "1"}
    ),
    "encounter-list": Entry(DATA, needs=("coding_query",)),
    "encounter-new": Entry(
        DATA, methods=("GET", "POST"), body=lambda a: {"patient": a.clinic.patient.pk}, refs_a=True
    ),
    "encounter-detail": Entry(
        OBJECT, kwargs=_pk("encounter"), methods=("GET", "POST"), body=lambda a: {"question": "?"}
    ),
    "claim-build": Entry(
        OBJECT, kwargs=lambda a: {"encounter_pk": a.encounter.pk}, methods=("POST",)
    ),
    "coding-query-list": Entry(DATA, needs=("coding_query",)),
    "coding-query-decide": Entry(OBJECT, kwargs=_pk("coding_query"), methods=("POST",)),
    "claim-list": Entry(DATA, needs=("claim",)),
    "claim-detail": Entry(OBJECT, kwargs=_pk("claim")),
    "claim-action": Entry(
        OBJECT, kwargs=lambda a: {"pk": a.claim.pk, "action": "void"}, methods=("POST",)
    ),
    "batch-list": Entry(DATA, needs=("batch",), methods=("GET", "POST")),
    "batch-download": Entry(OBJECT, kwargs=_pk("batch")),
    "acknowledgement-list": Entry(
        DATA, needs=("acknowledgement",), methods=("GET", "POST"), upload=_ack_of_a, refs_a=True
    ),
    "remittance-list": Entry(
        DATA, needs=("remittance",), methods=("GET", "POST"), upload=_era_of_a, refs_a=True
    ),
    "billing-dashboard": Entry(DATA, needs=("denial", "paid_claim")),
    "statement-list": Entry(DATA, needs=("statement",), methods=("GET", "POST")),
    "statement-pdf": Entry(OBJECT, kwargs=_pk("statement")),
    "denial-list": Entry(DATA, needs=("denial",)),
    "denial-detail": Entry(OBJECT, kwargs=_pk("denial")),
    "denial-action": Entry(
        OBJECT,
        kwargs=lambda a: {"pk": a.denial.pk, "action": "appeal"},
        methods=("POST",),
        body=lambda a: {"argument": "Medically necessary."},
    ),
}

_CONTRACTS = "MSO staff see the agreements, fees and invoices of their practices only"
_ADMIN_ONLY = "approving fees and invoices: MSO admins only (CONTRACT_MANAGE)"
PORTAL = {
    "healthz": Entry(SELF),
    "login": Entry(SELF),
    "logout": Entry(SELF, methods=("POST",)),
    "api-schema": Entry(SELF),
    "api-not-found": Entry(SELF, note="any other /api/v1/ path: a JSON 404, no data"),
    "api-docs": Entry(SELF),
    "invitation-accept": Entry(
        SECRET,
        kwargs=lambda a: {"secret": a.invitation_secret},
        note="A's invitation opens on A's host only, never on the portal",
    ),
    "job-progress": Entry(PORTAL_OBJECT, kwargs=lambda a: {"job_id": a.job.pk}),
    **_ACCOUNT_SELF,
    "api-me": Entry(SELF),
    "api-practice-list": Entry(PORTAL_DATA, needs=("job",)),
    "api-practice-detail": Entry(PORTAL_OBJECT, kwargs=lambda a: {"pk": a.world.a.pk}),
    "api-membership-list": Entry(
        PORTAL_DATA,
        needs=("membership",),
        body=lambda a: {**_INVITE, "email": "outsider@nowhere.test", "practice": a.world.a.pk},
        refs_a=True,
    ),
    "api-membership-detail": Entry(
        PORTAL_OBJECT, kwargs=_pk("membership"), body=lambda a: {"role": "provider"}
    ),
    "api-invitation-create": Entry(
        PORTAL_DATA, body=lambda a: {**_INVITE, "practice": a.world.a.pk}, refs_a=True
    ),
    "api-job-detail": Entry(PORTAL_OBJECT, kwargs=lambda a: {"job_id": a.job.pk}),
    "api-agreement-list": Entry(PORTAL_DATA, needs=("invoice",), note=_CONTRACTS),
    "api-fee-run-list": Entry(PORTAL_DATA, needs=("invoice",), note=_CONTRACTS),
    "api-fee-run-approve": Entry(PORTAL_OBJECT, kwargs=_pk("fee_run"), note=_ADMIN_ONLY),
    "api-invoice-list": Entry(PORTAL_DATA, needs=("invoice",), note=_CONTRACTS),
    "home": Entry(PORTAL_DATA, needs=("claim",)),
    "portfolio-dashboard": Entry(PORTAL_DATA, needs=("claim",)),
    "practice-list": Entry(PORTAL_DATA, needs=("job",)),
    "practice-onboard": Entry(PORTAL_DATA),
    "practice-onboard-owners": Entry(PORTAL_DATA),
    "practice-detail": Entry(PORTAL_OBJECT, kwargs=lambda a: {"pk": a.world.a.pk}),
    "practice-open": Entry(PORTAL_OBJECT, kwargs=lambda a: {"pk": a.world.a.pk}, methods=("POST",)),
    "agreement-list": Entry(PORTAL_DATA, needs=("invoice",), note=_CONTRACTS),
    "rules-and-costs": Entry(PORTAL_DATA, note=_CONTRACTS),
    "fee-run-list": Entry(PORTAL_DATA, needs=("invoice",), note=_CONTRACTS),
    "fee-run-detail": Entry(PORTAL_DATA, kwargs=_pk("fee_run"), note=_CONTRACTS),
    "fee-run-action": Entry(
        PORTAL_OBJECT,
        kwargs=lambda a: {"pk": a.fee_run.pk, "action": "approve"},
        methods=("POST",),
        note=_ADMIN_ONLY,
    ),
    "calculation-approve": Entry(
        PORTAL_OBJECT, kwargs=_pk("fee_calculation"), methods=("POST",), note=_ADMIN_ONLY
    ),
    "invoice-list": Entry(PORTAL_DATA, needs=("invoice",), note=_CONTRACTS),
    "invoice-pdf": Entry(PORTAL_OBJECT, kwargs=_pk("invoice"), note=_CONTRACTS),
    "invoice-status": Entry(
        PORTAL_OBJECT,
        kwargs=lambda a: {"pk": a.invoice.pk, "status": "paid"},
        methods=("POST",),
        note=_ADMIN_ONLY,
    ),
    "user-list": Entry(PORTAL_DATA, needs=("membership",)),
    "user-action": Entry(
        PORTAL_OBJECT,
        kwargs=lambda a: {"pk": a.world.provider_a.pk, "action": "disable"},
        methods=("POST",),
        note="disabling, enabling and unlocking accounts: MSO admins only (USER_MANAGE)",
    ),
    "audit-list": Entry(PORTAL_DATA, needs=("claim",)),
    "audit-export": Entry(PORTAL_DATA, needs=("claim",)),
    "finance-dashboard": Entry(
        MSO_WIDE, needs=("invoice",), note="MSO fee revenue: MSO admins only (FINANCE_VIEW)"
    ),
    "practice-bank-account": Entry(PORTAL_OBJECT, kwargs=lambda a: {"pk": a.world.a.pk}),
    # Break-glass on the portal: MSO staff may ask for any practice (the form lists practice
    # names, nothing else); reviews are MSO admins' only.
    "compliance-overview": Entry(PORTAL_DATA, needs=("exclusion_match", "credential", "incident")),
    "exclusion-list": Entry(
        MSO_WIDE,
        methods=("GET", "POST"),
        note="the OIG exclusion list is shared reference data: MSO admins import it",
    ),
    "emergency-access": Entry(MSO_WIDE, note="break-glass: MSO staff may ask for any practice"),
    "emergency-end": Entry(OBJECT, kwargs=_pk("emergency_grant"), methods=("POST",)),
    "emergency-review-list": Entry(
        MSO_WIDE, needs=("emergency_grant",), note="grant reviews: MSO admins only"
    ),
    "emergency-review": Entry(
        MSO_WIDE,
        kwargs=_pk("emergency_grant"),
        methods=("POST",),
        body=lambda a: {"outcome": "justified", "note": "isolation probe"},
        note="grant reviews: MSO admins only",
    ),
}

REGISTRY: dict[tuple[str, str], Entry] = {
    **{("practice", name): entry for name, entry in PRACTICE.items()},
    **{("portal", name): entry for name, entry in PORTAL.items()},
}
