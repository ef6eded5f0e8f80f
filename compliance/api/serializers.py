from django.utils import timezone
from rest_framework import serializers

from compliance import expiry
from compliance.choices import DECISIONS
from compliance.models import Credential, ExclusionMatch, ExclusionScreening
from compliance.services import CREDENTIAL_FIELDS


class ExclusionScreeningSerializer(serializers.ModelSerializer):
    run_by_email = serializers.EmailField(source="run_by.email", read_only=True, default=None)
    exclusion_list_file = serializers.CharField(source="exclusion_list.file_name", read_only=True)

    class Meta:
        model = ExclusionScreening
        fields = [
            "id",
            "ran_at",
            "trigger",
            "period",
            "run_by_email",
            "exclusion_list",
            "exclusion_list_file",
            "subjects_screened",
            "match_count",
        ]
        read_only_fields = fields


class ExclusionMatchSerializer(serializers.ModelSerializer):
    decided_by_email = serializers.EmailField(
        source="decided_by.email", read_only=True, default=None
    )

    class Meta:
        model = ExclusionMatch
        fields = [
            "id",
            "screening",
            "subject_kind",
            "subject_id",
            "subject_name",
            "subject_npi",
            "strength",
            "listed_name",
            "listed_npi",
            "listed_birth_date",
            "listed_specialty",
            "listed_location",
            "exclusion_type",
            "exclusion_date",
            "status",
            "decided_by_email",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class MatchDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[d.value for d in DECISIONS])
    note = serializers.CharField(max_length=2000)


class CredentialSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.__str__", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="expired, expiring (within 90 days), current or no_expiry"
    )
    verified_by_email = serializers.EmailField(
        source="verified_by.email", read_only=True, default=None
    )

    class Meta:
        model = Credential
        fields = [
            "id",
            *CREDENTIAL_FIELDS,
            "provider_name",
            "status",
            "verified_on",
            "verified_by_email",
            "verification_source",
        ]
        read_only_fields = ["verified_on", "verification_source"]
        validators = []  # uniqueness is the service's message

    def get_status(self, credential) -> str:
        return expiry.status(credential.expires_on, timezone.localdate())
