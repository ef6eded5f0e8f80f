"""The MSO portal (base domain)."""

from django.urls import include, path

from compliance import views as compliance
from contracts import views as contracts
from mso.accounts import views as accounts
from mso.audit import urls as audit_urls
from mso.tenancy import views as tenancy

from .urls_common import common_patterns

api_patterns = [path("api/v1/", include("mso.api.urls_public"))]

urlpatterns = [
    *common_patterns("mso.urls_public"),
    *api_patterns,
    path("", tenancy.portal_home, name="home"),
    path("dashboard/", tenancy.portfolio_dashboard, name="portfolio-dashboard"),
    path("practices/", tenancy.practice_list_page, name="practice-list"),
    path("practices/new/", tenancy.onboard_details, name="practice-onboard"),
    path("practices/new/owners/", tenancy.onboard_owners, name="practice-onboard-owners"),
    path("practices/<int:pk>/", tenancy.practice_detail, name="practice-detail"),
    path("practices/<int:pk>/open/", tenancy.practice_open, name="practice-open"),
    path("finance/", contracts.finance_dashboard, name="finance-dashboard"),
    path(
        "practices/<int:pk>/bank-account/",
        tenancy.practice_bank_account,
        name="practice-bank-account",
    ),
    path("contracts/", contracts.agreement_list, name="agreement-list"),
    path("contracts/rules-and-costs/", contracts.rules_and_costs, name="rules-and-costs"),
    path("fees/", contracts.fee_run_list, name="fee-run-list"),
    path("fees/<int:pk>/", contracts.fee_run_detail, name="fee-run-detail"),
    path("fees/<int:pk>/<str:action>/", contracts.fee_run_action, name="fee-run-action"),
    path(
        "fees/calculations/<int:pk>/approve/",
        contracts.calculation_approve,
        name="calculation-approve",
    ),
    path("invoices/", contracts.invoice_list, name="invoice-list"),
    path("invoices/<int:pk>/pdf/", contracts.invoice_pdf, name="invoice-pdf"),
    path("invoices/<int:pk>/<str:status>/", contracts.invoice_status, name="invoice-status"),
    path("compliance/", compliance.compliance_overview, name="compliance-overview"),
    path("exclusion-list/", compliance.exclusion_list_page, name="exclusion-list"),
    path("users/", accounts.user_list, name="user-list"),
    path("users/<int:pk>/<str:action>/", accounts.user_action, name="user-action"),
    *audit_urls.portal_patterns,
]
