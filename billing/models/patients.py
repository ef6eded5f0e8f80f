from django.db import models

from billing.choices import PatientPaymentKind
from mso.money import money_field


class PatientPayment(models.Model):
    """Money from (or refunded to) a patient, against their balance after insurance."""

    patient = models.ForeignKey(
        "practices.Patient", on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(
        max_length=8, choices=PatientPaymentKind.choices, default=PatientPaymentKind.PAYMENT
    )
    amount = money_field()
    method = models.CharField(max_length=20, default="card")
    reference = models.CharField(max_length=60, blank=True)
    received_on = models.DateField()
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="patient_payment_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} from {self.patient_id}"


class StatementRun(models.Model):
    as_of = models.DateField()
    job = models.ForeignKey(
        "jobs.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    statement_count = models.PositiveIntegerField(default=0)
    total_due = money_field(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Statement run {self.as_of}"


class Statement(models.Model):
    """One patient's statement: a frozen snapshot (what it said) and its PDF."""

    run = models.ForeignKey(StatementRun, on_delete=models.CASCADE, related_name="statements")
    patient = models.ForeignKey(
        "practices.Patient", on_delete=models.PROTECT, related_name="statements"
    )
    amount_due = money_field()
    dunning_level = models.PositiveSmallIntegerField(default=1)
    snapshot = models.JSONField()
    pdf = models.BinaryField()

    class Meta:
        ordering = ["patient__last_name", "patient__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "patient"], name="one_statement_per_patient_per_run"
            )
        ]

    def __str__(self) -> str:
        return f"Statement for {self.patient_id}: {self.amount_due}"
