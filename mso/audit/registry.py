"""What counts as patient-level data, in one place.

`PATIENT_PATHS` says how to reach the patient from each model that holds patient data (an ORM
lookup from the model to `Patient.pk`); `audit_record` and `audit_read*` use it to store the
patient ids an event concerns. Bulk objects (a batch file, a remittance, a statement run)
reach every patient they carry, and `BULK_MEMBERS` names the rows they group, so bulk writes
record counts and ids.

`PATIENT_READ_URLS` and `NO_PATIENT_DATA_URLS` classify every route of both hosts:
tests/test_audit_reads.py fails when a route is in neither, and requests every route of the
first kind to check that the read is audited with its patients.
"""

PATIENT_PATHS: dict[str, str] = {
    "practices.patient": "pk",
    "practices.coverage": "patient_id",
    "billing.encounter": "patient_id",
    "billing.codingquery": "encounter__patient_id",
    "billing.claim": "encounter__patient_id",
    "billing.denialcase": "claim__encounter__patient_id",
    "billing.claimpayment": "claim__encounter__patient_id",
    "billing.patientpayment": "patient_id",
    "billing.statement": "patient_id",
    "billing.claimbatchfile": "claims__encounter__patient_id",
    "billing.remittance": "claim_payments__claim__encounter__patient_id",
    "billing.statementrun": "statements__patient_id",
}

# bulk model -> (key in the event's changes, lookup of the member ids)
BULK_MEMBERS: dict[str, tuple[str, str]] = {
    "billing.claimbatchfile": ("claim_ids", "claims__id"),
    "billing.remittance": ("claim_payment_ids", "claim_payments__id"),
    "billing.statementrun": ("statement_ids", "statements__id"),
}

# Routes (URL names) that show patient-level data: each records who saw which patients.
PATIENT_READ_URLS: frozenset[str] = frozenset(
    {
        # practice pages
        "patient-list",
        "patient-detail",
        "patient-edit",
        "coverage-edit",
        "patient-account",
        "encounter-list",
        "encounter-detail",
        "coding-query-list",
        "claim-list",
        "claim-detail",
        "batch-download",
        "denial-list",
        "denial-detail",
        "denial-action",  # the appeal letter PDF
        "billing-dashboard",  # patient A/R by patient
        "statement-list",
        "statement-pdf",
        # practice API
        "api-patient-list",
        "api-patient-detail",
        "api-coverage-detail",
        "api-encounter-list",
        "api-encounter-detail",
        "api-coding-query-list",
        "api-claim-list",
        "api-claim-detail",
        "api-batch-file",
        "api-denial-list",
        "api-denial-detail",
        "api-patient-payment-list",
    }
)

# Routes that show no patient-level data (aggregates, files' metadata, configuration), or
# only write (their service records the event).
NO_PATIENT_DATA_URLS: frozenset[str] = frozenset(
    {
        "healthz",
        "login",
        "logout",
        "invitation-accept",
        "handoff",
        "job-progress",
        "api-schema",
        "api-not-found",
        "api-docs",
        "home",
        "location-list",
        "member-list",
        "member-remove",
        "token-list",
        "token-revoke",
        "practice-invoice-list",
        "practice-invoice-pdf",
        "provider-list",
        "encounter-new",  # form only; the encounter_create service audits the write
        "claim-build",
        "coding-query-decide",
        "claim-action",
        "batch-list",  # file metadata: payer, counts, totals
        "acknowledgement-list",
        # remittance totals; unmatched payments have no known patient (their ids are recorded)
        "remittance-list",
        "emergency-access",
        "emergency-end",
        # signing in and account security (MFA, password reset)
        "account-security",
        "mfa-enrol",
        "mfa-verify",
        "password-reset",
        "password-reset-done",
        "password_reset_confirm",
        "password-reset-complete",
        # MSO portal
        "portfolio-dashboard",  # practice totals
        "practice-list",
        "practice-onboard",
        "practice-onboard-owners",
        "practice-detail",
        "practice-open",
        "agreement-list",
        "finance-dashboard",  # MSO fee revenue per practice
        "user-action",  # disable, enable, unlock an account (audited by the services)
        "provider-edit",  # providers are not patient data
        "compliance-home",  # screenings name the practice's providers and owners only
        "compliance-screen",
        "exclusion-match-decide",
        "exclusion-list",
        "compliance-overview",  # counts per practice
        "credential-list",  # providers' licenses: not patient data
        "credential-edit",
        "credential-verify",
        "incident-list",  # incidents are described without patients' identities
        "incident-detail",
        "incident-action",
        "employee-list",  # workforce records, not patient data
        "employee-detail",
        "employee-terminate",
        "employee-rehire",
        "policy-list",
        "policy-detail",
        "policy-action",
        "practice-bank-account",  # the PC's fee-collection account (masked)
        "rules-and-costs",
        "fee-run-list",
        "fee-run-detail",
        "fee-run-action",
        "calculation-approve",
        "invoice-list",
        "invoice-pdf",
        "invoice-status",
        "user-list",
        "audit-list",  # audited itself when filtered by patient
        "audit-export",  # audited itself
        "emergency-review-list",
        "emergency-review",
        # API
        "api-me",
        "api-practice-current",
        "api-practice-list",
        "api-practice-detail",
        "api-membership-list",
        "api-membership-detail",
        "api-invitation-create",
        "api-token-list",
        "api-token-revoke",
        "api-location-list",
        "api-location-detail",
        "api-job-detail",
        "api-payer-list",
        "api-provider-list",
        "api-provider-detail",
        "api-screening-list",
        "api-credential-list",
        "api-credential-detail",
        "api-incident-list",
        "api-incident-detail",
        "api-incident-action",
        "api-employee-list",
        "api-employee-detail",
        "api-policy-list",
        "api-policy-detail",
        "api-policy-action",
        "api-exclusion-match-list",
        "api-exclusion-match-decide",
        "api-enrollment-list",
        "api-coverage-create",
        "api-coding-query-decide",
        "api-claim-scrub",
        "api-claim-correct",
        "api-claim-void",
        "api-batch-list",
        "api-batch-detail",
        "api-remittance-list",  # file totals and counts only
        "api-remittance-detail",
        "api-kpis",  # practice totals
        "api-invoice-list",
        "api-fee-schedule-list",
        "api-acknowledgement-list",
        "api-agreement-list",
        "api-fee-run-list",
        "api-fee-run-approve",
    }
)


def patient_path(model) -> str | None:
    return PATIENT_PATHS.get(model._meta.label_lower)
