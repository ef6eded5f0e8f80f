from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from compliance import expiry
from compliance.choices import DECISIONS
from compliance.models import (
    BreachNotice,
    Credential,
    ExclusionMatch,
    ExclusionScreening,
    Policy,
    PolicyVersion,
    SecurityIncident,
)
from compliance.selectors import incident_obligations
from compliance.services import CREDENTIAL_FIELDS
from compliance.services.incidents import FACTORS, INCIDENT_FIELDS, OUTCOMES


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


class BreachNoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = BreachNotice
        fields = ["id", "audience", "sent_on", "method", "recipients", "recorded_at"]
        read_only_fields = ["recorded_at"]


class ObligationSerializer(serializers.Serializer):
    audience = serializers.CharField()
    due = serializers.DateField()
    why = serializers.CharField()
    given_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()


class IncidentSerializer(serializers.ModelSerializer):
    notices = BreachNoticeSerializer(many=True, read_only=True)
    obligations = serializers.SerializerMethodField()

    class Meta:
        model = SecurityIncident
        fields = [
            "id",
            *INCIDENT_FIELDS,
            "status",
            "phi_involved",
            "individuals_affected",
            "largest_state_count",
            *FACTORS,
            "assessed_at",
            "closed_at",
            "notices",
            "obligations",
        ]
        read_only_fields = [
            "status",
            "phi_involved",
            "individuals_affected",
            "largest_state_count",
            *FACTORS,
            "assessed_at",
            "closed_at",
        ]

    @extend_schema_field(ObligationSerializer(many=True))
    def get_obligations(self, incident) -> list[dict]:
        today = timezone.localdate()
        return ObligationSerializer(incident_obligations(incident, today), many=True).data


class IncidentAssessSerializer(serializers.Serializer):
    phi_involved = serializers.BooleanField()
    individuals_affected = serializers.IntegerField(min_value=0)
    largest_state_count = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    factor_phi = serializers.CharField()
    factor_recipient = serializers.CharField()
    factor_acquired = serializers.CharField()
    factor_mitigation = serializers.CharField()
    outcome = serializers.ChoiceField(choices=[o.value for o in OUTCOMES])


class PolicyVersionSerializer(serializers.ModelSerializer):
    published_by_email = serializers.EmailField(
        source="published_by.email", read_only=True, default=None
    )

    class Meta:
        model = PolicyVersion
        fields = ["number", "effective_on", "changes", "body", "published_by_email"]
        read_only_fields = fields


class PolicySerializer(serializers.ModelSerializer):
    """A policy with its current version; writing creates the policy and its first version."""

    current = serializers.SerializerMethodField()
    effective_on = serializers.DateField(write_only=True)
    body = serializers.CharField(write_only=True)

    class Meta:
        model = Policy
        fields = [
            "id",
            "code",
            "title",
            "category",
            "review_months",
            "current",
            "effective_on",
            "body",
        ]
        validators = []  # the code's uniqueness is the service's message
        extra_kwargs = {"code": {"validators": []}}

    @extend_schema_field(PolicyVersionSerializer(allow_null=True))
    def get_current(self, policy) -> dict | None:
        # `policy_queryset()` prefetches the versions newest first.
        current = next(iter(policy.versions.all()), None)
        return PolicyVersionSerializer(current).data if current else None


class PolicyPublishSerializer(serializers.Serializer):
    effective_on = serializers.DateField()
    changes = serializers.CharField(max_length=300)
    body = serializers.CharField()
