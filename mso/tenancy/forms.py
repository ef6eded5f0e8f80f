from django import forms
from django.forms import formset_factory

from mso.geo import STATE_CHOICES

from .rules import OwnerInput, PracticeInput
from .services import practice_validate

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class PracticeDetailsForm(forms.Form):
    """Step 1 of onboarding: the Friendly PC itself."""

    name = forms.CharField(
        label="Legal name", max_length=200, help_text="As registered with the Secretary of State."
    )
    slug = forms.CharField(
        label="Sub-domain",
        max_length=40,
        help_text="Lowercase letters, digits and hyphens: <slug>.localhost",
    )
    state = forms.ChoiceField(
        label="State of incorporation", choices=[("", "Choose a state"), *STATE_CHOICES]
    )
    group_npi = forms.CharField(label="Group NPI", max_length=10)
    tin = forms.CharField(label="TIN (EIN)", max_length=11, help_text="e.g. 12-3456789")

    def clean(self):
        data = super().clean()
        if not self.errors:
            errors = practice_validate(self.to_input(owners=[])).practice
            for name, messages in errors.items():
                for message in messages:
                    self.add_error(name, message)
        return data

    def to_input(self, owners: list[OwnerInput]) -> PracticeInput:
        data = self.cleaned_data
        return PracticeInput(
            name=data["name"],
            slug=data["slug"].strip().lower(),
            state=data["state"],
            group_npi=data["group_npi"].strip(),
            tin=data["tin"],
            owners=owners,
        )


class OwnerForm(forms.Form):
    full_name = forms.CharField(label="Physician", max_length=200)
    npi = forms.CharField(label="NPI", max_length=10, required=False)
    license_state = forms.ChoiceField(
        label="License state", choices=[("", "State"), *STATE_CHOICES]
    )
    license_number = forms.CharField(label="License number", max_length=40)
    license_expiry = forms.DateField(label="License expires", widget=DATE_INPUT)
    share_percent = forms.DecimalField(
        label="Share %", max_digits=7, decimal_places=4, min_value=0, max_value=100
    )

    # Business rules (expiry, shares, licensing) are checked together with the whole
    # ownership by the onboarding service, so every problem is reported in one pass.

    def to_input(self) -> OwnerInput:
        data = self.cleaned_data
        return OwnerInput(
            full_name=data["full_name"],
            npi=data.get("npi") or "",
            license_state=data["license_state"],
            license_number=data["license_number"],
            license_expiry=data["license_expiry"],
            share_percent=data["share_percent"],
        )


OwnerFormSet = formset_factory(
    OwnerForm, extra=1, min_num=1, validate_min=True, max_num=20, validate_max=True
)


class BankAccountForm(forms.Form):
    """The practice's account for ACH fee collection. The account number is never rendered
    back: changing any detail means entering it again."""

    holder = forms.CharField(label="Account holder", max_length=22)
    routing_number = forms.CharField(label="ABA routing number", max_length=11)
    account_type = forms.ChoiceField(
        label="Account type", choices=[("checking", "Checking"), ("savings", "Savings")]
    )
    account_number = forms.CharField(
        label="Account number",
        max_length=20,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted; shown as ****1234.",
    )

    def to_input(self):
        from .banking import BankAccountInput

        return BankAccountInput(**self.cleaned_data)
