"""Practice-side data (tenant schema): locations, providers, patients, coverage, enrollments."""

from django.db import models

from mso.crypto.fields import EncryptedTextField
from mso.geo import STATE_CHOICES
from mso.identifiers import ssn_masked

from .choices import (
    COVERAGE_PRIORITY,
    ENROLLMENT_STATUS,
    PLACE_OF_SERVICE,
    RELATIONSHIP_CHOICES,
    SELF,
    SEX_CHOICES,
)


class Location(models.Model):
    """A service location of the practice: where visits happen and claims say they did."""

    name = models.CharField(max_length=120, unique=True)
    address_line1 = models.CharField(max_length=120)
    address_line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    zip_code = models.CharField("ZIP code", max_length=10)
    phone = models.CharField(max_length=20, blank=True)
    place_of_service = models.CharField(max_length=2, choices=PLACE_OF_SERVICE, default="11")
    npi = models.CharField("facility NPI", max_length=10, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    """A rendering provider (physician or other clinician) of the practice."""

    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    credential = models.CharField(max_length=20, blank=True, help_text="MD, DO, NP, PA ...")
    npi = models.CharField("NPI", max_length=10, unique=True)
    taxonomy = models.CharField(
        max_length=10, blank=True, help_text="Health care provider taxonomy code, e.g. 207Q00000X"
    )
    # The provider's sign-in: the person who may decide clinical questions (CPOM).
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        suffix = f", {self.credential}" if self.credential else ""
        return f"{self.first_name} {self.last_name}{suffix}"


class Patient(models.Model):
    """A patient of the practice (synthetic in every non-production data set)."""

    mrn = models.CharField("MRN", max_length=30, unique=True)
    external_id = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text="The EHR's id for this patient.",
    )
    first_name = models.CharField(max_length=60)
    middle_name = models.CharField(max_length=60, blank=True)
    last_name = models.CharField(max_length=60)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=SEX_CHOICES, default="U")
    address_line1 = models.CharField(max_length=120)
    address_line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    zip_code = models.CharField("ZIP code", max_length=10)
    phone = models.CharField(max_length=20, blank=True)
    # Encrypted at rest; shown masked ("***-**-1234") everywhere. The keyed hash finds
    # duplicates without decrypting (docs/security-encryption.md).
    ssn = EncryptedTextField("SSN", mask=ssn_masked, hash_field="ssn_hash")
    ssn_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.mrn})"


class Coverage(models.Model):
    """A patient's insurance with one payer. When the patient is not the subscriber, the
    subscriber's own identity is recorded here (it goes on the claim)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="coverages")
    payer = models.ForeignKey("reference.Payer", on_delete=models.PROTECT, related_name="+")
    priority = models.PositiveSmallIntegerField(choices=COVERAGE_PRIORITY, default=1)
    member_id = models.CharField(max_length=80)
    group_number = models.CharField(max_length=50, blank=True)
    relationship = models.CharField(max_length=2, choices=RELATIONSHIP_CHOICES, default=SELF)
    subscriber_first_name = models.CharField(max_length=60, blank=True)
    subscriber_last_name = models.CharField(max_length=60, blank=True)
    subscriber_birth_date = models.DateField(null=True, blank=True)
    subscriber_sex = models.CharField(max_length=1, choices=SEX_CHOICES, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["patient", "priority"]

    def __str__(self) -> str:
        return f"{self.patient} — {self.payer.name} ({self.get_priority_display()})"

    @property
    def patient_is_subscriber(self) -> bool:
        return self.relationship == SELF

    def covers(self, day) -> bool:
        return (
            self.is_active
            and self.effective_from <= day
            and (self.effective_to is None or day <= self.effective_to)
        )


class PayerEnrollment(models.Model):
    """Whether a provider (or the whole group, provider empty) may bill a payer."""

    payer = models.ForeignKey("reference.Payer", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.CASCADE, related_name="enrollments"
    )
    status = models.CharField(max_length=12, choices=ENROLLMENT_STATUS, default="pending")
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    payer_provider_id = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["payer__name"]
        constraints = [
            models.UniqueConstraint(fields=["payer", "provider"], name="one_enrollment_per_payer"),
        ]

    def __str__(self) -> str:
        who = self.provider or "group"
        return f"{who} @ {self.payer.name}: {self.status}"
