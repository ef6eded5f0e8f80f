from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.db import connection
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mso.audit.models import AuditEvent
from mso.audit.services import audit_record
from mso.errors import FieldErrors
from mso.forms import apply_errors
from mso.tenancy.context import request_practice

from . import policy, services
from .choices import MSO_ROLES
from .decorators import require
from .forms import HostAuthenticationForm, InvitationAcceptForm, InvitationForm
from .middleware import SESSION_SCHEMA_KEY
from .policy import Action
from .selectors import user_directory

BACKEND = "mso.accounts.backends.EmailBackend"


def _sign_in(request, user) -> None:
    """Log in and bind the new session to this host's schema."""
    login(request, user, backend=BACKEND)
    request.session[SESSION_SCHEMA_KEY] = connection.schema_name


class SignInView(LoginView):
    template_name = "registration/login.html"
    authentication_form = HostAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        _sign_in(self.request, form.get_user())
        audit_record(
            actor=form.get_user(),
            action="session.sign_in",
            object_type="session",
            practice=request_practice(self.request),
        )
        return redirect(self.get_success_url())


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
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept(
                secret=secret,
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
            )
        except FieldErrors as exc:
            apply_errors(form, exc.errors)
        else:
            if _belongs_here(request, membership.user):
                _sign_in(request, membership.user)
                messages.success(request, f"Welcome to {membership.practice.name}.")
                return redirect("home")
            return redirect("login")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


def handoff_redeem(request, secret):
    practice = request_practice(request)
    if practice is None:
        raise Http404
    user = services.handoff_redeem(secret=secret, practice=practice)
    if user is None:
        messages.error(request, "That sign-in link has expired. Please sign in.")
        return redirect("login")
    _sign_in(request, user)
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
        },
    )


@require(Action.AUDIT_VIEW)
def audit_list(request):
    events = AuditEvent.objects.all()
    filters = {
        "actor_label__icontains": request.GET.get("actor", ""),
        "action__startswith": request.GET.get("action", ""),
        "practice_schema": request.GET.get("practice", ""),
    }
    for lookup, value in filters.items():
        if value:
            events = events.filter(**{lookup: value})
    return render(
        request, "accounts/audit_list.html", {"events": events[:200], "filters": request.GET}
    )
