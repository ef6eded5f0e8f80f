"""Working denials: assign, annotate, then correct and resubmit, appeal, or write off (a
write-off needs a second person's approval)."""

from django.db import transaction
from django.utils import timezone

from billing.choices import DENIAL_OPEN_STATUSES, DenialStatus
from billing.exceptions import BillingError
from billing.models import DenialCase, DenialNote
from mso.accounts import policy
from mso.audit.services import audit_record
from mso.tenancy.context import current_practice

from .claims import claim_correct


def _open(case: DenialCase) -> DenialCase:
    case = DenialCase.objects.select_for_update().select_related("claim").get(pk=case.pk)
    if case.status not in DENIAL_OPEN_STATUSES:
        raise BillingError(f"This denial is {case.get_status_display().lower()}.")
    return case


def _note(case, actor, text: str) -> None:
    DenialNote.objects.create(case=case, author=actor, text=text)


@transaction.atomic
def denial_assign(*, actor, case: DenialCase, assignee) -> DenialCase:
    case = _open(case)
    # Someone who works this practice's claims: MSO staff assigned to another practice, or
    # another practice's manager, may not be handed this practice's denials.
    if assignee is not None and not policy.can(
        assignee, policy.Action.CLAIM_MANAGE, current_practice()
    ):
        raise BillingError(
            {"assignee": ["Assign denials to someone who works this practice's claims."]}
        )
    case.assigned_to = assignee
    case.save(update_fields=["assigned_to"])
    audit_record(
        actor=actor,
        action="denial.assign",
        obj=case,
        changes={"assignee": assignee.email if assignee else None},
    )
    return case


@transaction.atomic
def denial_note(*, actor, case: DenialCase, text: str) -> DenialNote:
    if not text.strip():
        raise BillingError({"text": ["Write the note."]})
    note = DenialNote.objects.create(case=case, author=actor, text=text.strip())
    audit_record(actor=actor, action="denial.note", obj=case)
    return note


@transaction.atomic
def denial_resubmit(*, actor, case: DenialCase, payer_claim_number: str = "") -> DenialCase:
    """Correct and resubmit: a frequency 7 claim built from the encounter as it is now."""
    case = _open(case)
    replacement = claim_correct(
        actor=actor, claim=case.claim, payer_claim_number=payer_claim_number
    )
    case.status = DenialStatus.RESUBMITTED
    case.save(update_fields=["status"])
    _note(case, actor, f"Corrected claim {replacement.patient_control_number} created.")
    audit_record(
        actor=actor,
        action="denial.resubmit",
        obj=case,
        changes={"replacement": replacement.patient_control_number},
    )
    return case


@transaction.atomic
def denial_appeal(*, actor, case: DenialCase, argument: str) -> DenialCase:
    if not argument.strip():
        raise BillingError({"argument": ["Say why the payer should reconsider."]})
    case = _open(case)
    case.status = DenialStatus.APPEALED
    case.save(update_fields=["status"])
    _note(case, actor, f"Appeal: {argument.strip()}")
    audit_record(actor=actor, action="denial.appeal", obj=case)
    return case


@transaction.atomic
def denial_write_off_request(*, actor, case: DenialCase, reason: str) -> DenialCase:
    if not reason.strip():
        raise BillingError({"reason": ["Give the reason for the write-off."]})
    case = _open(case)
    case.status = DenialStatus.WRITE_OFF_REQUESTED
    case.write_off_reason = reason.strip()
    case.write_off_requested_by = actor
    case.save(update_fields=["status", "write_off_reason", "write_off_requested_by"])
    _note(case, actor, f"Write-off requested: {reason.strip()}")
    audit_record(
        actor=actor,
        action="denial.write_off_request",
        obj=case,
        changes={"amount": str(case.amount), "reason": reason},
    )
    return case


@transaction.atomic
def denial_write_off_decide(*, actor, case: DenialCase, approve: bool) -> DenialCase:
    """Approval by an MSO admin or the practice manager, never by the requester."""
    case = DenialCase.objects.select_for_update().get(pk=case.pk)
    if case.status != DenialStatus.WRITE_OFF_REQUESTED:
        raise BillingError("No write-off is waiting for approval on this denial.")
    if case.write_off_requested_by_id == actor.pk:
        raise BillingError("A write-off is approved by someone other than who asked for it.")
    role = policy.role_in(actor, current_practice())
    if role not in ("mso_admin", "practice_manager"):
        raise BillingError("Write-offs are approved by an MSO admin or the practice manager.")
    if approve:
        case.status = DenialStatus.WRITTEN_OFF
        case.write_off_approved_by = actor
        case.closed_at = timezone.now()
    else:
        case.status = DenialStatus.OPEN
    case.save(update_fields=["status", "write_off_approved_by", "closed_at"])
    _note(case, actor, "Write-off approved." if approve else "Write-off declined.")
    audit_record(
        actor=actor,
        action="denial.write_off_" + ("approve" if approve else "decline"),
        obj=case,
        changes={"amount": str(case.amount)},
    )
    return case


DENIAL_ACTIONS = ("assign", "note", "resubmit", "appeal", "write_off", "approve", "decline")


def denial_act(
    *, actor, case: DenialCase, action: str, text: str = "", assignee=None
) -> DenialCase:
    """One entry point for the page and the API: `text` is the note, the appeal argument or
    the write-off reason, depending on the action."""
    if action == "assign":
        return denial_assign(actor=actor, case=case, assignee=assignee)
    if action == "note":
        denial_note(actor=actor, case=case, text=text)
        return case
    if action == "resubmit":
        return denial_resubmit(actor=actor, case=case)
    if action == "appeal":
        return denial_appeal(actor=actor, case=case, argument=text)
    if action == "write_off":
        return denial_write_off_request(actor=actor, case=case, reason=text)
    if action in ("approve", "decline"):
        return denial_write_off_decide(actor=actor, case=case, approve=action == "approve")
    raise BillingError({"action": [f"Unknown action '{action}'."]})
