from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from compliance import selectors, services
from compliance.api.serializers import (
    BreachNoticeSerializer,
    CredentialSerializer,
    ExclusionMatchSerializer,
    ExclusionScreeningSerializer,
    IncidentAssessSerializer,
    IncidentSerializer,
    MatchDecisionSerializer,
    PolicyPublishSerializer,
    PolicySerializer,
)
from compliance.choices import MatchStatus
from compliance.models import Credential, ExclusionScreening, SecurityIncident
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


class IncidentListApi(generics.ListAPIView):
    """Security incidents with their breach-rule obligations. POST records one."""

    serializer_class = IncidentSerializer
    policy_actions = {"GET": Action.COMPLIANCE_VIEW, "POST": Action.COMPLIANCE_MANAGE}
    queryset = SecurityIncident.objects.prefetch_related("notices")
    filterset_fields = ["status", "category"]

    @extend_schema(responses={201: IncidentSerializer, 400: ErrorSerializer})
    def post(self, request):
        serializer = IncidentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = services.incident_report(actor=request.user, data=serializer.validated_data)
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)


class IncidentDetailApi(generics.RetrieveAPIView):
    serializer_class = IncidentSerializer
    policy_actions = {"GET": Action.COMPLIANCE_VIEW}
    queryset = SecurityIncident.objects.prefetch_related("notices")


class IncidentActionApi(generics.GenericAPIView):
    """`assess` (the four factors and the outcome), `notice` (a notice given) or `close`."""

    policy_actions = {"POST": Action.COMPLIANCE_MANAGE}
    queryset = SecurityIncident.objects.all()
    serializer_class = IncidentAssessSerializer
    _bodies = {"assess": IncidentAssessSerializer, "notice": BreachNoticeSerializer}

    @extend_schema(responses={200: IncidentSerializer, 400: ErrorSerializer})
    def post(self, request, pk, action):
        incident = self.get_object()
        if action == "close":
            services.incident_close(actor=request.user, incident=incident)
        elif action in self._bodies:
            body = self._bodies[action](data=request.data)
            body.is_valid(raise_exception=True)
            write = (
                services.incident_assess if action == "assess" else services.breach_notice_record
            )
            write(actor=request.user, incident=incident, data=body.validated_data)
        else:
            raise NotFound(f"No incident action {action!r}: assess, notice or close.")
        return Response(IncidentSerializer(self.get_queryset().get(pk=pk)).data)


class PolicyListApi(generics.ListAPIView):
    """The practice's policies with their current version. POST creates one with its first
    version (a clinical protocol: a provider only)."""

    serializer_class = PolicySerializer
    policy_actions = {"GET": Action.POLICY_VIEW, "POST": Action.POLICY_VIEW}
    queryset = selectors.policy_queryset()
    filterset_fields = ["category"]

    @extend_schema(responses={201: PolicySerializer, 400: ErrorSerializer})
    def post(self, request):
        serializer = PolicySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            created = services.policy_create(actor=request.user, data=serializer.validated_data)
        except services.PolicyDecisionError as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(PolicySerializer(created).data, status=status.HTTP_201_CREATED)


class PolicyDetailApi(generics.RetrieveAPIView):
    serializer_class = PolicySerializer
    policy_actions = {"GET": Action.POLICY_VIEW}
    queryset = selectors.policy_queryset()


class PolicyActionApi(generics.GenericAPIView):
    """`attest` (the caller read the current version) or `publish` (a new version)."""

    serializer_class = PolicyPublishSerializer
    policy_actions = {"POST": Action.POLICY_VIEW}
    queryset = selectors.policy_queryset()

    @extend_schema(responses={200: PolicySerializer, 400: ErrorSerializer})
    def post(self, request, pk, action):
        item = self.get_object()
        if action == "attest":
            current = item.versions.order_by("-number").first()
            services.policy_attest(actor=request.user, version=current)
        elif action == "publish":
            body = PolicyPublishSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            try:
                services.policy_publish(actor=request.user, policy=item, data=body.validated_data)
            except services.PolicyDecisionError as exc:
                raise PermissionDenied(str(exc)) from None
        else:
            raise NotFound(f"No policy action {action!r}: attest or publish.")
        return Response(PolicySerializer(self.get_queryset().get(pk=pk)).data)
