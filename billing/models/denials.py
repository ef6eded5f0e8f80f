from django.contrib.postgres.fields import ArrayField
from django.db import models

from billing.choices import DenialStatus
from mso.money import money_field


class DenialCase(models.Model):
    """A denied claim (or denied lines) being worked: assigned, annotated, then corrected,
    appealed or written off (with an approval)."""

    claim = models.ForeignKey("billing.Claim", on_delete=models.PROTECT, related_name="denials")
    claim_payment = models.ForeignKey(
        "billing.ClaimPayment", on_delete=models.PROTECT, related_name="denials"
    )
    payer = models.ForeignKey("reference.Payer", on_delete=models.PROTECT, related_name="+")
    reason_codes = ArrayField(models.CharField(max_length=8), default=list)
    remark_codes = ArrayField(models.CharField(max_length=8), default=list, blank=True)
    group_codes = ArrayField(models.CharField(max_length=2), default=list)
    amount = money_field(help_text="Charges the payer did not pay or assign to the patient.")
    whole_claim = models.BooleanField(default=True)
    status = models.CharField(
        max_length=20, choices=DenialStatus.choices, default=DenialStatus.OPEN, db_index=True
    )
    assigned_to = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    write_off_reason = models.TextField(blank=True)
    write_off_requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    write_off_approved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"Denial of {self.claim_id} ({', '.join(self.reason_codes)})"


class DenialNote(models.Model):
    case = models.ForeignKey(DenialCase, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Note on {self.case_id}"
