"""Human resources (tenant schema): the practice's workforce."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from mso.crypto.fields import EncryptedTextField
from mso.identifiers import ssn_masked

from .choices import Department, EmploymentType


class Employee(models.Model):
    """A member of the practice's workforce (not its providers, who are on the provider
    roster). Screened against the OIG exclusion list at hire and monthly."""

    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    birth_date = models.DateField(help_text="Used to tell namesakes apart in exclusion screening.")
    job_title = models.CharField(max_length=100)
    department = models.CharField(max_length=20, choices=Department.choices)
    employment_type = models.CharField(
        max_length=12, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    hire_date = models.DateField()
    termination_date = models.DateField(null=True, blank=True)
    work_email = models.EmailField(blank=True)
    # Encrypted at rest, shown masked; the keyed hash finds duplicates without decrypting.
    ssn = EncryptedTextField("SSN", mask=ssn_masked, hash_field="ssn_hash")
    ssn_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_active(self) -> bool:
        """Still works here: no last day, or a last day not yet passed."""
        return self.termination_date is None or self.termination_date >= timezone.localdate()


def current_employees() -> Q:
    """Employees who still work here (see Employee.is_active), as a filter."""
    return Q(termination_date=None) | Q(termination_date__gte=timezone.localdate())
