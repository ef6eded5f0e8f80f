from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracts.choices import FeeModel, HybridBasis, Service
from contracts.models import Agreement, FeeCalculation, FeeRun, FmvOpinion, Invoice
from contracts.selectors import visible_failures
from mso.tenancy.models import Practice


class FmvOpinionSerializer(serializers.ModelSerializer):
    class Meta:
        model = FmvOpinion
        fields = ["valuer", "opinion_date", "annual_low", "annual_high", "expires_on"]


class AgreementSerializer(serializers.ModelSerializer):
    fmv_opinions = FmvOpinionSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "practice",
            "title",
            "effective_date",
            "term_months",
            "auto_renew",
            "notice_days",
            "terminated_on",
            "services",
            "fee_model",
            "fixed_amount",
            "rate",
            "hybrid_basis",
            "markup",
            "floor",
            "cap",
            "excluded_codes",
            "excluded_revenue",
            "legal_signoff_note",
            "legal_signoff_by",
            "fmv_opinions",
            "created_at",
        ]


class AgreementInputSerializer(serializers.Serializer):
    """A new agreement and its FMV opinion. Business rules (percent 0-100, floor below cap,
    no overlap, state rule sign-off, FMV range) are checked by the service."""

    practice = serializers.PrimaryKeyRelatedField(queryset=Practice.objects.practices())
    title = serializers.CharField(required=False, default="Management Services Agreement")
    effective_date = serializers.DateField()
    term_months = serializers.IntegerField(min_value=1, default=36)
    auto_renew = serializers.BooleanField(default=True)
    notice_days = serializers.IntegerField(min_value=0, default=90)
    terminated_on = serializers.DateField(required=False, allow_null=True)
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=Service.choices), default=list
    )
    fee_model = serializers.ChoiceField(choices=FeeModel.choices)
    fixed_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    rate = serializers.DecimalField(max_digits=9, decimal_places=4, required=False, allow_null=True)
    hybrid_basis = serializers.ChoiceField(
        choices=HybridBasis.choices, required=False, allow_blank=True
    )
    markup = serializers.DecimalField(
        max_digits=9, decimal_places=4, required=False, allow_null=True
    )
    floor = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    cap = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    excluded_codes = serializers.ListField(
        child=serializers.CharField(max_length=11),
        default=list,
        help_text="CPT/HCPCS codes or inclusive ranges ('80047-89398') kept out of the basis.",
    )
    excluded_revenue = serializers.CharField(required=False, allow_blank=True, default="")
    legal_signoff_note = serializers.CharField(required=False, allow_blank=True, default="")
    fmv_valuer = serializers.CharField()
    fmv_opinion_date = serializers.DateField()
    fmv_annual_low = serializers.DecimalField(max_digits=14, decimal_places=2)
    fmv_annual_high = serializers.DecimalField(max_digits=14, decimal_places=2)
    fmv_expires_on = serializers.DateField()


class FeeCalculationSerializer(serializers.ModelSerializer):
    practice = serializers.CharField(source="agreement.practice.slug", read_only=True)

    class Meta:
        model = FeeCalculation
        fields = [
            "id",
            "agreement",
            "practice",
            "period",
            "total",
            "annualised",
            "lines",
            "inputs",
            "flags",
            "flag_approved_by",
            "flag_approval_note",
            "true_up",
        ]


class FeeRunFailureSerializer(serializers.Serializer):
    practice = serializers.CharField(help_text="The practice's slug")
    error = serializers.CharField()


class FeeRunSerializer(serializers.ModelSerializer):
    """A run with the calculations and failures of the practices the caller may see (the view
    limits the calculations; `visible_slugs` in the context limits the failures)."""

    calculations = FeeCalculationSerializer(many=True, read_only=True)
    failures = serializers.SerializerMethodField()

    @extend_schema_field(FeeRunFailureSerializer(many=True))
    def get_failures(self, run: FeeRun) -> list[dict]:
        return visible_failures(run.failures, self.context.get("visible_slugs"))

    class Meta:
        model = FeeRun
        fields = [
            "id",
            "period",
            "status",
            "failures",
            "approved_by",
            "approved_at",
            "calculations",
        ]


class FeeRunStartSerializer(serializers.Serializer):
    period = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])\Z", help_text="YYYY-MM")

    def validate_period(self, value: str) -> date:
        """The first day of the month (year 0000 matches the pattern but is no date)."""
        year, month = (int(part) for part in value.split("-"))
        if year < 1:
            raise serializers.ValidationError("Give a month of year 0001 or later.")
        return date(year, month, 1)


class InvoiceSerializer(serializers.ModelSerializer):
    lines = serializers.JSONField(source="calculation.lines", read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "practice",
            "period",
            "amount",
            "is_true_up",
            "status",
            "issued_at",
            "paid_at",
            "lines",
        ]
