from django.db import models

from billing.choices import BatchStatus
from mso.money import money_field


class ClaimBatchFile(models.Model):
    """One 837P interchange: ready claims of one payer, with its control numbers."""

    payer = models.ForeignKey("reference.Payer", on_delete=models.PROTECT, related_name="+")
    interchange_control_number = models.PositiveIntegerField(unique=True)
    group_control_number = models.PositiveIntegerField(unique=True)
    transaction_control_number = models.PositiveIntegerField()
    content = models.TextField()
    file_name = models.CharField(max_length=120)
    claim_count = models.PositiveIntegerField()
    total_charge = money_field()
    status = models.CharField(max_length=12, choices=BatchStatus.choices, default=BatchStatus.BUILT)
    status_reason = models.TextField(blank=True)
    job = models.ForeignKey(
        "jobs.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name
