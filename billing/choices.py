from django.db import models


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCRUB_FAILED = "scrub_failed", "Scrub failed"
    READY = "ready", "Ready to submit"
    BATCHED = "batched", "Batched"
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted by payer"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Paid"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    DENIED = "denied", "Denied"
    REPLACED = "replaced", "Replaced by a corrected claim"
    VOIDED = "voided", "Voided"


S = ClaimStatus
# Allowed moves. One service (claim_transition) enforces this table and writes history.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SCRUB_FAILED, S.READY, S.VOIDED}),
    S.SCRUB_FAILED: frozenset({S.SCRUB_FAILED, S.READY, S.VOIDED}),
    S.READY: frozenset({S.SCRUB_FAILED, S.READY, S.BATCHED, S.VOIDED}),
    S.BATCHED: frozenset({S.SUBMITTED, S.REJECTED, S.ACCEPTED, S.PAID, S.PARTIALLY_PAID, S.DENIED}),
    # A remittance may arrive without a 277CA first: submitted claims can be adjudicated.
    S.SUBMITTED: frozenset({S.ACCEPTED, S.REJECTED, S.PAID, S.PARTIALLY_PAID, S.DENIED}),
    S.ACCEPTED: frozenset({S.PAID, S.PARTIALLY_PAID, S.DENIED, S.REPLACED, S.VOIDED, S.REJECTED}),
    S.REJECTED: frozenset({S.SCRUB_FAILED, S.READY, S.VOIDED}),
    # A reversal (CLP02 22) takes an adjudicated claim back to accepted.
    S.PAID: frozenset({S.ACCEPTED, S.PAID, S.PARTIALLY_PAID, S.DENIED, S.REPLACED, S.VOIDED}),
    S.PARTIALLY_PAID: frozenset(
        {S.ACCEPTED, S.PAID, S.PARTIALLY_PAID, S.DENIED, S.REPLACED, S.VOIDED}
    ),
    S.DENIED: frozenset({S.ACCEPTED, S.PAID, S.PARTIALLY_PAID, S.DENIED, S.REPLACED, S.VOIDED}),
    S.REPLACED: frozenset(),
    S.VOIDED: frozenset(),
}
# Claims that count as "live" for duplicate detection.
LIVE_STATUSES = frozenset(
    {S.READY, S.BATCHED, S.SUBMITTED, S.ACCEPTED, S.PAID, S.PARTIALLY_PAID, S.DENIED}
)
EDITABLE_STATUSES = frozenset({S.DRAFT, S.SCRUB_FAILED, S.READY, S.REJECTED})


class Frequency(models.TextChoices):
    ORIGINAL = "1", "Original"
    REPLACEMENT = "7", "Replacement (corrected claim)"
    VOID = "8", "Void"


class BatchStatus(models.TextChoices):
    BUILT = "built", "Built"
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted (999)"
    PARTIAL = "partial", "Partially accepted (999)"
    REJECTED = "rejected", "Rejected (999)"


class QueryStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted by provider"
    DECLINED = "declined", "Declined by provider"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AckKind(models.TextChoices):
    X999 = "999", "999 implementation acknowledgment"
    X277CA = "277CA", "277CA claim acknowledgment"


class DenialStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESUBMITTED = "resubmitted", "Corrected and resubmitted"
    APPEALED = "appealed", "Appealed"
    WRITE_OFF_REQUESTED = "write_off_requested", "Write-off awaiting approval"
    WRITTEN_OFF = "written_off", "Written off"
    RESOLVED = "resolved", "Resolved (paid)"


DENIAL_OPEN_STATUSES = frozenset(
    {
        DenialStatus.OPEN,
        DenialStatus.RESUBMITTED,
        DenialStatus.APPEALED,
        DenialStatus.WRITE_OFF_REQUESTED,
    }
)


class PatientPaymentKind(models.TextChoices):
    PAYMENT = "payment", "Payment"
    REFUND = "refund", "Refund"
