from django.urls import path, re_path

from billing.api import views as billing
from compliance.api import views as compliance
from contracts.api import views as contracts
from hr.api import views as hr
from mso.accounts.api import views as accounts
from mso.api.errors import api_not_found
from mso.jobs.api.views import JobDetailApi
from mso.tenancy.api import views as tenancy
from practices.api import views as practices

urlpatterns = [
    path("me/", accounts.MeApi.as_view(), name="api-me"),
    path("practice/", tenancy.CurrentPracticeApi.as_view(), name="api-practice-current"),
    path("memberships/", accounts.MembershipListApi.as_view(), name="api-membership-list"),
    path(
        "memberships/<int:pk>/",
        accounts.MembershipDetailApi.as_view(),
        name="api-membership-detail",
    ),
    path("invitations/", accounts.InvitationCreateApi.as_view(), name="api-invitation-create"),
    path("tokens/", accounts.TokenListApi.as_view(), name="api-token-list"),
    path("tokens/<int:pk>/revoke/", accounts.TokenRevokeApi.as_view(), name="api-token-revoke"),
    path("locations/", practices.LocationListApi.as_view(), name="api-location-list"),
    path("locations/<int:pk>/", practices.LocationDetailApi.as_view(), name="api-location-detail"),
    path("jobs/<uuid:job_id>/", JobDetailApi.as_view(), name="api-job-detail"),
    path("payers/", practices.PayerListApi.as_view(), name="api-payer-list"),
    path("providers/", practices.ProviderListApi.as_view(), name="api-provider-list"),
    path("providers/<int:pk>/", practices.ProviderDetailApi.as_view(), name="api-provider-detail"),
    path("patients/", practices.PatientListApi.as_view(), name="api-patient-list"),
    path("patients/<int:pk>/", practices.PatientDetailApi.as_view(), name="api-patient-detail"),
    path("enrollments/", practices.EnrollmentListApi.as_view(), name="api-enrollment-list"),
    path("coverages/", practices.CoverageCreateApi.as_view(), name="api-coverage-create"),
    path("hr/employees/", hr.EmployeeListApi.as_view(), name="api-employee-list"),
    path("hr/employees/<int:pk>/", hr.EmployeeDetailApi.as_view(), name="api-employee-detail"),
    path(
        "compliance/screenings/",
        compliance.ExclusionScreeningListApi.as_view(),
        name="api-screening-list",
    ),
    path(
        "compliance/credentials/",
        compliance.CredentialListApi.as_view(),
        name="api-credential-list",
    ),
    path(
        "compliance/credentials/<int:pk>/",
        compliance.CredentialDetailApi.as_view(),
        name="api-credential-detail",
    ),
    path("compliance/incidents/", compliance.IncidentListApi.as_view(), name="api-incident-list"),
    path(
        "compliance/incidents/<int:pk>/",
        compliance.IncidentDetailApi.as_view(),
        name="api-incident-detail",
    ),
    path(
        "compliance/incidents/<int:pk>/<str:action>/",
        compliance.IncidentActionApi.as_view(),
        name="api-incident-action",
    ),
    path("compliance/policies/", compliance.PolicyListApi.as_view(), name="api-policy-list"),
    path(
        "compliance/policies/<int:pk>/",
        compliance.PolicyDetailApi.as_view(),
        name="api-policy-detail",
    ),
    path(
        "compliance/policies/<int:pk>/<str:action>/",
        compliance.PolicyActionApi.as_view(),
        name="api-policy-action",
    ),
    path(
        "compliance/matches/",
        compliance.ExclusionMatchListApi.as_view(),
        name="api-exclusion-match-list",
    ),
    path(
        "compliance/matches/<int:pk>/decide/",
        compliance.ExclusionMatchDecideApi.as_view(),
        name="api-exclusion-match-decide",
    ),
    path("coverages/<int:pk>/", practices.CoverageDetailApi.as_view(), name="api-coverage-detail"),
    path("encounters/", billing.EncounterListApi.as_view(), name="api-encounter-list"),
    path("encounters/<int:pk>/", billing.EncounterDetailApi.as_view(), name="api-encounter-detail"),
    path("coding-queries/", billing.CodingQueryListApi.as_view(), name="api-coding-query-list"),
    path(
        "coding-queries/<int:pk>/decide/",
        billing.CodingQueryDecideApi.as_view(),
        name="api-coding-query-decide",
    ),
    path("claims/", billing.ClaimListApi.as_view(), name="api-claim-list"),
    path("claims/<int:pk>/", billing.ClaimDetailApi.as_view(), name="api-claim-detail"),
    path("claims/<int:pk>/scrub/", billing.ClaimScrubApi.as_view(), name="api-claim-scrub"),
    path("claims/<int:pk>/correct/", billing.ClaimCorrectApi.as_view(), name="api-claim-correct"),
    path("claims/<int:pk>/void/", billing.ClaimVoidApi.as_view(), name="api-claim-void"),
    path("batches/", billing.BatchListApi.as_view(), name="api-batch-list"),
    path("batches/<int:pk>/", billing.BatchDetailApi.as_view(), name="api-batch-detail"),
    path("batches/<int:pk>/file/", billing.BatchFileApi.as_view(), name="api-batch-file"),
    path("remittances/", billing.RemittanceListApi.as_view(), name="api-remittance-list"),
    path(
        "remittances/<int:pk>/", billing.RemittanceDetailApi.as_view(), name="api-remittance-detail"
    ),
    path("denials/", billing.DenialListApi.as_view(), name="api-denial-list"),
    path("denials/<int:pk>/", billing.DenialDetailApi.as_view(), name="api-denial-detail"),
    path("kpis/", billing.KpiApi.as_view(), name="api-kpis"),
    path("invoices/", contracts.InvoiceListApi.as_view(), name="api-invoice-list"),
    path("patient-payments/", billing.PatientPaymentApi.as_view(), name="api-patient-payment-list"),
    path("fee-schedules/", billing.FeeScheduleListApi.as_view(), name="api-fee-schedule-list"),
    path(
        "acknowledgements/",
        billing.AcknowledgementListApi.as_view(),
        name="api-acknowledgement-list",
    ),
    # Last: unknown API paths answer a JSON 404.
    re_path(r"", api_not_found, name="api-not-found"),
]
