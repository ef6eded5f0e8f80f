from django.contrib import messages
from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods

from mso.audit.services import audit_record
from mso.errors import FieldErrors
from mso.forms import apply_errors
from mso.tenancy.context import request_practice

from . import lockout, mfa, policy, services
from .choices import MSO_ROLES
from .decorators import require
from .forms import HostAuthenticationForm, InvitationAcceptForm, InvitationForm
from .models import User, UserSession
from .policy import Action
from .selectors import user_directory
from .sessions import session_complete, sessions_end, sign_in_begin


class SignInView(LoginView):
    """Step one: the password. A user who needs a second factor continues to the code (or
    enrolment) page with a pending, not yet authenticated, session."""

    template_name = "registration/login.html"
    authentication_form = HostAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        _, target = sign_in_begin(self.request, form.get_user(), self.get_success_url())
        return redirect(target)


class SignOutView(LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            UserSession.objects.filter(session_key=request.session.session_key).delete()
            audit_record(
                actor=request.user,
                action="session.sign_out",
                object_type="session",
                practice=request_practice(request),
            )
        return super().post(request, *args, **kwargs)


class ResetRequestView(PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-done")


class ResetSentView(PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class ResetConfirmView(PasswordResetConfirmView):
    """A new password, never a session: the user signs in again and, if they need one,
    passes the second factor (post_reset_login stays False)."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        audit_record(actor=user, action="user.password_reset", obj=user, practice=None)
        sessions_end(user=user, actor=user, reason="password reset")
        return response


class ResetCompleteView(PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


def _belongs_here(request, user) -> bool:
    practice = request_practice(request)
    if practice is None:
        return bool(policy.mso_roles(user))
    return policy.can(user, Action.PRACTICE_VIEW, practice)


def _invited_here(request, invitation) -> bool:
    """An invitation opens only on the host its link names (api.views.invitation_link): the
    portal for MSO roles, else the invited practice's own host."""
    practice = request_practice(request)
    if invitation.practice.kind == "mso" or invitation.role in MSO_ROLES:
        return practice is None
    return practice is not None and practice.pk == invitation.practice_id


@require_http_methods(["GET", "POST"])
def invitation_accept(request, secret):
    invitation = services.invitation_find(secret=secret)
    if invitation is None or not _invited_here(request, invitation):
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(request.POST or None)
    # An existing account proves itself with its password here: the same lockout as sign-in.
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if request.method == "POST" and existing is not None and lockout.is_locked(request, existing):
        return lockout.lockout_response(request, existing)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept(
                secret=secret,
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
            )
        except FieldErrors as exc:
            apply_errors(form, exc.errors)
            wrong_password = existing is not None and "password" in exc.errors
            if wrong_password and lockout.credential_failed(request, existing):
                return lockout.lockout_response(request, existing)
        else:
            if _belongs_here(request, membership.user):
                messages.success(request, f"Welcome to {membership.practice.name}.")
                _, target = sign_in_begin(request, membership.user, reverse("home"))
                return redirect(target)
            return redirect("login")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


def handoff_redeem(request, secret):
    practice = request_practice(request)
    if practice is None:
        raise Http404
    handoff = services.handoff_redeem(secret=secret, practice=practice)
    if handoff is None:
        messages.error(request, "That sign-in link has expired. Please sign in.")
        return redirect("login")
    # The hand-off was issued to a fully signed-in portal session (second factor included);
    # the practice session keeps the portal's sign-in time (absolute lifetime).
    signed_in_at = handoff.signed_in_at.timestamp() if handoff.signed_in_at else None
    session_complete(request, handoff.user, method="handoff", signed_in_at=signed_in_at)
    return redirect("home")


@require(Action.USER_LIST)
def user_list(request):
    form = InvitationForm(request.POST or None, user=request.user)
    invitation_url = None
    if request.method == "POST" and form.is_valid():
        from .api.views import invitation_link

        try:
            invitation, secret = services.invitation_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                practice=form.cleaned_data["practice"],
                role=form.cleaned_data["role"],
            )
        except FieldErrors as exc:
            apply_errors(form, exc.errors)
        else:
            invitation_url = invitation_link(request, invitation, secret)
            messages.success(request, f"Invitation created for {invitation.email}.")
            form = InvitationForm(user=request.user)
    return render(
        request,
        "accounts/user_list.html",
        {
            "users": user_directory(),
            "form": form,
            "invitation_url": invitation_url,
            "locked": set(lockout.locked_usernames()),
            "can_manage": policy.can(request.user, Action.USER_MANAGE),
        },
    )


USER_ACTIONS = {
    "disable": lambda actor, user: services.user_deactivate(actor=actor, user=user),
    "enable": lambda actor, user: services.user_reactivate(actor=actor, user=user),
    "unlock": lambda actor, user: lockout.lockout_clear(actor=actor, email=user.email),
    # A lost phone: the authenticator and recovery codes go; the next sign-in enrols again.
    "reset-mfa": lambda actor, user: mfa.mfa_disable(user=user, actor=actor),
}


@require_http_methods(["POST"])
@require(Action.USER_MANAGE)
def user_action(request, pk, action):
    """Disable (every session ends), enable, unlock an account, or reset its two-step
    verification: MSO admins."""
    user = get_object_or_404(User, pk=pk)
    if action not in USER_ACTIONS:
        raise Http404
    try:
        USER_ACTIONS[action](request.user, user)
    except FieldErrors as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{user.email}: {action} done.")
    return redirect("user-list")
