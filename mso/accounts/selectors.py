from django.db.models import QuerySet

from . import policy
from .models import ApiToken, Membership, User


def membership_list(*, user, practice) -> QuerySet[Membership]:
    """On a practice host: that practice's members. On the portal: members of every practice
    the user may list."""
    queryset = Membership.objects.select_related("user", "practice")
    if practice is not None:
        return queryset.filter(practice=practice)
    visible = policy.visible_practice_ids(user)
    return queryset if visible is None else queryset.filter(practice_id__in=visible)


def token_list(*, practice) -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user", "created_by").filter(practice=practice)


def user_directory() -> QuerySet[User]:
    return User.objects.prefetch_related("memberships__practice", "totp_devices").order_by("email")
