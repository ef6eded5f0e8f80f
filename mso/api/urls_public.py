from django.urls import path, re_path

from contracts.api import views as contracts
from mso.accounts.api import views as accounts
from mso.api.errors import api_not_found
from mso.jobs.api.views import JobDetailApi
from mso.tenancy.api import views as tenancy

urlpatterns = [
    path("me/", accounts.MeApi.as_view(), name="api-me"),
    path("practices/", tenancy.PracticeListApi.as_view(), name="api-practice-list"),
    path("practices/<int:pk>/", tenancy.PracticeDetailApi.as_view(), name="api-practice-detail"),
    path("memberships/", accounts.MembershipListApi.as_view(), name="api-membership-list"),
    path(
        "memberships/<int:pk>/",
        accounts.MembershipDetailApi.as_view(),
        name="api-membership-detail",
    ),
    path("invitations/", accounts.InvitationCreateApi.as_view(), name="api-invitation-create"),
    path("jobs/<uuid:job_id>/", JobDetailApi.as_view(), name="api-job-detail"),
    path("agreements/", contracts.AgreementListApi.as_view(), name="api-agreement-list"),
    path("fee-runs/", contracts.FeeRunListApi.as_view(), name="api-fee-run-list"),
    path(
        "fee-runs/<int:pk>/approve/",
        contracts.FeeRunApproveApi.as_view(),
        name="api-fee-run-approve",
    ),
    path("invoices/", contracts.InvoiceListApi.as_view(), name="api-invoice-list"),
    # Last: unknown API paths answer a JSON 404.
    re_path(r"", api_not_found, name="api-not-found"),
]
