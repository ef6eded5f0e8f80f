from django import forms
from django.contrib.auth.forms import AuthenticationForm

from mso.tenancy.context import request_practice
from mso.tenancy.models import Practice

from . import policy
from .choices import Role
from .scopes import SCOPE_CHOICES


class HostAuthenticationForm(AuthenticationForm):
    """Sign-in that also checks the user belongs on this host."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        practice = request_practice(self.request)
        if practice is not None:
            if not policy.can(user, policy.Action.PRACTICE_VIEW, practice):
                raise forms.ValidationError(
                    f"Your account has no access to {practice.name}.", code="no_access"
                )
        elif not policy.mso_roles(user):
            raise forms.ValidationError(
                "This is the MSO portal. Sign in at your practice's own address.", code="not_mso"
            )


class InvitationForm(forms.Form):
    email = forms.EmailField()
    practice = forms.ModelChoiceField(queryset=Practice.objects.none(), required=False)
    role = forms.ChoiceField(choices=())

    def __init__(self, *args, user, practice=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.host_practice = practice
        if practice is not None:
            del self.fields["practice"]
            self.fields["role"].choices = [
                (r, Role(r).label) for r in policy.grantable_roles(user, practice)
            ]
        else:
            visible = policy.visible_practice_ids(user)
            queryset = Practice.objects.tenants().ready()
            if visible is not None:
                queryset = queryset.filter(pk__in=visible)
            self.fields["practice"].queryset = queryset
            self.fields["practice"].required = True
            self.fields["role"].choices = Role.choices


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(max_length=200, required=False)
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses this token, e.g. 'EHR sync'.")
    user = forms.ChoiceField(label="Integrator", choices=())
    scopes = forms.MultipleChoiceField(choices=SCOPE_CHOICES, widget=forms.CheckboxSelectMultiple)
    expires_at = forms.DateTimeField(
        required=False,
        help_text="Optional, e.g. 2027-06-30 17:00",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, integrators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(u.pk, u.email) for u in integrators]


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=24,
        help_text="The 6-digit code from your authenticator app, or a recovery code.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class SecurityActionForm(CodeForm):
    # Sent by the button pressed.
    action = forms.ChoiceField(
        choices=[("reenrol", "Re-enrol"), ("disable", "Turn off"), ("recovery", "New codes")]
    )
