from rest_framework import serializers

from billing.models import (
    Acknowledgement,
    Claim,
    ClaimBatchFile,
    ClaimFinding,
    ClaimLine,
    ClaimStatusChange,
    ClinicalChange,
    CodingQuery,
    DenialCase,
    Encounter,
    EncounterLine,
    FeeSchedule,
    FeeScheduleItem,
    PatientPayment,
    Remittance,
)
from practices.models import Coverage, Location, Patient, Provider


class EncounterLineInputSerializer(serializers.Serializer):
    procedure_code = serializers.CharField(max_length=5)
    modifiers = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False, default=list
    )
    units = serializers.DecimalField(max_digits=7, decimal_places=2)
    charge = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="Omit to price from the fee schedule.",
    )
    diagnosis_pointers = serializers.ListField(child=serializers.IntegerField())


class EncounterInputSerializer(serializers.Serializer):
    """A visit with its codes, as the EHR or a provider records it. Idempotent by
    `external_id`: posting the same id again returns the first encounter (200)."""

    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    patient = serializers.PrimaryKeyRelatedField(queryset=Patient.objects.all(), required=False)
    patient_external_id = serializers.SlugRelatedField(
        slug_field="external_id",
        queryset=Patient.objects.all(),
        required=False,
        help_text="The EHR's patient id, instead of `patient`.",
    )
    provider = serializers.PrimaryKeyRelatedField(queryset=Provider.objects.all(), required=False)
    provider_npi = serializers.SlugRelatedField(
        slug_field="npi", queryset=Provider.objects.all(), required=False
    )
    location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.all(), required=False, allow_null=True
    )
    date_of_service = serializers.DateField()
    place_of_service = serializers.CharField(max_length=2, default="11")
    diagnosis_codes = serializers.ListField(child=serializers.CharField(max_length=8))
    prior_authorization = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    lines = EncounterLineInputSerializer(many=True)

    def validate(self, attrs):
        attrs["patient"] = attrs.pop("patient_external_id", None) or attrs.get("patient")
        attrs["provider"] = attrs.pop("provider_npi", None) or attrs.get("provider")
        errors = {}
        if attrs["patient"] is None:
            errors["patient"] = ["Give `patient` or `patient_external_id`."]
        if attrs["provider"] is None:
            errors["provider"] = ["Give `provider` or `provider_npi`."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class EncounterLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = EncounterLine
        fields = [
            "line_number",
            "procedure_code",
            "modifiers",
            "units",
            "charge",
            "diagnosis_pointers",
        ]


class ClinicalChangeSerializer(serializers.ModelSerializer):
    decided_by_email = serializers.EmailField(
        source="decided_by.email", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = ClinicalChange
        fields = [
            "field",
            "old_value",
            "new_value",
            "decided_by",
            "decided_by_email",
            "source",
            "coding_query",
            "at",
        ]


class EncounterSerializer(serializers.ModelSerializer):
    lines = EncounterLineSerializer(many=True, read_only=True)
    clinical_changes = ClinicalChangeSerializer(many=True, read_only=True)
    total_charge = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Encounter
        fields = [
            "id",
            "external_id",
            "patient",
            "provider",
            "location",
            "date_of_service",
            "place_of_service",
            "diagnosis_codes",
            "prior_authorization",
            "lines",
            "total_charge",
            "clinical_changes",
            "created_at",
        ]


class LineChangeSerializer(serializers.Serializer):
    """A change to one encounter line's codes; what is left out stays as it is."""

    line_number = serializers.IntegerField(min_value=1)
    procedure_code = serializers.CharField(max_length=5, required=False)
    modifiers = serializers.ListField(child=serializers.CharField(max_length=2), required=False)
    diagnosis_pointers = serializers.ListField(child=serializers.IntegerField(), required=False)


class ClinicalUpdateSerializer(serializers.Serializer):
    """Provider-only change of diagnoses and/or line codes."""

    diagnosis_codes = serializers.ListField(
        child=serializers.CharField(max_length=8), required=False
    )
    lines = LineChangeSerializer(many=True, required=False)


class CodingQuerySerializer(serializers.ModelSerializer):
    proposed_lines = LineChangeSerializer(many=True, required=False)
    raised_by_email = serializers.EmailField(source="raised_by.email", read_only=True)
    decided_by_email = serializers.EmailField(
        source="decided_by.email", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = CodingQuery
        fields = [
            "id",
            "encounter",
            "question",
            "proposed_diagnosis_codes",
            "proposed_lines",
            "status",
            "raised_by",
            "raised_by_email",
            "decided_by",
            "decided_by_email",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        read_only_fields = [
            "status",
            "raised_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "created_at",
        ]


class CodingQueryDecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ClaimLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimLine
        fields = [
            "line_number",
            "procedure_code",
            "modifiers",
            "units",
            "charge",
            "diagnosis_pointers",
            "service_date",
            "line_control_number",
        ]


class ClaimFindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimFinding
        fields = ["code", "message", "field", "severity"]


class ClaimStatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimStatusChange
        fields = ["from_status", "to_status", "actor", "note", "at"]


class ClaimSerializer(serializers.ModelSerializer):
    lines = ClaimLineSerializer(many=True, read_only=True)
    findings = ClaimFindingSerializer(many=True, read_only=True)
    payer_name = serializers.CharField(source="payer.name", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "patient_control_number",
            "encounter",
            "coverage",
            "payer",
            "payer_name",
            "frequency_code",
            "original_claim",
            "payer_claim_number",
            "diagnosis_codes",
            "place_of_service",
            "total_charge",
            "status",
            "status_reason",
            "status_changed_at",
            "batch",
            "clinical_decided_by",
            "lines",
            "findings",
            "created_at",
        ]


class ClaimDetailSerializer(ClaimSerializer):
    history = ClaimStatusChangeSerializer(many=True, read_only=True)

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "history"]


class ClaimBuildSerializer(serializers.Serializer):
    encounter = serializers.PrimaryKeyRelatedField(queryset=Encounter.objects.all())
    coverage = serializers.PrimaryKeyRelatedField(queryset=Coverage.objects.all(), required=False)


class ClaimCorrectSerializer(serializers.Serializer):
    payer_claim_number = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )


class ClaimVoidSerializer(ClaimCorrectSerializer):
    reason = serializers.CharField()


class BatchSerializer(serializers.ModelSerializer):
    payer_name = serializers.CharField(source="payer.name", read_only=True)

    class Meta:
        model = ClaimBatchFile
        fields = [
            "id",
            "file_name",
            "payer",
            "payer_name",
            "interchange_control_number",
            "group_control_number",
            "claim_count",
            "total_charge",
            "status",
            "status_reason",
            "created_at",
        ]


class AcknowledgementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Acknowledgement
        fields = ["id", "kind", "file_name", "batch", "summary", "received_at"]


class AcknowledgementUploadSerializer(serializers.Serializer):
    file = serializers.FileField(required=False)
    content = serializers.CharField(
        required=False,
        trim_whitespace=False,
        help_text="The file's text, instead of a multipart upload.",
    )
    file_name = serializers.CharField(required=False, default="upload.x12")


class FeeScheduleItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeScheduleItem
        fields = ["procedure_code", "modifier", "amount", "description"]
        extra_kwargs = {"modifier": {"required": False, "allow_blank": True}}


class FeeScheduleSerializer(serializers.ModelSerializer):
    items = FeeScheduleItemSerializer(many=True)

    class Meta:
        model = FeeSchedule
        fields = ["id", "name", "payer", "effective_from", "effective_to", "items"]


class RemittanceSerializer(serializers.ModelSerializer):
    already_posted = serializers.SerializerMethodField()

    class Meta:
        model = Remittance
        fields = [
            "id",
            "payer",
            "payer_name",
            "payer_identifier",
            "trace_number",
            "payment_amount",
            "payment_method",
            "payment_date",
            "file_name",
            "claim_count",
            "matched_count",
            "summary",
            "posted_at",
            "already_posted",
        ]

    def get_already_posted(self, remittance) -> bool:
        return bool(self.context.get("already_posted"))


class DenialSerializer(serializers.ModelSerializer):
    patient_control_number = serializers.CharField(
        source="claim.patient_control_number", read_only=True
    )
    payer_name = serializers.CharField(source="payer.name", read_only=True)

    class Meta:
        model = DenialCase
        fields = [
            "id",
            "claim",
            "patient_control_number",
            "payer",
            "payer_name",
            "reason_codes",
            "remark_codes",
            "group_codes",
            "amount",
            "whole_claim",
            "status",
            "assigned_to",
            "opened_at",
            "closed_at",
            "write_off_reason",
            "write_off_requested_by",
            "write_off_approved_by",
        ]


class DenialActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["assign", "note", "resubmit", "appeal", "write_off", "approve", "decline"]
    )
    assignee = serializers.IntegerField(required=False, allow_null=True)
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Note text, appeal argument or write-off reason.",
    )


class KpiSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    unit = serializers.CharField()
    numerator = serializers.DecimalField(max_digits=16, decimal_places=2)
    denominator = serializers.DecimalField(max_digits=16, decimal_places=2)
    definition = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


def _money():
    return serializers.DecimalField(max_digits=16, decimal_places=2)


class KpiDashboardSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    period = PeriodSerializer()
    kpis = KpiSerializer(many=True)
    ar_total = _money()
    insurance_aging = serializers.DictField(
        child=serializers.DictField(child=_money()),
        help_text="Per payer: the amount outstanding in each aging bucket.",
    )
    patient_ar_total = _money()


class PatientPaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = PatientPayment
        fields = [
            "id",
            "patient",
            "kind",
            "amount",
            "method",
            "reference",
            "received_on",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"amount": {"min_value": None}}
