from django import forms

from mso.tenancy.models import Practice

from .emergency import max_minutes
from .models import ReviewOutcome


class AuditSearchForm(forms.Form):
    user = forms.CharField(required=False, label="User (email)")
    practice = forms.ModelChoiceField(
        queryset=Practice.objects.tenants().order_by("name"), required=False
    )
    patient = forms.CharField(
        required=False,
        label="Patient (id, MRN or name)",
        help_text="Within the chosen practice.",
    )
    action = forms.CharField(required=False, label="Action", help_text="e.g. patient.view")
    object_type = forms.CharField(required=False, label="Object type")
    object_id = forms.CharField(required=False, label="Object id")
    request_id = forms.CharField(required=False, label="Request id")
    grant = forms.IntegerField(required=False, min_value=1, label="Emergency grant #")
    alerts = forms.BooleanField(required=False, label="Alerts only")
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("patient") and not data.get("practice"):
            self.add_error("practice", "Choose the practice the patient belongs to.")
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end is before the start.")
        return data


class EmergencyRequestForm(forms.Form):
    practice = forms.ModelChoiceField(queryset=Practice.objects.none())
    minutes = forms.IntegerField(min_value=1, initial=60, label="Duration (minutes)")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, practice=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].widget.attrs["max"] = max_minutes()
        self.fields["minutes"].help_text = f"At most {max_minutes()} minutes."
        if practice is not None:
            # On a practice's own host the practice is this one.
            del self.fields["practice"]
        else:
            self.fields["practice"].queryset = (
                Practice.objects.tenants().filter(kind="practice").ready().order_by("name")
            )


class EmergencyReviewForm(forms.Form):
    outcome = forms.ChoiceField(choices=ReviewOutcome.choices)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
