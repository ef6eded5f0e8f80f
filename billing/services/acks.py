"""Applying clearinghouse acknowledgements: 999 (the file's syntax) and 277CA (each claim's
acceptance). A file applies completely or not at all, and the same file twice changes nothing."""

import hashlib

from django.db import transaction

from billing.choices import AckKind, BatchStatus, ClaimStatus
from billing.exceptions import AckError
from billing.models import Acknowledgement, Claim, ClaimBatchFile
from billing.x12.ack277ca import read_277ca
from billing.x12.ack999 import read_999
from billing.x12.errors import X12Error
from billing.x12.reader import tokenize
from mso.audit.services import audit_record

from .claims import claim_transition


def _kind(content: str) -> str:
    for segment in tokenize(content):
        if segment.id == "ST":
            if segment.get(1) == "999":
                return AckKind.X999
            if segment.get(1) == "277":
                return AckKind.X277CA
            raise X12Error(
                segment.number,
                "ST",
                f"transaction set {segment.get(1)} is not a 999 or a 277CA acknowledgement",
            )
    raise AckError({"file": ["The file holds no transaction set (no ST segment)."]})


def _move(claim: Claim, to: str, note: str, actor) -> None:
    claim_transition(claim=claim, to=to, actor=actor, note=note)


def _apply_999(content: str, actor) -> tuple[ClaimBatchFile, dict]:
    ack = read_999(content)
    if ack.acknowledged_functional_id != "HC":
        raise AckError(
            {
                "file": [
                    f"This 999 acknowledges a {ack.acknowledged_functional_id} "
                    "group, not our claims (HC)."
                ]
            }
        )
    batch = (
        ClaimBatchFile.objects.select_for_update()
        .filter(group_control_number=int(ack.acknowledged_group_control_number))
        .first()
    )
    if batch is None:
        raise AckError(
            {
                "file": [
                    f"No batch of this practice has group control number "
                    f"{ack.acknowledged_group_control_number}."
                ]
            }
        )
    reasons = "; ".join(ack.reasons)
    if ack.accepted:
        batch.status, target = BatchStatus.ACCEPTED, ClaimStatus.SUBMITTED
    else:
        batch.status, target = BatchStatus.REJECTED, ClaimStatus.REJECTED
    batch.status_reason = reasons or ack.group_description
    batch.save(update_fields=["status", "status_reason"])
    moved = 0
    for claim in batch.claims.select_for_update().filter(status=ClaimStatus.BATCHED):
        _move(claim, target, f"999: {batch.status_reason or ack.group_description}", actor)
        moved += 1
    summary = {
        "group_status": ack.group_status,
        "accepted": moved if ack.accepted else 0,
        "rejected": 0 if ack.accepted else moved,
        "reasons": list(ack.reasons),
    }
    return batch, summary


def _apply_277ca(content: str, actor) -> tuple[ClaimBatchFile | None, dict]:
    ack = read_277ca(content)
    accepted, rejected, unmatched, batches = 0, 0, [], set()
    for status in ack.claims:
        claim = (
            Claim.objects.select_for_update()
            .filter(patient_control_number=status.patient_control_number)
            .first()
        )
        if claim is None:
            unmatched.append(status.patient_control_number)
            continue
        batches.add(claim.batch_id)
        note = "277CA: " + ("; ".join(status.reasons) or status.status)
        if status.accepted:
            if status.payer_claim_number:
                claim.payer_claim_number = status.payer_claim_number
                claim.save(update_fields=["payer_claim_number"])
            if claim.status in (ClaimStatus.BATCHED, ClaimStatus.SUBMITTED):
                _move(claim, ClaimStatus.ACCEPTED, note, actor)
                accepted += 1
        elif status.rejected and claim.status in (
            ClaimStatus.BATCHED,
            ClaimStatus.SUBMITTED,
            ClaimStatus.ACCEPTED,
        ):
            _move(claim, ClaimStatus.REJECTED, note, actor)
            rejected += 1
    batch = None
    if len(batches - {None}) == 1:
        batch = ClaimBatchFile.objects.get(pk=next(iter(batches - {None})))
    return batch, {"accepted": accepted, "rejected": rejected, "unmatched": unmatched}


@transaction.atomic
def ack_apply(*, actor, file_name: str, content: str) -> tuple[Acknowledgement, bool]:
    """Apply a 999 or 277CA. Returns (acknowledgement, created); a file already applied is
    returned with created=False. A malformed file raises AckError naming the segment."""
    digest = hashlib.sha256(content.encode()).hexdigest()
    existing = Acknowledgement.objects.filter(content_sha256=digest).first()
    if existing is not None:
        return existing, False
    try:
        kind = _kind(content)
        if kind == AckKind.X999:
            batch, summary = _apply_999(content, actor)
        else:
            batch, summary = _apply_277ca(content, actor)
    except X12Error as exc:
        raise AckError({"file": [f"Rejected, nothing changed: {exc}"]}) from exc
    ack = Acknowledgement.objects.create(
        kind=kind,
        file_name=file_name,
        content=content,
        content_sha256=digest,
        batch=batch,
        summary=summary,
        uploaded_by=actor,
    )
    audit_record(actor=actor, action=f"ack.apply_{kind.lower()}", obj=ack, changes=summary)
    return ack, True
