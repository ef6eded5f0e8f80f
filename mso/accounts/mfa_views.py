"""Second-factor pages: the code step of sign-in, enrolment, and the account's security
settings."""

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from mso.forms import apply_errors

from . import lockout, mfa
from .decorators import require
from .exceptions import AccountsError
from .forms import CodeForm, SecurityActionForm
from .policy import Action
from .sessions import MFA_KEY, REENROL_UNTIL_KEY, pending_clear, pending_user, session_complete

REENROL_WINDOW = 5 * 60


def _start_again(request):
    messages.info(request, "Please sign in.")
    return redirect("login")


def _locked(request, user):
    pending_clear(request)
    if request.user.is_authenticated:
        logout(request)
    return lockout.lockout_response(request, user)


@require_http_methods(["GET", "POST"])
def mfa_verify(request):
    """Sign-in step two for a user with an authenticator: a TOTP or a recovery code."""
    user = pending_user(request)
    if user is None:
        return _start_again(request)
    if lockout.is_locked(request, user):
        return _locked(request, user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        method = mfa.mfa_verify(user=user, code=form.cleaned_data["code"])
        if method is not None:
            next_url = session_complete(request, user, method=method)
            if method == "recovery":
                left = mfa.recovery_codes_left(user)
                messages.warning(
                    request, f"You used a recovery code: {left} left. Make new ones if low."
                )
            return redirect(next_url)
        if lockout.second_factor_failed(request, user):
            return _locked(request, user)
        form.add_error("code", mfa.WRONG_CODE)
    return render(
        request, "registration/mfa_verify.html", {"form": form, "pending_email": user.email}
    )


def _reenrol_allowed(request) -> bool:
    return request.session.get(REENROL_UNTIL_KEY, 0) > time.time()


@require_http_methods(["GET", "POST"])
def mfa_enrol(request):
    """Set up an authenticator. During sign-in (MSO roles must have one) or from the
    security page. Never a way around an existing device: that needs its current code."""
    pending = not request.user.is_authenticated
    if pending:
        user = pending_user(request)
        if user is None:
            return _start_again(request)
        if mfa.has_device(user):
            return redirect("mfa-verify")
        if lockout.is_locked(request, user):
            return _locked(request, user)
    else:
        user = request.user
        if mfa.has_device(user) and not _reenrol_allowed(request):
            messages.error(request, "Confirm with a current code before setting up a new app.")
            return redirect("account-security")
    device = mfa.totp_pending_device(user) or mfa.totp_enrol_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.totp_enrol_confirm(user=user, code=form.cleaned_data["code"])
        except AccountsError as exc:
            apply_errors(form, exc.errors)
            if lockout.second_factor_failed(request, user):
                return _locked(request, user)
        else:
            if pending:
                next_url = session_complete(request, user, method="totp")
            else:
                request.session[MFA_KEY] = "totp"
                request.session.pop(REENROL_UNTIL_KEY, None)
                next_url = reverse("account-security")
            return render(
                request,
                "registration/mfa_recovery_codes.html",
                {"codes": codes, "next_url": next_url, "enrolled": True},
            )
    context = {"form": form, "pending": pending, **mfa.enrolment_view_data(device)}
    return render(request, "registration/mfa_enrol.html", context)


@require(Action.ACCOUNT_SECURITY)
@require_http_methods(["GET", "POST"])
def account_security(request):
    """Two-step verification status; re-enrol, regenerate recovery codes or turn it off
    (each confirmed with a current code)."""
    user = request.user
    form = SecurityActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.mfa_verify(user=user, code=form.cleaned_data["code"]) is None:
            if lockout.second_factor_failed(request, user):
                return _locked(request, user)
            form.add_error("code", mfa.WRONG_CODE)
        else:
            action = form.cleaned_data["action"]
            if action == "reenrol":
                request.session[REENROL_UNTIL_KEY] = time.time() + REENROL_WINDOW
                mfa.totp_enrol_start(user=user)
                return redirect("mfa-enrol")
            if action == "recovery":
                codes = mfa.recovery_codes_regenerate(user=user)
                return render(
                    request,
                    "registration/mfa_recovery_codes.html",
                    {"codes": codes, "next_url": reverse("account-security")},
                )
            try:
                mfa.mfa_disable(user=user, actor=user)
            except AccountsError as exc:
                apply_errors(form, exc.errors)
            else:
                messages.success(request, "Two-step verification is off.")
                return redirect("account-security")
    device = mfa.confirmed_device(user)
    context = {
        "form": form,
        "device": device,
        "mandatory": mfa.mfa_mandatory(user),
        "recovery_left": mfa.recovery_codes_left(user) if device else 0,
    }
    return render(request, "accounts/security.html", context)
