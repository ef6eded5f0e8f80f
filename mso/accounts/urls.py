"""Sign-in steps, password reset and the account's security page (every host)."""

from django.urls import path

from . import mfa_views, views

urlpatterns = [
    path("mfa/", mfa_views.mfa_verify, name="mfa-verify"),
    path("mfa/setup/", mfa_views.mfa_enrol, name="mfa-enrol"),
    path("security/", mfa_views.account_security, name="account-security"),
    path("password-reset/", views.ResetRequestView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.ResetSentView.as_view(), name="password-reset-done"),
    path(
        "reset/<uidb64>/<token>/",
        views.ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", views.ResetCompleteView.as_view(), name="password-reset-complete"),
]
