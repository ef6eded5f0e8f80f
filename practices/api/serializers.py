from rest_framework import serializers

from mso.reference.models import Payer
from practices.models import Coverage, Location, Patient, PayerEnrollment, Provider
from practices.services import COVERAGE_FIELDS, PATIENT_FIELDS


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = [
            "id",
            "name",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "zip_code",
            "phone",
            "place_of_service",
            "npi",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Uniqueness and business rules are the service's job (one message, form and API).
        extra_kwargs = {"name": {"validators": []}}


class ProviderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Provider
        fields = ["id", "first_name", "last_name", "credential", "npi", "taxonomy", "is_active"]


class PayerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payer
        fields = ["id", "name", "payer_id", "filing_indicator", "timely_filing_days"]


class CoverageSerializer(serializers.ModelSerializer):
    payer_name = serializers.CharField(source="payer.name", read_only=True)

    class Meta:
        model = Coverage
        fields = ["id", "patient", "payer_name", *COVERAGE_FIELDS]

    def validate_patient(self, patient):
        if self.instance is not None and patient != self.instance.patient:
            raise serializers.ValidationError(
                "A coverage's patient cannot change: add the coverage to the other patient."
            )
        return patient


class PatientListSerializer(serializers.ModelSerializer):
    """What a list needs to find a patient (minimum necessary): no coverage, no SSN."""

    class Meta:
        model = Patient
        fields = [
            "id",
            "mrn",
            "external_id",
            "first_name",
            "middle_name",
            "last_name",
            "birth_date",
            "sex",
            "city",
            "state",
        ]


class PatientSerializer(serializers.ModelSerializer):
    """One patient (audited read). The SSN can be written, and is only ever read masked."""

    coverages = CoverageSerializer(many=True, read_only=True)
    ssn = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=11,
        help_text="Optional, 9 digits. Write-only: responses carry `ssn_masked`.",
    )
    ssn_masked = serializers.SerializerMethodField(help_text="e.g. ***-**-1234, or empty.")
    remove_ssn = serializers.BooleanField(
        write_only=True,
        required=False,
        help_text="On update: true deletes the SSN on file (a blank `ssn` keeps it).",
    )

    class Meta:
        model = Patient
        fields = ["id", *PATIENT_FIELDS, "ssn", "ssn_masked", "remove_ssn", "coverages"]

    def get_ssn_masked(self, patient) -> str:
        return patient.ssn.masked if patient.ssn else ""


class PayerEnrollmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = PayerEnrollment
        fields = [
            "id",
            "payer",
            "provider",
            "status",
            "effective_from",
            "effective_to",
            "payer_provider_id",
        ]
        validators = []  # uniqueness is the service's message
