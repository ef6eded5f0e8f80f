from django import forms

from .models import Employee
from .services import EMPLOYEE_FIELDS


class EmployeeForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = [*EMPLOYEE_FIELDS, "ssn"]
        widgets = {f: forms.DateInput(attrs={"type": "date"}) for f in ("birth_date", "hire_date")}
        help_texts = {"ssn": "Optional until payroll. Stored encrypted, shown as ***-**-1234."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The SSN input never renders a value (see EncryptedTextField.formfield).
        self.fields["ssn"].required = False
        if self.instance.pk:
            self.fields["ssn"].help_text = "Leave blank to keep the SSN on file."


class TerminationForm(forms.Form):
    termination_date = forms.DateField(
        label="Last day", widget=forms.DateInput(attrs={"type": "date"})
    )


class RehireForm(forms.Form):
    hire_date = forms.DateField(
        label="Starts again on", widget=forms.DateInput(attrs={"type": "date"})
    )
