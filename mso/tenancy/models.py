"""The tenant: one Friendly PC (or the MSO's own back office) per PostgreSQL schema."""

from decimal import Decimal

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from mso.crypto.fields import EncryptedTextField
from mso.geo import STATE_CHOICES
from mso.identifiers import account_masked

from .choices import PracticeKind, PracticeStatus


class PracticeQuerySet(models.QuerySet):
    def tenants(self):
        """Rows that own a schema (everything but the public portal row)."""
        return self.exclude(kind=PracticeKind.PORTAL)

    def practices(self):
        return self.filter(kind=PracticeKind.PRACTICE)

    def ready(self):
        return self.filter(status=PracticeStatus.READY)


class Practice(TenantMixin):
    # Schemas are made by mso.tenancy.provisioning, never as a side effect of save().
    auto_create_schema = False
    auto_drop_schema = False

    kind = models.CharField(
        max_length=16, choices=PracticeKind.choices, default=PracticeKind.PRACTICE
    )
    name = models.CharField("legal name", max_length=200)
    slug = models.SlugField(max_length=40, unique=True)
    state = models.CharField(max_length=2, choices=STATE_CHOICES, blank=True)
    group_npi = models.CharField("group NPI", max_length=10, blank=True)
    tin = models.CharField("TIN", max_length=9, blank=True)
    status = models.CharField(
        max_length=16, choices=PracticeStatus.choices, default=PracticeStatus.PROVISIONING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    # The account the MSO debits its fees from by ACH (mso/tenancy/banking.py). The account
    # number is encrypted at rest and shown masked; the routing number identifies the bank.
    bank_account_holder = models.CharField(max_length=22, blank=True)
    bank_routing_number = models.CharField("ABA routing number", max_length=9, blank=True)
    bank_account_type = models.CharField(
        max_length=8, choices=[("checking", "Checking"), ("savings", "Savings")], blank=True
    )
    bank_account_number = EncryptedTextField("account number", mask=account_masked)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(schema_name__regex=r"^[a-z][a-z0-9_]{0,40}$"),
                name="practice_schema_name_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_ready(self) -> bool:
        return self.status == PracticeStatus.READY

    @property
    def is_practice(self) -> bool:
        return self.kind == PracticeKind.PRACTICE


class Domain(DomainMixin):
    def __str__(self) -> str:
        return self.domain


class Owner(models.Model):
    """A physician shareholder of a Friendly PC, with the license that qualifies them."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="owners")
    full_name = models.CharField(max_length=200)
    npi = models.CharField("NPI", max_length=10, blank=True)
    license_state = models.CharField(max_length=2, choices=STATE_CHOICES)
    license_number = models.CharField(max_length=40)
    license_expiry = models.DateField()
    share_percent = models.DecimalField(max_digits=7, decimal_places=4)

    class Meta:
        ordering = ["-share_percent", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    share_percent__gt=Decimal("0"), share_percent__lte=Decimal("100")
                ),
                name="owner_share_between_0_and_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.share_percent}%)"
