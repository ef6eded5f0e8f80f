"""Reference data every practice shares (public schema): the payer master."""

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
