from django.db import connection
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from contracts import services
from contracts.api import serializers as s
from contracts.models import Agreement, FeeCalculation, FeeRun, Invoice
from contracts.selectors import visible_slugs, visible_to
from mso.accounts.policy import Action
from mso.api.serializers import ErrorSerializer
from mso.jobs.api.serializers import JobSerializer


class AgreementListApi(generics.ListAPIView):
    """MSO portal: agreements. POST creates one with its FMV opinion (MSO admins)."""

    serializer_class = s.AgreementSerializer
    policy_actions = {"GET": Action.CONTRACT_VIEW, "POST": Action.CONTRACT_MANAGE}
    queryset = Agreement.objects.select_related("practice").prefetch_related("fmv_opinions")
    filterset_fields = ["practice", "fee_model"]

    def get_queryset(self):
        return visible_to(self.request.user, super().get_queryset())

    @extend_schema(
        request=s.AgreementInputSerializer,
        responses={201: s.AgreementSerializer, 400: ErrorSerializer},
    )
    def post(self, request):
        serializer = s.AgreementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        practice = data.pop("practice")
        agreement = services.agreement_create(actor=request.user, practice=practice, data=data)
        return Response(s.AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)


class FeeRunListApi(generics.ListAPIView):
    """Fee runs with each practice's calculation. POST starts a run for a month (202)."""

    serializer_class = s.FeeRunSerializer
    policy_actions = {"GET": Action.CONTRACT_VIEW, "POST": Action.CONTRACT_MANAGE}
    queryset = FeeRun.objects.all()

    def get_queryset(self):
        # Every run, with only the calculations of practices this user may see.
        calculations = visible_to(
            self.request.user,
            FeeCalculation.objects.select_related("agreement__practice"),
            "agreement__practice",
        )
        return super().get_queryset().prefetch_related(Prefetch("calculations", calculations))

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "visible_slugs": visible_slugs(self.request.user),
        }

    @extend_schema(
        request=s.FeeRunStartSerializer, responses={202: JobSerializer, 400: ErrorSerializer}
    )
    def post(self, request):
        serializer = s.FeeRunStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = services.fee_run_start(actor=request.user, period=serializer.validated_data["period"])
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class FeeRunApproveApi(generics.GenericAPIView):
    serializer_class = s.InvoiceSerializer
    policy_actions = {"POST": Action.CONTRACT_MANAGE}
    queryset = FeeRun.objects.all()
    pagination_class = None  # the invoices just issued, all of them
    filter_backends = []

    @extend_schema(request=None, responses={200: s.InvoiceSerializer(many=True)})
    def post(self, request, pk):
        issued = services.fee_run_approve(actor=request.user, run=self.get_object())
        return Response(s.InvoiceSerializer(issued, many=True).data)


class InvoiceListApi(generics.ListAPIView):
    """On the portal: every invoice. On a practice host: that practice's invoices."""

    serializer_class = s.InvoiceSerializer
    policy_actions = {"GET": Action.PRACTICE_INVOICE_VIEW}
    portal_policy_actions = {"GET": Action.CONTRACT_VIEW}
    filterset_fields = ["status", "period", "practice"]

    def get_queryset(self):
        invoices = Invoice.objects.select_related("calculation")
        tenant = getattr(self.request, "tenant", None)
        if tenant is not None and tenant.kind != "portal":
            return invoices.filter(practice_id=connection.tenant.pk)
        return visible_to(self.request.user, invoices)
