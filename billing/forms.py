from django import forms
from django.forms import formset_factory

from practices.models import Location, Patient, Provider

DATE = forms.DateInput(attrs={"type": "date"})


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.replace(";", ",").split(",") if c.strip()]


class EncounterForm(forms.Form):
    patient = forms.ModelChoiceField(queryset=Patient.objects.all())
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.filter(is_active=True), label="Rendering provider"
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True), required=False
    )
    date_of_service = forms.DateField(widget=DATE)
    place_of_service = forms.CharField(max_length=2, initial="11")
    diagnosis_codes = forms.CharField(
        label="Diagnoses (ICD-10-CM)", help_text="Principal first, comma separated: E11.9, I10"
    )
    external_id = forms.CharField(required=False, label="EHR visit id")

    def clean_diagnosis_codes(self):
        return _codes(self.cleaned_data["diagnosis_codes"])


class EncounterLineForm(forms.Form):
    procedure_code = forms.CharField(max_length=5, label="CPT/HCPCS")
    modifiers = forms.CharField(required=False, help_text="e.g. 25, 59")
    units = forms.DecimalField(max_digits=7, decimal_places=2, initial=1)
    charge = forms.DecimalField(
        max_digits=14, decimal_places=2, required=False, help_text="Blank: from the fee schedule"
    )
    diagnosis_pointers = forms.CharField(initial="1", help_text="e.g. 1, 2")

    def clean_modifiers(self):
        return _codes(self.cleaned_data["modifiers"])

    def clean_diagnosis_pointers(self):
        try:
            return [int(p) for p in _codes(self.cleaned_data["diagnosis_pointers"])]
        except ValueError:
            raise forms.ValidationError("Pointers are numbers, e.g. 1, 2.") from None


EncounterLineFormSet = formset_factory(
    EncounterLineForm, extra=1, min_num=1, validate_min=True, max_num=50, validate_max=True
)


class CodingQueryForm(forms.Form):
    question = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    proposed_diagnosis_codes = forms.CharField(
        required=False,
        label="Proposed diagnoses",
        help_text="The full list you propose, principal first (blank: no change)",
    )
    line_number = forms.IntegerField(
        required=False, min_value=1, help_text="Line to change (optional)"
    )
    procedure_code = forms.CharField(required=False, max_length=5, label="Proposed code")
    modifiers = forms.CharField(required=False, label="Proposed modifiers")

    def proposal(self) -> tuple[list[str] | None, list[dict]]:
        data = self.cleaned_data
        diagnoses = _codes(data["proposed_diagnosis_codes"]) or None
        lines = []
        if data.get("line_number"):
            change = {"line_number": data["line_number"]}
            if data["procedure_code"]:
                change["procedure_code"] = data["procedure_code"].strip().upper()
            if data["modifiers"]:
                change["modifiers"] = _codes(data["modifiers"])
            lines.append(change)
        return diagnoses, lines


class DecisionForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VoidForm(forms.Form):
    reason = forms.CharField()
    payer_claim_number = forms.CharField(required=False)


class CorrectForm(forms.Form):
    payer_claim_number = forms.CharField(required=False)


class AckUploadForm(forms.Form):
    file = forms.FileField(label="999 or 277CA file")


class DenialNoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2}))


class AppealForm(forms.Form):
    argument = forms.CharField(
        label="Why the payer should reconsider", widget=forms.Textarea(attrs={"rows": 4})
    )


class WriteOffForm(forms.Form):
    reason = forms.CharField(label="Write-off reason")


class PatientPaymentForm(forms.Form):
    kind = forms.ChoiceField(choices=[("payment", "Payment"), ("refund", "Refund")])
    amount = forms.DecimalField(max_digits=14, decimal_places=2)
    received_on = forms.DateField(widget=DATE, label="Date")
    method = forms.ChoiceField(
        choices=[("card", "Card"), ("cash", "Cash"), ("check", "Check"), ("ach", "Bank transfer")]
    )
    reference = forms.CharField(required=False, max_length=60)
