from django import forms

from practices.models import Provider

from .choices import DECISIONS, NoticeAudience, PolicyCategory
from .models import Credential, SecurityIncident
from .services import CREDENTIAL_FIELDS
from .services.incidents import INCIDENT_FIELDS, OUTCOMES


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


class IncidentReportForm(forms.ModelForm):
    class Meta:
        model = SecurityIncident
        fields = list(INCIDENT_FIELDS)
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}),
            "discovered_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }


class IncidentAssessForm(forms.Form):
    phi_involved = forms.BooleanField(
        label="Protected health information was involved", required=False
    )
    individuals_affected = forms.IntegerField(min_value=0, initial=0)
    largest_state_count = forms.IntegerField(
        label="Most residents of one state",
        min_value=0,
        required=False,
        help_text="Blank: all in one state. Media notice is due over 500 in a state.",
    )
    factor_phi = forms.CharField(
        label="1. Nature and extent of the PHI", widget=forms.Textarea(attrs={"rows": 2})
    )
    factor_recipient = forms.CharField(
        label="2. Who received or used it", widget=forms.Textarea(attrs={"rows": 2})
    )
    factor_acquired = forms.CharField(
        label="3. Whether it was actually acquired or viewed",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    factor_mitigation = forms.CharField(
        label="4. How far the risk was mitigated", widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.ChoiceField(
        choices=[(o.value, o.label) for o in OUTCOMES], widget=forms.RadioSelect
    )


class BreachNoticeForm(forms.Form):
    audience = forms.ChoiceField(choices=NoticeAudience.choices)
    sent_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.CharField(max_length=200, help_text="First-class mail, HHS breach portal ...")
    recipients = forms.IntegerField(min_value=0, required=False)


class PolicyForm(forms.Form):
    code = forms.CharField(max_length=30, help_text="e.g. HIPAA-PRIV-01")
    title = forms.CharField(max_length=200)
    category = forms.ChoiceField(choices=PolicyCategory.choices)
    review_months = forms.IntegerField(min_value=1, max_value=36, initial=12)
    effective_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    body = forms.CharField(label="Policy text", widget=forms.Textarea(attrs={"rows": 8}))


class PolicyVersionForm(forms.Form):
    effective_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    changes = forms.CharField(label="What changed", max_length=300)
    body = forms.CharField(label="Policy text", widget=forms.Textarea(attrs={"rows": 10}))
