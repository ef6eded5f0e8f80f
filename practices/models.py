"""Practice-side data (tenant schema). Revenue-cycle models (providers, patients, coverage)
join this app in the revenue cycle issue."""

from django.db import models

from mso.geo import STATE_CHOICES

from .choices import PLACE_OF_SERVICE


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
