from django.urls import path

from mso.accounts.api import views as accounts
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
]
