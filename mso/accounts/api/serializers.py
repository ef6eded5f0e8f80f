from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mso.accounts.choices import Role
from mso.accounts.models import ApiToken, Membership, User
from mso.accounts.scopes import SCOPES
from mso.tenancy.models import Practice


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    practice_slug = serializers.CharField(source="practice.slug", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "email",
            "full_name",
            "practice",
            "practice_slug",
            "role",
            "created_at",
        ]
        read_only_fields = fields


class MembershipCreateSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    practice = serializers.PrimaryKeyRelatedField(
        queryset=Practice.objects.tenants(),
        required=False,
        help_text="Portal only; on a practice host the host's practice is used.",
    )


class MembershipUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()
    role_here = serializers.SerializerMethodField()
    token_scopes = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "memberships", "role_here", "token_scopes"]

    @extend_schema_field(MembershipSerializer(many=True))
    def get_memberships(self, user) -> list[dict]:
        memberships = list(user.memberships.all())
        token = self.context.get("token")
        if token is not None:
            # A token sees only its own practice.
            memberships = [m for m in memberships if m.practice_id == token.practice_id]
        return MembershipSerializer(memberships, many=True).data

    def get_role_here(self, user) -> str | None:
        return self.context.get("role_here")

    def get_token_scopes(self, user) -> list[str] | None:
        token = self.context.get("token")
        return token.scopes if token is not None else None


class TokenSerializer(serializers.ModelSerializer):
    user_email = serializers.EmailField(source="user.email", read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "user",
            "user_email",
            "scopes",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "is_active",
        ]
        read_only_fields = fields


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), help_text="An integrator member of this practice."
    )
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(SCOPES)), allow_empty=False
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class TokenCreatedSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class InvitationCreateSerializer(MembershipCreateSerializer):
    pass


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.CharField()
    practice = serializers.IntegerField(source="practice_id")
    expires_at = serializers.DateTimeField()
    accept_url = serializers.CharField()
