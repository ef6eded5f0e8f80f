"""The MSO portal (base domain)."""

from django.urls import include, path

from mso.accounts import views as accounts
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
    path("users/", accounts.user_list, name="user-list"),
    path("audit/", accounts.audit_list, name="audit-list"),
]
