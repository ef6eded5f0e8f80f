from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from billing import selectors_kpis
from billing.api import serializers as s
from billing.models import (
    Acknowledgement,
    Claim,
    ClaimBatchFile,
    CodingQuery,
    DenialCase,
    Encounter,
    FeeSchedule,
    PatientPayment,
    Remittance,
)
from billing.selectors import claim_queryset
from billing.services import (
    acks,
    batches,
    claims,
    coding,
    denials,
    encounters,
    fee_schedules,
    patient_billing,
    remittances,
)
from billing.uploads import upload_text
from mso.accounts.models import User
from mso.accounts.policy import Action
from mso.api.serializers import ErrorSerializer
from mso.audit.api import AuditedDetailMixin, AuditedListMixin
from mso.audit.services import audit_read
from mso.jobs.api.serializers import JobSerializer


def _encounters():
    return Encounter.objects.select_related("patient", "provider").prefetch_related(
        "lines", "clinical_changes__decided_by"
    )


class EncounterListApi(AuditedListMixin, generics.ListAPIView):
    """Encounters (visits with their codes and charges). POST is charge capture: providers
    and the EHR's token only (CPOM)."""

    serializer_class = s.EncounterSerializer
    policy_actions = {"GET": Action.ENCOUNTER_VIEW, "POST": Action.ENCOUNTER_CREATE}
    filterset_fields = ["patient", "provider", "date_of_service", "external_id"]
    ordering_fields = ["date_of_service", "created_at"]

    def get_queryset(self):
        return _encounters()

    @extend_schema(
        request=s.EncounterInputSerializer,
        responses={201: s.EncounterSerializer, 200: s.EncounterSerializer, 400: ErrorSerializer},
    )
    def post(self, request):
        serializer = s.EncounterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        encounter, created = encounters.encounter_create(
            actor=request.user, data=serializer.validated_data
        )
        body = s.EncounterSerializer(_encounters().get(pk=encounter.pk)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class EncounterDetailApi(generics.RetrieveAPIView):
    """One encounter (audited read). PATCH changes diagnoses or line codes: providers only."""

    serializer_class = s.EncounterSerializer
    policy_actions = {"GET": Action.ENCOUNTER_VIEW, "PATCH": Action.CLINICAL_DECIDE}

    def get_queryset(self):
        return _encounters()

    def get_object(self):
        encounter = super().get_object()
        audit_read(actor=self.request.user, obj=encounter)
        return encounter

    @extend_schema(
        request=s.ClinicalUpdateSerializer,
        responses={200: s.EncounterSerializer, 400: ErrorSerializer},
    )
    def patch(self, request, pk):
        encounter = get_object_or_404(Encounter, pk=pk)
        serializer = s.ClinicalUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        encounters.encounter_clinical_apply(
            actor=request.user,
            encounter=encounter,
            diagnosis_codes=serializer.validated_data.get("diagnosis_codes"),
            lines=serializer.validated_data.get("lines"),
        )
        return Response(s.EncounterSerializer(_encounters().get(pk=pk)).data)


class CodingQueryListApi(AuditedListMixin, generics.ListAPIView):
    """Coding queries. POST raises one (MSO coders, practice managers); a provider decides."""

    serializer_class = s.CodingQuerySerializer
    policy_actions = {"GET": Action.ENCOUNTER_VIEW, "POST": Action.CODING_QUERY_RAISE}
    queryset = CodingQuery.objects.select_related("raised_by", "decided_by")
    filterset_fields = ["status", "encounter"]

    @extend_schema(responses={201: s.CodingQuerySerializer, 400: ErrorSerializer})
    def post(self, request):
        serializer = s.CodingQuerySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        query = coding.coding_query_raise(
            actor=request.user,
            encounter=data["encounter"],
            question=data["question"],
            proposed_diagnosis_codes=data.get("proposed_diagnosis_codes"),
            proposed_lines=data.get("proposed_lines"),
        )
        return Response(s.CodingQuerySerializer(query).data, status=status.HTTP_201_CREATED)


class CodingQueryDecideApi(generics.GenericAPIView):
    serializer_class = s.CodingQueryDecisionSerializer
    policy_actions = {"POST": Action.CLINICAL_DECIDE}

    @extend_schema(responses={200: s.CodingQuerySerializer, 400: ErrorSerializer})
    def post(self, request, pk):
        query = get_object_or_404(CodingQuery, pk=pk)
        serializer = s.CodingQueryDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        query = coding.coding_query_decide(
            actor=request.user,
            query=query,
            accept=serializer.validated_data["accept"],
            note=serializer.validated_data["note"],
        )
        return Response(s.CodingQuerySerializer(query).data)


class ClaimListApi(AuditedListMixin, generics.ListAPIView):
    serializer_class = s.ClaimSerializer
    policy_actions = {"GET": Action.CLAIM_VIEW, "POST": Action.CLAIM_MANAGE}
    filterset_fields = ["status", "payer", "frequency_code", "batch", "encounter"]
    search_fields = ["patient_control_number", "payer_claim_number"]
    ordering_fields = ["created_at", "total_charge", "status_changed_at"]

    def get_queryset(self):
        return claim_queryset()

    @extend_schema(
        request=s.ClaimBuildSerializer,
        responses={201: s.ClaimDetailSerializer, 400: ErrorSerializer},
        description="Build a claim from an encounter and scrub it.",
    )
    def post(self, request):
        serializer = s.ClaimBuildSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = claims.claim_build(actor=request.user, **serializer.validated_data)
        return Response(s.ClaimDetailSerializer(claim).data, status=status.HTTP_201_CREATED)


class ClaimDetailApi(generics.RetrieveAPIView):
    serializer_class = s.ClaimDetailSerializer
    policy_actions = {"GET": Action.CLAIM_VIEW}

    def get_queryset(self):
        return claim_queryset().prefetch_related("history")

    def get_object(self):
        claim = super().get_object()
        audit_read(actor=self.request.user, obj=claim)
        return claim


class ClaimActionApi(generics.GenericAPIView):
    """Base of the claim actions (scrub, correct, void): claim managers only."""

    policy_actions = {"POST": Action.CLAIM_MANAGE}
    serializer_class = s.ClaimDetailSerializer

    def claim(self, pk) -> Claim:
        return get_object_or_404(Claim, pk=pk)

    def respond(self, claim, code=status.HTTP_200_OK):
        return Response(
            s.ClaimDetailSerializer(claim_queryset().get(pk=claim.pk)).data, status=code
        )


class ClaimScrubApi(ClaimActionApi):
    @extend_schema(request=None, responses={200: s.ClaimDetailSerializer, 400: ErrorSerializer})
    def post(self, request, pk):
        return self.respond(claims.claim_scrub(actor=request.user, claim=self.claim(pk)))


class ClaimCorrectApi(ClaimActionApi):
    @extend_schema(
        request=s.ClaimCorrectSerializer,
        responses={201: s.ClaimDetailSerializer, 400: ErrorSerializer},
        description="Send a replacement claim (frequency 7, REF*F8).",
    )
    def post(self, request, pk):
        serializer = s.ClaimCorrectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        replacement = claims.claim_correct(
            actor=request.user, claim=self.claim(pk), **serializer.validated_data
        )
        return self.respond(replacement, status.HTTP_201_CREATED)


class ClaimVoidApi(ClaimActionApi):
    @extend_schema(
        request=s.ClaimVoidSerializer,
        responses={200: s.ClaimDetailSerializer, 400: ErrorSerializer},
        description="Void a claim; one the payer accepted gets a frequency 8 claim.",
    )
    def post(self, request, pk):
        serializer = s.ClaimVoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = claims.claim_void(
            actor=request.user, claim=self.claim(pk), **serializer.validated_data
        )
        return self.respond(result)


class BatchListApi(generics.ListAPIView):
    """837P files. POST starts a batch run (202 with the job to follow)."""

    serializer_class = s.BatchSerializer
    policy_actions = {"GET": Action.CLAIM_VIEW, "POST": Action.BATCH_RUN}
    queryset = ClaimBatchFile.objects.select_related("payer")
    filterset_fields = ["status", "payer"]

    @extend_schema(request=None, responses={202: JobSerializer})
    def post(self, request):
        job = batches.batch_run_start(actor=request.user)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class BatchDetailApi(generics.RetrieveAPIView):
    serializer_class = s.BatchSerializer
    policy_actions = {"GET": Action.CLAIM_VIEW}
    queryset = ClaimBatchFile.objects.select_related("payer")


class BatchFileApi(AuditedDetailMixin, generics.GenericAPIView):
    """The 837P file itself."""

    policy_actions = {"GET": Action.CLAIM_VIEW}
    serializer_class = s.BatchSerializer
    queryset = ClaimBatchFile.objects.all()

    @extend_schema(responses={(200, "text/plain"): str})
    def get(self, request, pk):
        return batch_file_response(self.get_object())


def batch_file_response(batch: ClaimBatchFile) -> HttpResponse:
    response = HttpResponse(batch.content, content_type="text/plain; charset=us-ascii")
    response["Content-Disposition"] = f'attachment; filename="{batch.file_name}"'
    return response


class AcknowledgementListApi(generics.ListAPIView):
    """999 and 277CA files. POST applies one (multipart `file`, or JSON `content`)."""

    serializer_class = s.AcknowledgementSerializer
    policy_actions = {"GET": Action.CLAIM_VIEW, "POST": Action.ACK_UPLOAD}
    queryset = Acknowledgement.objects.all()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=s.AcknowledgementUploadSerializer,
        responses={
            201: s.AcknowledgementSerializer,
            200: s.AcknowledgementSerializer,
            400: ErrorSerializer,
        },
    )
    def post(self, request):
        serializer = s.AcknowledgementUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name, content = upload_text(serializer.validated_data)
        ack, created = acks.ack_apply(actor=request.user, file_name=name, content=content)
        return Response(
            s.AcknowledgementSerializer(ack).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class FeeScheduleListApi(generics.ListAPIView):
    """The practice's charges: the default schedule (no payer) and payer-specific ones."""

    serializer_class = s.FeeScheduleSerializer
    policy_actions = {"GET": Action.CLAIM_VIEW, "POST": Action.CLAIM_MANAGE}
    queryset = FeeSchedule.objects.select_related("payer").prefetch_related("items")
    filterset_fields = ["payer"]

    @extend_schema(responses={201: s.FeeScheduleSerializer, 400: ErrorSerializer})
    def post(self, request):
        serializer = s.FeeScheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        schedule = fee_schedules.fee_schedule_create(
            actor=request.user, data=serializer.validated_data
        )
        return Response(s.FeeScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)


class RemittanceListApi(generics.ListAPIView):
    """835 remittances. POST posts one (multipart `file` or JSON `content`): all or nothing;
    the same payer + trace number again answers 200 with `already_posted`."""

    serializer_class = s.RemittanceSerializer
    policy_actions = {"GET": Action.CLAIM_VIEW, "POST": Action.ACK_UPLOAD}
    queryset = Remittance.objects.all()
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["payer", "trace_number"]

    @extend_schema(
        request=s.AcknowledgementUploadSerializer,
        responses={201: s.RemittanceSerializer, 200: s.RemittanceSerializer, 400: ErrorSerializer},
    )
    def post(self, request):
        serializer = s.AcknowledgementUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name, content = upload_text(serializer.validated_data)
        remittance, created = remittances.era_post(
            actor=request.user, file_name=name, content=content
        )
        body = s.RemittanceSerializer(remittance, context={"already_posted": not created}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class RemittanceDetailApi(generics.RetrieveAPIView):
    serializer_class = s.RemittanceSerializer
    policy_actions = {"GET": Action.CLAIM_VIEW}
    queryset = Remittance.objects.all()


class DenialListApi(AuditedListMixin, generics.ListAPIView):
    """Denied claims being worked (filter by status, payer)."""

    serializer_class = s.DenialSerializer
    policy_actions = {"GET": Action.CLAIM_VIEW}
    queryset = DenialCase.objects.select_related("claim", "payer")
    filterset_fields = ["status", "payer", "assigned_to", "whole_claim"]


class DenialDetailApi(AuditedDetailMixin, generics.RetrieveAPIView):
    """One denial. POST performs an action: assign, note, resubmit (frequency 7), appeal,
    write_off (request), approve or decline (the write-off; someone else than the requester)."""

    serializer_class = s.DenialSerializer
    policy_actions = {"GET": Action.CLAIM_VIEW, "POST": Action.CLAIM_MANAGE}
    queryset = DenialCase.objects.select_related("claim", "payer")

    @extend_schema(
        request=s.DenialActionSerializer, responses={200: s.DenialSerializer, 400: ErrorSerializer}
    )
    def post(self, request, pk):
        case = self.get_object()
        serializer = s.DenialActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        denials.denial_act(
            actor=request.user,
            case=case,
            action=data["action"],
            text=data["text"],
            assignee=User.objects.filter(pk=data.get("assignee")).first(),
        )
        return Response(s.DenialSerializer(self.get_object()).data)


class KpiApi(generics.GenericAPIView):
    """The practice's revenue-cycle KPIs (last 90 days), with their definitions, and A/R."""

    serializer_class = s.KpiDashboardSerializer
    policy_actions = {"GET": Action.CLAIM_VIEW}
    pagination_class = None
    filter_backends = []

    def get(self, request):
        data = selectors_kpis.dashboard(timezone.localdate())
        body = {
            "as_of": data["as_of"],
            "period": data["period"],
            "kpis": data["kpis"],
            "ar_total": data["ar_total"],
            "insurance_aging": {row.key: dict(row.bucket_list) for row in data["insurance"].rows},
            "patient_ar_total": data["patients"].total.total,
        }
        return Response(s.KpiDashboardSerializer(body).data)


class PatientPaymentApi(AuditedListMixin, generics.ListAPIView):
    """Patient payments and refunds. POST records one (refunds only up to the credit)."""

    serializer_class = s.PatientPaymentSerializer
    policy_actions = {"GET": Action.CLAIM_VIEW, "POST": Action.CLAIM_MANAGE}
    queryset = PatientPayment.objects.all()
    filterset_fields = ["patient", "kind"]

    @extend_schema(responses={201: s.PatientPaymentSerializer, 400: ErrorSerializer})
    def post(self, request):
        serializer = s.PatientPaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = patient_billing.patient_payment_record(
            actor=request.user, **serializer.validated_data
        )
        return Response(s.PatientPaymentSerializer(payment).data, status=status.HTTP_201_CREATED)
