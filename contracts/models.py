"""Management Services Agreements (public schema): what each practice owes the MSO."""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from mso.money import money_field, rate_field

from .choices import FeeModel, HybridBasis, InvoiceStatus, RunStatus


class Agreement(models.Model):
    practice = models.ForeignKey(
        "tenancy.Practice", on_delete=models.PROTECT, related_name="agreements"
    )
    title = models.CharField(max_length=200, default="Management Services Agreement")
    effective_date = models.DateField()
    term_months = models.PositiveIntegerField(default=36)
    auto_renew = models.BooleanField(default=True)
    notice_days = models.PositiveIntegerField(default=90)
    terminated_on = models.DateField(null=True, blank=True)
    services = ArrayField(models.CharField(max_length=30), default=list)
    fee_model = models.CharField(max_length=30, choices=FeeModel.choices)
    fixed_amount = money_field(null=True, blank=True)
    rate = rate_field(null=True, blank=True, help_text="Percent, e.g. 6.5000")
    hybrid_basis = models.CharField(max_length=20, choices=HybridBasis.choices, blank=True)
    markup = rate_field(null=True, blank=True, help_text="Cost-plus markup, percent")
    floor = money_field(null=True, blank=True)
    cap = money_field(null=True, blank=True)
    excluded_codes = ArrayField(
        models.CharField(max_length=11),
        default=list,
        blank=True,
        help_text="CPT/HCPCS codes and ranges kept out of the fee basis, e.g. 80047-89398.",
    )
    excluded_revenue = models.TextField(
        blank=True, help_text="Why those lines are excluded (the MSA clause)."
    )
    legal_signoff_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_signoff_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["practice__name", "-effective_date"]

    def __str__(self) -> str:
        return f"{self.title} — {self.practice} from {self.effective_date}"


class FmvOpinion(models.Model):
    """A fair-market-value opinion: the annual fee range an independent valuer supports."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="fmv_opinions")
    valuer = models.CharField(max_length=200)
    opinion_date = models.DateField()
    annual_low = money_field()
    annual_high = money_field()
    expires_on = models.DateField()

    class Meta:
        ordering = ["-opinion_date"]

    def __str__(self) -> str:
        return f"FMV {self.annual_low} to {self.annual_high} by {self.valuer}"


class StateFeeRule(models.Model):
    """Where percentage fees may be fee-splitting. Data an MSO admin edits; not legal advice."""

    state = models.CharField(max_length=2, unique=True)
    status = models.CharField(
        max_length=12, choices=[("restricted", "Restricted"), ("allowed", "Allowed")]
    )
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["state"]

    def __str__(self) -> str:
        return f"{self.state}: {self.status}"


class CostEntry(models.Model):
    """The MSO's documented cost of serving a practice in a month (basis of cost-plus)."""

    practice = models.ForeignKey(
        "tenancy.Practice", on_delete=models.CASCADE, related_name="mso_costs"
    )
    period = models.DateField(help_text="First day of the month")
    description = models.CharField(max_length=200)
    amount = money_field()

    class Meta:
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"{self.practice} {self.period:%Y-%m}: {self.amount}"


class FeeRun(models.Model):
    period = models.DateField(unique=True, help_text="First day of the month")
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.RUNNING)
    job = models.ForeignKey(
        "jobs.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    failures = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"Fee run {self.period:%Y-%m}"


class FeeCalculation(models.Model):
    """The fee of one agreement for one month, with the formula lines and inputs behind it.
    A re-run after late postings updates it (if not invoiced) or adds a true-up."""

    run = models.ForeignKey(FeeRun, on_delete=models.CASCADE, related_name="calculations")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="calculations")
    period = models.DateField()
    total = money_field()
    annualised = money_field()
    lines = models.JSONField(default=list)
    inputs = models.JSONField(default=dict)
    flags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    flag_approved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    flag_approval_note = models.TextField(blank=True)
    true_up = money_field(default=0, help_text="Change since the amount already invoiced")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agreement__practice__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "period"], name="one_calculation_per_agreement_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.practice} {self.period:%Y-%m}: {self.total}"

    @property
    def needs_approval(self) -> bool:
        return bool(self.flags) and self.flag_approved_by_id is None


class Invoice(models.Model):
    number = models.CharField(max_length=30, unique=True)
    calculation = models.ForeignKey(
        FeeCalculation, on_delete=models.PROTECT, related_name="invoices"
    )
    practice = models.ForeignKey(
        "tenancy.Practice", on_delete=models.PROTECT, related_name="invoices"
    )
    period = models.DateField()
    amount = money_field()
    is_true_up = models.BooleanField(default=False)
    status = models.CharField(
        max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED
    )
    pdf = models.BinaryField()
    issued_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period", "number"]

    def __str__(self) -> str:
        return f"Invoice {self.number}"
