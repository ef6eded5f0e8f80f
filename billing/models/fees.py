from django.db import models

from mso.money import money_field


class FeeSchedule(models.Model):
    """The practice's charges: a default schedule (no payer) and optional payer schedules."""

    name = models.CharField(max_length=120)
    payer = models.ForeignKey(
        "reference.Payer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-effective_from", "name"]

    def __str__(self) -> str:
        return self.name


class FeeScheduleItem(models.Model):
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="items")
    procedure_code = models.CharField(max_length=5)
    modifier = models.CharField(max_length=2, blank=True)
    amount = money_field()
    description = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["procedure_code", "modifier"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "procedure_code", "modifier"], name="one_fee_per_code"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_code}{'-' + self.modifier if self.modifier else ''}: {self.amount}"
