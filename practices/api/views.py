from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from mso.accounts.policy import Action
from mso.api.serializers import ErrorSerializer
from mso.api.updates import patch_through
from mso.audit.api import AuditedListMixin
from mso.audit.services import audit_read
from mso.reference.models import Payer
from practices import services
from practices.api.serializers import (
    CoverageSerializer,
    LocationSerializer,
    PatientListSerializer,
    PatientSerializer,
    PayerEnrollmentSerializer,
    PayerSerializer,
    ProviderSerializer,
)
from practices.models import Coverage, Location, Patient, PayerEnrollment, Provider


class LocationListApi(generics.ListAPIView):
    """Service locations of the practice (tenant data)."""

    serializer_class = LocationSerializer
    policy_actions = {"GET": Action.LOCATION_VIEW, "POST": Action.LOCATION_MANAGE}
    queryset = Location.objects.all()
    filterset_fields = ["state", "place_of_service", "is_active"]
    search_fields = ["name", "city"]
    ordering_fields = ["name", "city", "created_at"]

    @extend_schema(
        request=LocationSerializer, responses={201: LocationSerializer, 400: ErrorSerializer}
    )
    def post(self, request):
        serializer = LocationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        location = services.location_create(actor=request.user, data=serializer.validated_data)
        return Response(LocationSerializer(location).data, status=status.HTTP_201_CREATED)


class LocationDetailApi(generics.RetrieveAPIView):
    serializer_class = LocationSerializer
    policy_actions = {"GET": Action.LOCATION_VIEW, "PATCH": Action.LOCATION_MANAGE}
    queryset = Location.objects.all()

    @extend_schema(
        request=LocationSerializer, responses={200: LocationSerializer, 400: ErrorSerializer}
    )
    def patch(self, request, pk):
        return patch_through(
            self, request, LocationSerializer, services.location_update, "location"
        )


class ProviderListApi(generics.ListAPIView):
    serializer_class = ProviderSerializer
    policy_actions = {"GET": Action.PATIENT_VIEW, "POST": Action.PATIENT_MANAGE}
    queryset = Provider.objects.all()
    filterset_fields = ["is_active"]
    search_fields = ["last_name", "first_name", "npi"]

    @extend_schema(
        request=ProviderSerializer, responses={201: ProviderSerializer, 400: ErrorSerializer}
    )
    def post(self, request):
        serializer = ProviderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        provider = services.provider_create(actor=request.user, data=serializer.validated_data)
        return Response(ProviderSerializer(provider).data, status=status.HTTP_201_CREATED)


class ProviderDetailApi(generics.RetrieveAPIView):
    """One provider; PATCH corrects the name, credential, taxonomy or NPI, or deactivates."""

    serializer_class = ProviderSerializer
    policy_actions = {"GET": Action.PATIENT_VIEW, "PATCH": Action.PATIENT_MANAGE}
    queryset = Provider.objects.all()

    @extend_schema(
        request=ProviderSerializer, responses={200: ProviderSerializer, 400: ErrorSerializer}
    )
    def patch(self, request, pk):
        return patch_through(
            self, request, ProviderSerializer, services.provider_update, "provider"
        )


@method_decorator(sensitive_post_parameters("ssn"), name="dispatch")
class PatientListApi(AuditedListMixin, generics.ListAPIView):
    """Patients of the practice. Listing returns the identifying minimum; the detail endpoint
    (audited) returns coverage."""

    serializer_class = PatientListSerializer
    policy_actions = {"GET": Action.PATIENT_VIEW, "POST": Action.PATIENT_MANAGE}
    queryset = Patient.objects.all()
    filterset_fields = ["external_id", "mrn"]
    search_fields = ["last_name", "first_name", "mrn"]

    @extend_schema(
        request=PatientSerializer, responses={201: PatientSerializer, 400: ErrorSerializer}
    )
    def post(self, request):
        serializer = PatientSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        patient = services.patient_create(actor=request.user, data=serializer.validated_data)
        return Response(PatientSerializer(patient).data, status=status.HTTP_201_CREATED)


@method_decorator(sensitive_post_parameters("ssn"), name="dispatch")
class PatientDetailApi(generics.RetrieveAPIView):
    """One patient with coverage (an audited read); PATCH corrects demographics."""

    serializer_class = PatientSerializer
    policy_actions = {"GET": Action.PATIENT_VIEW, "PATCH": Action.PATIENT_MANAGE}
    queryset = Patient.objects.prefetch_related("coverages__payer")

    def get_object(self):
        patient = super().get_object()
        if self.request.method == "GET":
            audit_read(actor=self.request.user, obj=patient)
        return patient

    @extend_schema(
        request=PatientSerializer, responses={200: PatientSerializer, 400: ErrorSerializer}
    )
    def patch(self, request, pk):
        return patch_through(self, request, PatientSerializer, services.patient_update, "patient")


class CoverageDetailApi(generics.RetrieveAPIView):
    """One coverage (an audited read); PATCH corrects it or ends it (`effective_to`,
    `is_active`)."""

    serializer_class = CoverageSerializer
    policy_actions = {"GET": Action.PATIENT_VIEW, "PATCH": Action.PATIENT_MANAGE}
    queryset = Coverage.objects.select_related("payer", "patient")

    def get_object(self):
        coverage = super().get_object()
        if self.request.method == "GET":
            audit_read(actor=self.request.user, obj=coverage)
        return coverage

    @extend_schema(
        request=CoverageSerializer, responses={200: CoverageSerializer, 400: ErrorSerializer}
    )
    def patch(self, request, pk):
        return patch_through(
            self, request, CoverageSerializer, services.coverage_update, "coverage"
        )


class CoverageCreateApi(generics.GenericAPIView):
    serializer_class = CoverageSerializer
    policy_actions = {"POST": Action.PATIENT_MANAGE}

    @extend_schema(responses={201: CoverageSerializer, 400: ErrorSerializer})
    def post(self, request):
        serializer = CoverageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        coverage = services.coverage_create(actor=request.user, data=serializer.validated_data)
        return Response(CoverageSerializer(coverage).data, status=status.HTTP_201_CREATED)


class PayerListApi(generics.ListAPIView):
    """The shared payer master."""

    serializer_class = PayerSerializer
    policy_actions = {"GET": Action.PATIENT_VIEW}
    queryset = Payer.objects.filter(is_active=True)
    search_fields = ["name", "payer_id"]


class EnrollmentListApi(generics.ListAPIView):
    """Which payers each provider (or the whole group) is enrolled with."""

    serializer_class = PayerEnrollmentSerializer
    policy_actions = {"GET": Action.PATIENT_VIEW, "POST": Action.PATIENT_MANAGE}
    queryset = PayerEnrollment.objects.select_related("payer", "provider")
    filterset_fields = ["payer", "provider", "status"]

    @extend_schema(responses={201: PayerEnrollmentSerializer, 400: ErrorSerializer})
    def post(self, request):
        serializer = PayerEnrollmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrollment = services.enrollment_create(actor=request.user, data=serializer.validated_data)
        return Response(PayerEnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)
