"""Electronic remittance (835) posting: what each payer paid, adjusted and left to the patient,
plus provider-level adjustments (PLB) in their own ledger."""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from mso.money import money_field


class Remittance(models.Model):
    payer = models.ForeignKey(
        "reference.Payer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payer_name = models.CharField(max_length=120)
    payer_identifier = models.CharField(max_length=50, help_text="TRN03 / payer id")
    trace_number = models.CharField(max_length=50, help_text="TRN02: check or EFT number")
    payment_amount = money_field()
    payment_method = models.CharField(max_length=3, blank=True)
    payment_date = models.DateField(null=True, blank=True)
    file_name = models.CharField(max_length=200)
    content_sha256 = models.CharField(max_length=64)
    claim_count = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict)
    posted_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["payer_identifier", "trace_number"], name="one_remittance_per_payer_trace"
            ),
        ]

    def __str__(self) -> str:
        return f"ERA {self.trace_number} from {self.payer_name}"


class ClaimPayment(models.Model):
    """One CLP: the payer's adjudication of one claim. `claim` is empty when no claim of ours
    matched; those wait in the unmatched work queue."""

    remittance = models.ForeignKey(
        Remittance, on_delete=models.CASCADE, related_name="claim_payments"
    )
    claim = models.ForeignKey(
        "billing.Claim", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    patient_control_number = models.CharField(max_length=38)
    status_code = models.CharField(max_length=2)
    charge = money_field()
    paid = money_field()
    patient_responsibility = money_field()
    payer_claim_number = models.CharField(max_length=50, blank=True)
    remark_codes = ArrayField(models.CharField(max_length=8), default=list, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_note = models.TextField(blank=True)

    class Meta:
        ordering = ["remittance", "id"]
        indexes = [models.Index(fields=["patient_control_number"])]

    def __str__(self) -> str:
        return f"{self.patient_control_number}: paid {self.paid}"

    @property
    def is_reversal(self) -> bool:
        return self.status_code == "22"


class LinePayment(models.Model):
    claim_payment = models.ForeignKey(ClaimPayment, on_delete=models.CASCADE, related_name="lines")
    claim_line = models.ForeignKey(
        "billing.ClaimLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    procedure_code = models.CharField(max_length=8)
    modifiers = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    charge = money_field()
    paid = money_field()
    allowed = money_field(null=True, blank=True)
    units = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    service_date = models.DateField(null=True, blank=True)
    remark_codes = ArrayField(models.CharField(max_length=8), default=list, blank=True)

    class Meta:
        ordering = ["claim_payment", "id"]

    def __str__(self) -> str:
        return f"{self.procedure_code}: paid {self.paid}"


class Adjustment(models.Model):
    """A CAS adjustment: group (CO contractual, PR patient, OA other, PI payer initiated,
    CR correction) and the CARC reason code."""

    claim_payment = models.ForeignKey(
        ClaimPayment, on_delete=models.CASCADE, related_name="adjustments"
    )
    line_payment = models.ForeignKey(
        LinePayment, null=True, blank=True, on_delete=models.CASCADE, related_name="adjustments"
    )
    group = models.CharField(max_length=2)
    reason = models.CharField(max_length=5)
    amount = money_field()
    quantity = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["claim_payment", "id"]
        indexes = [models.Index(fields=["group", "reason"])]

    def __str__(self) -> str:
        return f"{self.group}-{self.reason}: {self.amount}"


class ProviderAdjustment(models.Model):
    """PLB: interest, recoupments, forwarding balances — never dropped, kept in this ledger."""

    remittance = models.ForeignKey(
        Remittance, on_delete=models.CASCADE, related_name="provider_adjustments"
    )
    provider_identifier = models.CharField(max_length=50)
    fiscal_date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=4)
    reference = models.CharField(max_length=50, blank=True)
    amount = money_field(help_text="Positive reduces the payment (as in the 835).")

    class Meta:
        ordering = ["remittance", "id"]

    def __str__(self) -> str:
        return f"PLB {self.reason} {self.amount}"
