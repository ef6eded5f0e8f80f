from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mso.accounts import policy, services
from mso.accounts.choices import MSO_ROLES
from mso.accounts.exceptions import AccountsError
from mso.accounts.models import ApiToken, User
from mso.accounts.policy import Action
from mso.accounts.selectors import membership_list, token_list
from mso.api.serializers import ErrorSerializer
from mso.tenancy.context import request_practice
from mso.tenancy.models import Practice
from mso.tenancy.urls import practice_url

from .serializers import (
    InvitationCreateSerializer,
    InvitationSerializer,
    MembershipCreateSerializer,
    MembershipSerializer,
    MembershipUpdateSerializer,
    MeSerializer,
    TokenCreatedSerializer,
    TokenCreateSerializer,
    TokenSerializer,
)


def _token(request):
    return request.auth if hasattr(request.auth, "scopes") else None


def _target_practice(request, data) -> Practice:
    """The host's practice, or on the portal the `practice` given in the body."""
    practice = request_practice(request)
    if practice is not None:
        return practice
    practice = data.get("practice")
    if practice is None:
        raise AccountsError({"practice": ["Choose the practice."]})
    visible = policy.visible_practice_ids(request.user)
    if visible is not None and practice.pk not in visible:
        raise AccountsError({"practice": ["You cannot manage this practice."]})
    return practice


class MeApi(generics.GenericAPIView):
    """The signed-in user (or a token's integrator), with memberships and the role here."""

    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]

    def get(self, request):
        practice = request_practice(request)
        user = User.objects.prefetch_related("memberships__practice").get(pk=request.user.pk)
        context = {
            "role_here": policy.role_in(user, practice) if practice else None,
            "token": _token(request),
        }
        return Response(MeSerializer(user, context=context).data)


class MembershipListApi(generics.ListAPIView):
    """Members and their roles: of this practice (practice host) or of every practice the
    caller manages (portal). POST grants a role to an existing user."""

    serializer_class = MembershipSerializer
    policy_actions = {"GET": Action.MEMBERSHIP_VIEW, "POST": Action.MEMBERSHIP_MANAGE}
    filterset_fields = ["role", "practice"]
    search_fields = ["user__email", "user__full_name"]

    # On the portal, listing and granting across practices is for MSO roles; the service
    # then checks the grant against the target practice.
    portal_policy_actions = {"GET": Action.PORTAL_ACCESS, "POST": Action.PORTAL_ACCESS}

    def get_queryset(self):
        return membership_list(user=self.request.user, practice=request_practice(self.request))

    @extend_schema(
        request=MembershipCreateSerializer,
        responses={201: MembershipSerializer, 400: ErrorSerializer},
    )
    def post(self, request):
        serializer = MembershipCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        practice = _target_practice(request, serializer.validated_data)
        user = User.objects.filter(email__iexact=serializer.validated_data["email"]).first()
        if user is None:
            raise AccountsError({"email": ["No user has this email; send an invitation."]})
        membership = services.membership_grant(
            actor=request.user, user=user, practice=practice, role=serializer.validated_data["role"]
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class MembershipDetailApi(generics.GenericAPIView):
    serializer_class = MembershipSerializer
    policy_actions = {
        "GET": Action.MEMBERSHIP_VIEW,
        "PATCH": Action.MEMBERSHIP_MANAGE,
        "DELETE": Action.MEMBERSHIP_MANAGE,
    }

    portal_policy_actions = {"*": Action.PORTAL_ACCESS}

    def get_object(self):
        queryset = membership_list(user=self.request.user, practice=request_practice(self.request))
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get(self, request, pk):
        return Response(MembershipSerializer(self.get_object()).data)

    @extend_schema(
        request=MembershipUpdateSerializer,
        responses={200: MembershipSerializer, 400: ErrorSerializer},
    )
    def patch(self, request, pk):
        membership = self.get_object()
        serializer = MembershipUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_grant(
            actor=request.user,
            user=membership.user,
            practice=membership.practice,
            role=serializer.validated_data["role"],
        )
        return Response(MembershipSerializer(membership).data)

    @extend_schema(responses={204: None, 400: ErrorSerializer})
    def delete(self, request, pk):
        services.membership_revoke(actor=request.user, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationCreateApi(generics.GenericAPIView):
    """Invite someone by email into a role. Returns the one-time link to send them."""

    serializer_class = InvitationCreateSerializer
    policy_actions = {"POST": Action.MEMBERSHIP_MANAGE}

    portal_policy_actions = {"POST": Action.PORTAL_ACCESS}

    @extend_schema(responses={201: InvitationSerializer, 400: ErrorSerializer})
    def post(self, request):
        serializer = InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        practice = _target_practice(request, serializer.validated_data)
        invitation, secret = services.invitation_create(
            actor=request.user,
            email=serializer.validated_data["email"],
            practice=practice,
            role=serializer.validated_data["role"],
        )
        invitation.accept_url = invitation_link(request, invitation, secret)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


def invitation_link(request, invitation, secret: str) -> str:
    target = invitation.practice
    if target.kind == "mso" or invitation.role in MSO_ROLES:
        target = Practice.objects.get(kind="portal")
    return practice_url(request, target, f"/accounts/invitation/{secret}/")


class TokenListApi(generics.ListAPIView):
    """Practice host: API tokens of this practice. POST issues one (shown once)."""

    serializer_class = TokenSerializer
    policy_actions = {"GET": Action.TOKEN_VIEW, "POST": Action.TOKEN_MANAGE}

    def get_queryset(self):
        practice = request_practice(self.request)
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()  # schema generation: only the model matters
        if practice is None:
            raise Http404
        return token_list(practice=practice)

    @extend_schema(
        request=TokenCreateSerializer, responses={201: TokenCreatedSerializer, 400: ErrorSerializer}
    )
    def post(self, request):
        practice = request_practice(request)
        if practice is None:
            raise Http404
        serializer = TokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token, plain = services.token_create(
            actor=request.user,
            practice=practice,
            user=data["user"],
            name=data["name"],
            scopes=data["scopes"],
            expires_at=data.get("expires_at"),
        )
        token.token = plain
        return Response(TokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)


class TokenRevokeApi(generics.GenericAPIView):
    serializer_class = TokenSerializer
    policy_actions = {"POST": Action.TOKEN_MANAGE}

    @extend_schema(request=None, responses={200: TokenSerializer})
    def post(self, request, pk):
        practice = request_practice(request)
        if practice is None:
            raise Http404
        token = get_object_or_404(token_list(practice=practice), pk=pk)
        token = services.token_revoke(actor=request.user, token=token)
        return Response(TokenSerializer(token).data)
