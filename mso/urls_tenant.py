"""A practice's own host (<slug>.<base domain>)."""

from django.urls import include, path

from billing import views as billing
from compliance import views as compliance
from contracts import views as contracts
from hr import views as hr
from mso.accounts import views as accounts
from mso.audit import urls as audit_urls
from practices import views as practices

from .urls_common import common_patterns

urlpatterns = [
    *common_patterns("mso.urls_tenant"),
    path("api/v1/", include("mso.api.urls_tenant")),
    path("accounts/handoff/<str:secret>/", accounts.handoff_redeem, name="handoff"),
    path("", practices.practice_home, name="home"),
    path("locations/", practices.location_list, name="location-list"),
    path("members/", practices.member_list, name="member-list"),
    path("members/<int:pk>/remove/", practices.member_remove, name="member-remove"),
    path("tokens/", practices.token_page, name="token-list"),
    path("tokens/<int:pk>/revoke/", practices.token_revoke, name="token-revoke"),
    path("invoices/", contracts.practice_invoices, name="practice-invoice-list"),
    path("invoices/<int:pk>/pdf/", contracts.practice_invoice_pdf, name="practice-invoice-pdf"),
    path("providers/", practices.provider_list, name="provider-list"),
    path("providers/<int:pk>/edit/", practices.provider_edit, name="provider-edit"),
    path("hr/employees/", hr.employee_list, name="employee-list"),
    path("hr/employees/<int:pk>/", hr.employee_detail, name="employee-detail"),
    path("hr/employees/<int:pk>/terminate/", hr.employee_terminate, name="employee-terminate"),
    path("hr/employees/<int:pk>/rehire/", hr.employee_rehire, name="employee-rehire"),
    path("compliance/", compliance.compliance_home, name="compliance-home"),
    path("compliance/screen/", compliance.compliance_screen, name="compliance-screen"),
    path("compliance/credentials/", compliance.credential_list, name="credential-list"),
    path("compliance/incidents/", compliance.incident_list, name="incident-list"),
    path("compliance/policies/", compliance.policy_list, name="policy-list"),
    path("compliance/policies/<int:pk>/", compliance.policy_detail, name="policy-detail"),
    path(
        "compliance/policies/<int:pk>/<str:action>/",
        compliance.policy_action,
        name="policy-action",
    ),
    path("compliance/incidents/<int:pk>/", compliance.incident_detail, name="incident-detail"),
    path(
        "compliance/incidents/<int:pk>/<str:action>/",
        compliance.incident_action,
        name="incident-action",
    ),
    path("compliance/credentials/<int:pk>/", compliance.credential_edit, name="credential-edit"),
    path(
        "compliance/credentials/<int:pk>/verify/",
        compliance.credential_verify,
        name="credential-verify",
    ),
    path(
        "compliance/matches/<int:pk>/decide/",
        compliance.exclusion_match_decide,
        name="exclusion-match-decide",
    ),
    path("patients/", practices.patient_list, name="patient-list"),
    path("patients/<int:pk>/", practices.patient_detail, name="patient-detail"),
    path("patients/<int:pk>/edit/", practices.patient_edit, name="patient-edit"),
    path(
        "patients/<int:pk>/coverages/<int:coverage_pk>/edit/",
        practices.coverage_edit,
        name="coverage-edit",
    ),
    path("patients/<int:pk>/account/", billing.patient_account, name="patient-account"),
    path("encounters/", billing.encounter_list, name="encounter-list"),
    path("encounters/new/", billing.encounter_new, name="encounter-new"),
    path("encounters/<int:pk>/", billing.encounter_detail, name="encounter-detail"),
    path("encounters/<int:encounter_pk>/claim/", billing.claim_build, name="claim-build"),
    path("coding-queries/", billing.coding_query_list, name="coding-query-list"),
    path(
        "coding-queries/<int:pk>/decide/", billing.coding_query_decide, name="coding-query-decide"
    ),
    path("claims/", billing.claim_list, name="claim-list"),
    path("claims/<int:pk>/", billing.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/<str:action>/", billing.claim_action, name="claim-action"),
    path("batches/", billing.batch_list, name="batch-list"),
    path("batches/<int:pk>/download/", billing.batch_download, name="batch-download"),
    path("acknowledgements/", billing.acknowledgement_list, name="acknowledgement-list"),
    path("remittances/", billing.remittance_list, name="remittance-list"),
    path("dashboard/", billing.dashboard, name="billing-dashboard"),
    path("statements/", billing.statements, name="statement-list"),
    path("statements/<int:pk>/pdf/", billing.statement_pdf_download, name="statement-pdf"),
    path("denials/", billing.denial_list, name="denial-list"),
    path("denials/<int:pk>/", billing.denial_detail, name="denial-detail"),
    path("denials/<int:pk>/<str:action>/", billing.denial_action, name="denial-action"),
    *audit_urls.emergency_patterns,
]
