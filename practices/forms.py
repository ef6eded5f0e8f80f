from django import forms

from .models import Coverage, Location, Patient, Provider


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = [
            "name",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "zip_code",
            "phone",
            "place_of_service",
            "npi",
            "is_active",
        ]


class ProviderForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = ["first_name", "last_name", "credential", "npi", "taxonomy"]


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "mrn",
            "first_name",
            "middle_name",
            "last_name",
            "birth_date",
            "sex",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "zip_code",
            "phone",
            "ssn",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"ssn": "Optional. Stored encrypted and shown as ***-**-1234."}


class CoverageForm(forms.ModelForm):
    class Meta:
        model = Coverage
        fields = [
            "payer",
            "priority",
            "member_id",
            "group_number",
            "relationship",
            "subscriber_first_name",
            "subscriber_last_name",
            "subscriber_birth_date",
            "subscriber_sex",
            "effective_from",
            "effective_to",
        ]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"})
            for f in ("subscriber_birth_date", "effective_from", "effective_to")
        }
