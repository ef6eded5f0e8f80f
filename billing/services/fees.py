from datetime import date
from decimal import Decimal

from django.db.models import Q

from billing.models import FeeScheduleItem


def fee_for(*, procedure_code: str, modifier: str = "", payer=None, on: date) -> Decimal | None:
    """The practice's charge for a code on a date: the payer's schedule first, then the
    default schedule; a modifier-specific fee before the plain one."""
    items = (
        FeeScheduleItem.objects.filter(
            procedure_code=procedure_code,
            modifier__in={modifier, ""},
            schedule__effective_from__lte=on,
        )
        .filter(Q(schedule__effective_to__isnull=True) | Q(schedule__effective_to__gte=on))
        .filter(Q(schedule__payer=payer) | Q(schedule__payer__isnull=True))
        .select_related("schedule")
    )
    ranked = sorted(
        items,
        key=lambda item: (
            item.schedule.payer_id is None,
            item.modifier == "",
            -item.schedule.effective_from.toordinal(),
        ),
    )
    return ranked[0].amount if ranked else None
