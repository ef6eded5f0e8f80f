from rest_framework import serializers

from hr.models import Employee
from hr.services import EMPLOYEE_FIELDS


class EmployeeSerializer(serializers.ModelSerializer):
    """A workforce record. The SSN can be written, and is only ever read masked."""

    ssn = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=11,
        help_text="Optional, 9 digits. Write-only: responses carry `ssn_masked`.",
    )
    ssn_masked = serializers.SerializerMethodField(help_text="e.g. ***-**-1234, or empty.")
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Employee
        fields = ["id", *EMPLOYEE_FIELDS, "termination_date", "is_active", "ssn", "ssn_masked"]
        read_only_fields = ["termination_date"]

    def get_ssn_masked(self, employee) -> str:
        return employee.ssn.masked if employee.ssn else ""
