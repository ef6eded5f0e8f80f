from django import forms

from practices.models import Provider

from .choices import DECISIONS
from .models import Credential
from .services import CREDENTIAL_FIELDS


class ExclusionListUploadForm(forms.Form):
    file = forms.FileField(
        label="LEIE file (CSV)",
        help_text="The OIG's full list, UPDATED.csv from oig.hhs.gov/exclusions. It replaces "
        "the current list.",
    )


class MatchDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(d.value, d.label) for d in DECISIONS])
    note = forms.CharField(
        label="How you decided",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What you compared (NPI registry, license, date of birth, address) and where.",
    )


class CredentialForm(forms.ModelForm):
    class Meta:
        model = Credential
        fields = list(CREDENTIAL_FIELDS)
        widgets = {f: forms.DateInput(attrs={"type": "date"}) for f in ("issued_on", "expires_on")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(is_active=True)


class CredentialVerifyForm(forms.Form):
    source = forms.CharField(
        label="Verified at",
        max_length=200,
        help_text="The primary source you checked, e.g. NY Office of the Professions lookup.",
    )
