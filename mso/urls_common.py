"""Routes every host serves: sign-in/out, invitations, job progress, API docs, health."""

from django.http import JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from mso.accounts import views as accounts
from mso.jobs.views import job_progress


def healthz(request):
    return JsonResponse({"status": "ok"})


def common_patterns(api_urlconf: str) -> list:
    return [
        path("healthz", healthz, name="healthz"),
        path("accounts/login/", accounts.SignInView.as_view(), name="login"),
        path("accounts/logout/", accounts.SignOutView.as_view(), name="logout"),
        path("accounts/", include("mso.accounts.urls")),
        path(
            "accounts/invitation/<str:secret>/",
            accounts.invitation_accept,
            name="invitation-accept",
        ),
        path("jobs/<uuid:job_id>/progress/", job_progress, name="job-progress"),
        path("api/schema/", SpectacularAPIView.as_view(urlconf=api_urlconf), name="api-schema"),
        path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    ]
