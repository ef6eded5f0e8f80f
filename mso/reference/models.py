"""Reference data every practice shares (public schema): the payer master and the OIG
exclusion list (LEIE)."""

from django.db import models


class FilingIndicator(models.TextChoices):
    """X12 claim filing indicator codes (SBR09) for professional claims."""

    COMMERCIAL = "CI", "Commercial insurance"
    MEDICARE_B = "MB", "Medicare Part B"
    MEDICAID = "MC", "Medicaid"
    BLUE_CROSS = "BL", "Blue Cross/Blue Shield"
    HMO = "HM", "Health maintenance organization"
    MEDICARE_ADVANTAGE_HMO = "16", "Medicare Advantage HMO"
    PPO = "12", "Preferred provider organization"
    POS = "13", "Point of service"
    EPO = "14", "Exclusive provider organization"
    TRICARE = "CH", "TRICARE (CHAMPUS)"
    WORKERS_COMP = "WC", "Workers' compensation"
    VETERANS = "VA", "Veterans Affairs plan"
    SELF_PAY = "09", "Self-pay"


class Payer(models.Model):
    name = models.CharField(max_length=120)
    payer_id = models.CharField(
        "payer id",
        max_length=20,
        unique=True,
        help_text="The clearinghouse's id for this payer (NM1*PR).",
    )
    filing_indicator = models.CharField(
        max_length=2, choices=FilingIndicator.choices, default=FilingIndicator.COMMERCIAL
    )
    timely_filing_days = models.PositiveIntegerField(default=365)
    address_line1 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.payer_id})"


class ExclusionList(models.Model):
    """One import of the OIG LEIE file. Only the newest import keeps its entries; earlier
    imports stay as the record of which list each screening used."""

    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    entry_count = models.PositiveIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.entry_count:,} entries)"


class ExclusionEntry(models.Model):
    """One excluded individual or entity, as the LEIE lists it."""

    exclusion_list = models.ForeignKey(
        ExclusionList, on_delete=models.CASCADE, related_name="entries"
    )
    line = models.PositiveIntegerField()
    last_name = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    business_name = models.CharField(max_length=200, blank=True)
    general = models.CharField(max_length=100, blank=True)
    specialty = models.CharField(max_length=100, blank=True)
    upin = models.CharField(max_length=20, blank=True)
    npi = models.CharField(max_length=10, blank=True, db_index=True)
    birth_date = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    exclusion_type = models.CharField(max_length=20)
    exclusion_date = models.DateField()
    reinstatement_date = models.DateField(null=True, blank=True)
    waiver_date = models.DateField(null=True, blank=True)
    waiver_state = models.CharField(max_length=2, blank=True)
    # LAST|FIRST, letters only (see mso.reference.leie.name_key).
    name_key = models.CharField(max_length=200, blank=True, db_index=True)

    class Meta:
        ordering = ["last_name", "first_name", "business_name"]
        verbose_name_plural = "exclusion entries"

    def __str__(self) -> str:
        if self.last_name:
            return f"{self.last_name}, {self.first_name} {self.middle_name}".strip()
        return self.business_name
