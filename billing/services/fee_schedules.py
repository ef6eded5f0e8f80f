from decimal import Decimal

from django.db import transaction

from billing.exceptions import BillingError
from billing.models import FeeSchedule, FeeScheduleItem
from billing.scrubber.codes import modifier_is_well_formed, procedure_code_kind
from mso.audit.services import audit_record


def fee_schedule_errors(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not str(data.get("name", "")).strip():
        errors["name"] = ["Name the fee schedule."]
    start, end = data.get("effective_from"), data.get("effective_to")
    if start is None:
        errors["effective_from"] = ["Enter the first day the fees apply."]
    elif end is not None and end < start:
        errors["effective_to"] = ["The schedule cannot end before it starts."]
    seen = set()
    for index, item in enumerate(data.get("items") or []):
        code = str(item.get("procedure_code", "")).upper()
        modifier = str(item.get("modifier") or "").upper()
        if procedure_code_kind(code) is None:
            errors[f"items[{index}].procedure_code"] = [f"'{code}' is not a CPT/HCPCS code."]
        if modifier and not modifier_is_well_formed(modifier):
            errors[f"items[{index}].modifier"] = ["A modifier is 2 letters or digits."]
        amount = item.get("amount")
        if amount is None or Decimal(amount) < 0:
            errors[f"items[{index}].amount"] = ["A fee is zero or more."]
        if (code, modifier) in seen:
            errors[f"items[{index}].procedure_code"] = [f"{code} {modifier} is listed twice."]
        seen.add((code, modifier))
    return errors


@transaction.atomic
def fee_schedule_create(*, actor, data: dict) -> FeeSchedule:
    if errors := fee_schedule_errors(data):
        raise BillingError(errors)
    schedule = FeeSchedule.objects.create(
        name=data["name"].strip(),
        payer=data.get("payer"),
        effective_from=data["effective_from"],
        effective_to=data.get("effective_to"),
    )
    FeeScheduleItem.objects.bulk_create(
        FeeScheduleItem(
            schedule=schedule,
            procedure_code=item["procedure_code"].upper(),
            modifier=(item.get("modifier") or "").upper(),
            amount=item["amount"],
            description=item.get("description", ""),
        )
        for item in data.get("items") or []
    )
    audit_record(
        actor=actor,
        action="fee_schedule.create",
        obj=schedule,
        changes={"items": len(data.get("items") or [])},
    )
    return schedule
