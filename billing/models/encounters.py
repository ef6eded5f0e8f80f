"""Charge capture. Diagnoses and procedures are clinical facts: set by a provider or the EHR,
changed only by a provider (directly or by accepting a coding query); every change is logged
with the deciding provider."""

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import models

from billing.choices import QueryStatus
from mso.money import money_field


class Encounter(models.Model):
    external_id = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text="The sender's id; re-posting it is idempotent.",
    )
    patient = models.ForeignKey(
        "practices.Patient", on_delete=models.PROTECT, related_name="encounters"
    )
    provider = models.ForeignKey(
        "practices.Provider",
        on_delete=models.PROTECT,
        related_name="encounters",
        help_text="Rendering provider",
    )
    location = models.ForeignKey(
        "practices.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="encounters",
    )
    date_of_service = models.DateField()
    place_of_service = models.CharField(max_length=2, default="11")
    diagnosis_codes = ArrayField(
        models.CharField(max_length=8),
        size=12,
        help_text="ICD-10-CM, without dots, principal first",
    )
    prior_authorization = models.CharField(max_length=50, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date_of_service", "-id"]
        indexes = [models.Index(fields=["date_of_service"])]

    def __str__(self) -> str:
        return f"Encounter {self.pk} on {self.date_of_service}"

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines.all()), start=Decimal("0.00"))


class EncounterLine(models.Model):
    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    procedure_code = models.CharField(max_length=5)
    modifiers = ArrayField(models.CharField(max_length=2), size=4, default=list, blank=True)
    units = models.DecimalField(max_digits=7, decimal_places=2)
    charge = money_field()
    diagnosis_pointers = ArrayField(models.PositiveSmallIntegerField(), size=4)

    class Meta:
        ordering = ["line_number"]
        constraints = [
            models.UniqueConstraint(fields=["encounter", "line_number"], name="one_line_number"),
            models.CheckConstraint(condition=models.Q(units__gt=0), name="line_units_positive"),
            models.CheckConstraint(condition=models.Q(charge__gte=0), name="line_charge_not_neg"),
        ]

    def __str__(self) -> str:
        return f"{self.line_number}: {self.procedure_code}"


class ClinicalChange(models.Model):
    """Who decided each change to a clinical field (CPOM): always a provider, or the EHR."""

    encounter = models.ForeignKey(
        Encounter, on_delete=models.CASCADE, related_name="clinical_changes"
    )
    field = models.CharField(max_length=60)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=20)  # provider_edit, coding_query, ehr
    coding_query = models.ForeignKey(
        "CodingQuery", null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.field} changed by {self.decided_by} ({self.source})"


class CodingQuery(models.Model):
    """An MSO coder's question to the provider, with a proposed change. Only a provider of the
    practice accepts (which applies the change) or declines it."""

    encounter = models.ForeignKey(
        Encounter, on_delete=models.CASCADE, related_name="coding_queries"
    )
    raised_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    proposed_diagnosis_codes = ArrayField(
        models.CharField(max_length=8), size=12, null=True, blank=True
    )
    # [{"line_number": 1, "procedure_code": "99214", "modifiers": ["25"]}]
    proposed_lines = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=QueryStatus.choices, default=QueryStatus.OPEN)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Coding query {self.pk} on encounter {self.encounter_id} ({self.status})"
