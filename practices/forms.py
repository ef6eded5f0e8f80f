from django import forms

from .models import Coverage, Location, Patient, Provider
from .services import COVERAGE_FIELDS, LOCATION_FIELDS, PATIENT_FIELDS, PROVIDER_FIELDS


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = LOCATION_FIELDS


class ProviderForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = ["first_name", "last_name", "credential", "npi", "taxonomy"]


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        # The EHR's id is set by the EHR (API) when a patient is added; editing may correct it.
        fields = [*(f for f in PATIENT_FIELDS if f != "external_id"), "ssn"]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"ssn": "Optional. Stored encrypted and shown as ***-**-1234."}
        labels = {"address_line1": "Address line 1", "address_line2": "Address line 2"}


class CoverageForm(forms.ModelForm):
    class Meta:
        model = Coverage
        fields = [f for f in COVERAGE_FIELDS if f != "is_active"]  # a new coverage is active
        widgets = {
            f: forms.DateInput(attrs={"type": "date"})
            for f in ("subscriber_birth_date", "effective_from", "effective_to")
        }


class ProviderEditForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = PROVIDER_FIELDS


class PatientEditForm(PatientForm):
    """The demographics of a patient on file. The SSN on file is never put in the page: a new
    one replaces it, a blank field keeps it."""

    remove_ssn = forms.BooleanField(label="Remove the SSN on file", required=False)

    class Meta(PatientForm.Meta):
        fields = [*PATIENT_FIELDS, "ssn"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The SSN input never renders a value (see EncryptedTextField.formfield).
        self.fields["ssn"].required = False
        self.fields[
            "ssn"
        ].help_text = "Leave blank to keep the SSN on file; enter a new one to replace it."
        if not self.instance.ssn:
            del self.fields["remove_ssn"]


class CoverageEditForm(CoverageForm):
    class Meta(CoverageForm.Meta):
        fields = COVERAGE_FIELDS
        labels = {"is_active": "Active (untick to end this coverage)"}
