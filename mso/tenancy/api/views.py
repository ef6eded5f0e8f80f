from django.db import connection
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from mso.accounts.policy import Action
from mso.api.errors import validation_response
from mso.api.serializers import ErrorSerializer
from mso.tenancy.exceptions import OnboardingError
from mso.tenancy.models import Practice
from mso.tenancy.selectors import practice_list
from mso.tenancy.services import practice_onboard

from .serializers import (
    OnboardingResultSerializer,
    OnboardingSerializer,
    PracticeSerializer,
)


class PracticeFilter(filters.FilterSet):
    class Meta:
        model = Practice
        fields = ["status", "kind", "state"]


class PracticeListApi(generics.ListAPIView):
    """MSO portal: every practice the caller may see. POST onboards a Friendly PC."""

    serializer_class = PracticeSerializer
    policy_actions = {"GET": Action.PRACTICE_LIST, "POST": Action.PRACTICE_ONBOARD}
    filterset_class = PracticeFilter
    search_fields = ["name", "slug", "group_npi"]
    ordering_fields = ["name", "created_at", "status"]

    def get_queryset(self):
        return practice_list(user=self.request.user)

    @extend_schema(
        request=OnboardingSerializer,
        responses={202: OnboardingResultSerializer, 400: ErrorSerializer},
        description="Validates the practice and its owners, records it and queues the "
        "creation of its schema. Follow the returned job at /api/v1/jobs/{id}/.",
    )
    def post(self, request):
        serializer = OnboardingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            practice, job = practice_onboard(actor=request.user, data=serializer.to_input())
        except OnboardingError as exc:
            return validation_response(
                "The practice cannot be onboarded.", exc.errors.as_field_dict()
            )
        body = OnboardingResultSerializer({"practice": practice, "job": job}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


class PracticeDetailApi(generics.RetrieveAPIView):
    serializer_class = PracticeSerializer
    policy_actions = {"GET": Action.PRACTICE_LIST}

    def get_queryset(self):
        return practice_list(user=self.request.user)


class CurrentPracticeApi(generics.GenericAPIView):
    """Practice host: the practice this host serves, with its owners."""

    serializer_class = PracticeSerializer
    policy_actions = {"GET": Action.PRACTICE_VIEW}

    def get(self, request):
        practice = Practice.objects.prefetch_related("domains", "owners").get(
            pk=connection.tenant.pk
        )
        return Response(PracticeSerializer(practice).data)
