from rest_framework import serializers

from mso.reference.models import Payer
from practices.models import Coverage, Location, Patient, PayerEnrollment, Provider


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
        fields = [
            "id",
            "patient",
            "payer",
            "payer_name",
            "priority",
            "member_id",
            "group_number",
            "relationship",
            "subscriber_first_name",
            "subscriber_last_name",
            "subscriber_birth_date",
            "subscriber_sex",
            "effective_from",
            "effective_to",
            "is_active",
        ]


class PatientSerializer(serializers.ModelSerializer):
    coverages = CoverageSerializer(many=True, read_only=True)

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
            "address_line1",
            "address_line2",
            "city",
            "state",
            "zip_code",
            "phone",
            "coverages",
        ]


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
