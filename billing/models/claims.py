from django.contrib.postgres.fields import ArrayField
from django.db import models

from billing.choices import ClaimStatus, Frequency
from mso.money import money_field


class Claim(models.Model):
    """A professional claim built from an encounter for one coverage. Lines and diagnoses are
    snapshots: the claim says what was billed even if the encounter changes later."""

    encounter = models.ForeignKey(
        "billing.Encounter", on_delete=models.PROTECT, related_name="claims"
    )
    coverage = models.ForeignKey(
        "practices.Coverage", on_delete=models.PROTECT, related_name="claims"
    )
    payer = models.ForeignKey("reference.Payer", on_delete=models.PROTECT, related_name="+")
    patient_control_number = models.CharField(max_length=20, unique=True)
    frequency_code = models.CharField(
        max_length=1, choices=Frequency.choices, default=Frequency.ORIGINAL
    )
    original_claim = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    payer_claim_number = models.CharField(max_length=50, blank=True)
    diagnosis_codes = ArrayField(models.CharField(max_length=8), size=12)
    place_of_service = models.CharField(max_length=2)
    total_charge = money_field()
    status = models.CharField(
        max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT, db_index=True
    )
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    batch = models.ForeignKey(
        "billing.ClaimBatchFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    # The provider whose clinical decisions this claim carries (CPOM record).
    clinical_decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scrubbed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(frequency_code="1") | ~models.Q(payer_claim_number=""),
                name="corrected_or_void_claims_carry_payer_claim_number",
            ),
        ]

    def __str__(self) -> str:
        return f"Claim {self.patient_control_number}"


class ClaimLine(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    procedure_code = models.CharField(max_length=5)
    modifiers = ArrayField(models.CharField(max_length=2), size=4, default=list, blank=True)
    units = models.DecimalField(max_digits=7, decimal_places=2)
    charge = money_field()
    diagnosis_pointers = ArrayField(models.PositiveSmallIntegerField(), size=4)
    service_date = models.DateField()
    line_control_number = models.CharField(max_length=30)

    class Meta:
        ordering = ["line_number"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "line_number"], name="one_claim_line_number"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}/{self.line_number}: {self.procedure_code}"


class ClaimStatusChange(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=16, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ClaimStatus.choices)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status} -> {self.to_status}"


class ClaimFinding(models.Model):
    """The latest scrub's findings for a claim (replaced on every scrub)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="findings")
    code = models.CharField(max_length=12, db_index=True)
    message = models.TextField()
    field = models.CharField(max_length=80, blank=True)
    severity = models.CharField(max_length=8, default="error")

    class Meta:
        ordering = ["severity", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
