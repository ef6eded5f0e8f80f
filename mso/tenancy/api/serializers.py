from rest_framework import serializers

from mso.geo import US_STATES
from mso.identifiers import tin_masked
from mso.jobs.api.serializers import JobSerializer
from mso.tenancy.models import Owner, Practice
from mso.tenancy.rules import OwnerInput, PracticeInput


class OwnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Owner
        fields = [
            "id",
            "full_name",
            "npi",
            "license_state",
            "license_number",
            "license_expiry",
            "share_percent",
        ]


class PracticeSerializer(serializers.ModelSerializer):
    owners = OwnerSerializer(many=True, read_only=True)
    host = serializers.SerializerMethodField()
    tin = serializers.SerializerMethodField(help_text="Masked: only the last four digits.")

    class Meta:
        model = Practice
        fields = [
            "id",
            "kind",
            "name",
            "slug",
            "schema_name",
            "state",
            "group_npi",
            "tin",
            "status",
            "created_at",
            "ready_at",
            "host",
            "owners",
        ]

    def get_host(self, practice) -> str:
        domain = next(iter(practice.domains.all()), None)
        return domain.domain if domain else ""

    def get_tin(self, practice) -> str:
        return tin_masked(practice.tin)


class OwnerInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200, allow_blank=True)
    npi = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    license_state = serializers.ChoiceField(choices=sorted(US_STATES))
    license_number = serializers.CharField(max_length=40, allow_blank=True)
    license_expiry = serializers.DateField()
    share_percent = serializers.DecimalField(max_digits=7, decimal_places=4)


class OnboardingSerializer(serializers.Serializer):
    """A new Friendly PC and its physician owners. Business rules are checked by the service
    (shares total 100%, an owner licensed in the practice's state, valid NPI and TIN)."""

    name = serializers.CharField(max_length=200, allow_blank=True)
    slug = serializers.CharField(max_length=40, help_text="Sub-domain: <slug>.<base domain>")
    state = serializers.CharField(max_length=2, allow_blank=True)
    group_npi = serializers.CharField(max_length=10, allow_blank=True)
    tin = serializers.CharField(max_length=11, allow_blank=True)
    owners = OwnerInputSerializer(many=True, allow_empty=True)

    def to_input(self) -> PracticeInput:
        data = self.validated_data
        return PracticeInput(
            name=data["name"],
            slug=data["slug"],
            state=data["state"].upper(),
            group_npi=data["group_npi"],
            tin=data["tin"],
            owners=[OwnerInput(**owner) for owner in data["owners"]],
        )


class OnboardingResultSerializer(serializers.Serializer):
    practice = PracticeSerializer()
    job = JobSerializer()
