from django import forms

from .choices import DECISIONS


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
