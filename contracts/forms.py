from django import forms

from mso.tenancy.models import Practice

from .choices import FeeModel, HybridBasis, Service

DATE = forms.DateInput(attrs={"type": "date"})


class AgreementForm(forms.Form):
    practice = forms.ModelChoiceField(queryset=Practice.objects.practices().ready())
    title = forms.CharField(initial="Management Services Agreement")
    effective_date = forms.DateField(widget=DATE)
    term_months = forms.IntegerField(min_value=1, initial=36)
    auto_renew = forms.BooleanField(required=False, initial=True)
    notice_days = forms.IntegerField(min_value=0, initial=90)
    services = forms.MultipleChoiceField(
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Service.REVENUE_CYCLE],
    )
    fee_model = forms.ChoiceField(choices=FeeModel.choices)
    fixed_amount = forms.DecimalField(
        max_digits=14, decimal_places=2, required=False, label="Fixed monthly fee / base"
    )
    rate = forms.DecimalField(
        max_digits=9,
        decimal_places=4,
        required=False,
        label="Percentage",
        help_text="e.g. 6.5 for 6.5%",
    )
    hybrid_basis = forms.ChoiceField(choices=[("", "—"), *HybridBasis.choices], required=False)
    markup = forms.DecimalField(
        max_digits=9, decimal_places=4, required=False, label="Cost-plus markup %"
    )
    floor = forms.DecimalField(
        max_digits=14, decimal_places=2, required=False, label="Monthly floor"
    )
    cap = forms.DecimalField(max_digits=14, decimal_places=2, required=False, label="Monthly cap")
    excluded_codes = forms.CharField(
        required=False,
        label="Excluded procedure codes",
        help_text="CPT/HCPCS codes or ranges kept out of the basis, e.g. 80047-89398, J0120-J9999",
    )
    excluded_revenue = forms.CharField(required=False, label="Why excluded (MSA clause)")
    legal_signoff_note = forms.CharField(
        required=False,
        label="Legal sign-off (if required)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    fmv_valuer = forms.CharField(label="FMV valuer")
    fmv_opinion_date = forms.DateField(widget=DATE, label="FMV opinion date")
    fmv_annual_low = forms.DecimalField(
        max_digits=14, decimal_places=2, label="FMV annual fee, low"
    )
    fmv_annual_high = forms.DecimalField(
        max_digits=14, decimal_places=2, label="FMV annual fee, high"
    )
    fmv_expires_on = forms.DateField(widget=DATE, label="FMV opinion expires")


class FeeRunForm(forms.Form):
    period = forms.DateField(
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text="The month to compute",
    )


class FlagApprovalForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Why this fee is acceptable"
    )


class StateRuleForm(forms.Form):
    state = forms.CharField(max_length=2)
    status = forms.ChoiceField(choices=[("restricted", "Restricted"), ("allowed", "Allowed")])
    note = forms.CharField(required=False)


class CostEntryForm(forms.Form):
    practice = forms.ModelChoiceField(queryset=Practice.objects.practices())
    period = forms.DateField(
        widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    description = forms.CharField()
    amount = forms.DecimalField(max_digits=14, decimal_places=2)
