"""A practice's own host (<slug>.<base domain>)."""

from django.urls import include, path

from mso.accounts import views as accounts
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
]
