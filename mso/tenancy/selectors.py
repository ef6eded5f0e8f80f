from django.db.models import Count, Prefetch, QuerySet

from mso.accounts import policy

from .models import Owner, Practice


def practice_list(*, user) -> QuerySet[Practice]:
    """Practices (and the MSO back office) the user may see on the MSO portal."""
    queryset = (
        Practice.objects.tenants()
        .prefetch_related("domains", Prefetch("owners", queryset=Owner.objects.all()))
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name")  # Meta.ordering is not applied to GROUP BY queries
    )
    visible = policy.visible_practice_ids(user)
    if visible is not None:
        queryset = queryset.filter(pk__in=visible)
    return queryset
