from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from compliance import selectors, services
from compliance.api.serializers import (
    CredentialSerializer,
    ExclusionMatchSerializer,
    ExclusionScreeningSerializer,
    MatchDecisionSerializer,
)
from compliance.choices import MatchStatus
from compliance.models import Credential, ExclusionScreening
from mso.accounts.policy import Action
from mso.api.serializers import ErrorSerializer
from mso.api.updates import patch_through


class ExclusionScreeningListApi(generics.ListAPIView):
    """The practice's exclusion screenings, newest first. POST screens now."""

    serializer_class = ExclusionScreeningSerializer
    policy_actions = {"GET": Action.COMPLIANCE_VIEW, "POST": Action.COMPLIANCE_MANAGE}
    queryset = ExclusionScreening.objects.select_related("run_by", "exclusion_list")
    filterset_fields = ["trigger"]

    @extend_schema(
        request=None, responses={201: ExclusionScreeningSerializer, 400: ErrorSerializer}
    )
    def post(self, request):
        screening = services.exclusion_screen(actor=request.user)
        return Response(
            ExclusionScreeningSerializer(screening).data, status=status.HTTP_201_CREATED
        )


class ExclusionMatchListApi(generics.ListAPIView):
    """Matches of the latest screening (decisions of earlier ones carried in);
    `?status=open|cleared|confirmed`."""

    serializer_class = ExclusionMatchSerializer
    policy_actions = {"GET": Action.COMPLIANCE_VIEW}

    def get_queryset(self):
        wanted = self.request.query_params.get("status")
        return selectors.match_list(wanted if wanted in MatchStatus.values else None)


class ExclusionMatchDecideApi(generics.GenericAPIView):
    """Record the decision on an open match: `cleared` (not the same person) or `confirmed`,
    with a note saying how it was decided."""

    serializer_class = MatchDecisionSerializer
    policy_actions = {"POST": Action.COMPLIANCE_MANAGE}

    def get_queryset(self):
        return selectors.match_list()

    @extend_schema(responses={200: ExclusionMatchSerializer, 400: ErrorSerializer})
    def post(self, request, pk):
        match = self.get_object()
        serializer = MatchDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        match = services.exclusion_match_decide(
            actor=request.user, match=match, **serializer.validated_data
        )
        return Response(ExclusionMatchSerializer(match).data)


class CredentialListApi(generics.ListAPIView):
    """Providers' credentials with their expiry status. POST records one."""

    serializer_class = CredentialSerializer
    policy_actions = {"GET": Action.COMPLIANCE_VIEW, "POST": Action.COMPLIANCE_MANAGE}
    queryset = Credential.objects.select_related("provider", "verified_by")
    filterset_fields = ["provider", "kind", "state"]
    ordering_fields = ["expires_on", "kind"]

    @extend_schema(responses={201: CredentialSerializer, 400: ErrorSerializer})
    def post(self, request):
        serializer = CredentialSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        credential = services.credential_create(actor=request.user, data=serializer.validated_data)
        return Response(CredentialSerializer(credential).data, status=status.HTTP_201_CREATED)


class CredentialDetailApi(generics.RetrieveAPIView):
    """One credential; PATCH corrects or renews it (a new expiry or number needs verifying
    again)."""

    serializer_class = CredentialSerializer
    policy_actions = {"GET": Action.COMPLIANCE_VIEW, "PATCH": Action.COMPLIANCE_MANAGE}
    queryset = Credential.objects.select_related("provider", "verified_by")

    @extend_schema(responses={200: CredentialSerializer, 400: ErrorSerializer})
    def patch(self, request, pk):
        return patch_through(
            self, request, CredentialSerializer, services.credential_update, "credential"
        )
