"""Claims: build from an encounter, scrub, move through the status pipeline, correct, void."""

from django.db import transaction
from django.utils import timezone

from billing import scrubber
from billing.choices import EDITABLE_STATUSES, TRANSITIONS, ClaimStatus, Frequency
from billing.claimdata import ScrubContext
from billing.exceptions import BillingError, TransitionError
from billing.models import Claim, ClaimFinding, ClaimLine, ClaimStatusChange, Encounter
from billing.selectors import billing_provider, claim_data, claim_queryset, duplicate_keys
from compliance.selectors import excluded_providers, license_periods
from mso.audit.services import audit_record


@transaction.atomic
def claim_transition(*, claim: Claim, to: str, actor=None, note: str = "") -> Claim:
    """The one way a claim changes status: locked, checked against TRANSITIONS, logged."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if to not in TRANSITIONS[locked.status]:
        raise TransitionError(
            f"A claim that is {locked.get_status_display().lower()} cannot become "
            f"{ClaimStatus(to).label.lower()}."
        )
    ClaimStatusChange.objects.create(
        claim=locked, from_status=locked.status, to_status=to, actor=actor, note=note[:2000]
    )
    locked.status = to
    locked.status_reason = note
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_reason", "status_changed_at"])
    claim.status, claim.status_reason = locked.status, locked.status_reason
    return locked


def _coverage_for(encounter: Encounter, coverage=None):
    if coverage is not None:
        if coverage.patient_id != encounter.patient_id:
            raise BillingError({"coverage": ["This coverage belongs to another patient."]})
        return coverage
    for candidate in encounter.patient.coverages.select_related("payer").order_by("priority"):
        if candidate.covers(encounter.date_of_service):
            return candidate
    raise BillingError(
        {
            "coverage": [
                "The patient has no active coverage on the date of "
                "service; add coverage or bill the patient."
            ]
        }
    )


def _last_clinical_decider(encounter: Encounter):
    change = encounter.clinical_changes.exclude(decided_by=None).order_by("-at", "-id").first()
    return change.decided_by if change else encounter.provider.user


def _create(
    *,
    actor,
    encounter: Encounter,
    coverage,
    frequency: str,
    original=None,
    payer_claim_number: str = "",
    lines_from=None,
) -> Claim:
    sequence = Claim.objects.filter(encounter=encounter).count() + 1
    pcn = f"{encounter.pk}-{sequence}"
    source_lines = list(lines_from.lines.all()) if lines_from else list(encounter.lines.all())
    claim = Claim.objects.create(
        encounter=encounter,
        coverage=coverage,
        payer=coverage.payer,
        patient_control_number=pcn,
        frequency_code=frequency,
        original_claim=original,
        payer_claim_number=payer_claim_number,
        diagnosis_codes=list(
            lines_from.diagnosis_codes if lines_from else encounter.diagnosis_codes
        ),
        place_of_service=encounter.place_of_service,
        total_charge=sum((line.charge for line in source_lines), start=0),
        clinical_decided_by=_last_clinical_decider(encounter),
        created_by=actor,
    )
    ClaimLine.objects.bulk_create(
        ClaimLine(
            claim=claim,
            line_number=line.line_number,
            procedure_code=line.procedure_code,
            modifiers=list(line.modifiers),
            units=line.units,
            charge=line.charge,
            diagnosis_pointers=list(line.diagnosis_pointers),
            service_date=getattr(line, "service_date", encounter.date_of_service),
            line_control_number=f"{pcn}.{line.line_number}",
        )
        for line in source_lines
    )
    ClaimStatusChange.objects.create(
        claim=claim,
        from_status="",
        to_status=ClaimStatus.DRAFT,
        actor=actor,
        note=f"Built (frequency {frequency})",
    )
    return claim


@transaction.atomic
def claim_build(*, actor, encounter: Encounter, coverage=None) -> Claim:
    """Build an original claim for the encounter (primary coverage unless given) and scrub it."""
    coverage = _coverage_for(encounter, coverage)
    live = Claim.objects.filter(encounter=encounter, coverage=coverage).exclude(
        status__in=[ClaimStatus.VOIDED, ClaimStatus.REPLACED]
    )
    if live.exists():
        raise BillingError(
            {
                "encounter": [
                    f"This encounter already has claim {live.first().patient_control_number} for "
                    "this coverage; correct or void that claim instead."
                ]
            }
        )
    claim = _create(
        actor=actor, encounter=encounter, coverage=coverage, frequency=Frequency.ORIGINAL
    )
    audit_record(
        actor=actor,
        action="claim.build",
        obj=claim,
        changes={"encounter": encounter.pk, "payer": coverage.payer.payer_id},
    )
    return claim_scrub(actor=actor, claim=claim)


@transaction.atomic
def claim_scrub(*, actor, claim: Claim) -> Claim:
    """Run every scrubber edit; store the findings; move the claim to ready or scrub failed."""
    if claim.status not in EDITABLE_STATUSES:
        raise TransitionError(f"A {claim.get_status_display().lower()} claim is not re-scrubbed.")
    claim = claim_queryset().get(pk=claim.pk)
    context = ScrubContext(
        today=timezone.localdate(),
        other_claim_keys=duplicate_keys(claim),
        patient_key=str(claim.encounter.patient_id),
        billing_provider=billing_provider(claim.encounter.location),
        excluded_since=excluded_providers(),
        license_periods=license_periods(),
        service_state=getattr(claim.encounter.location, "state", "") or "",
    )
    findings = scrubber.scrub(claim_data(claim), context)
    claim.findings.all().delete()
    ClaimFinding.objects.bulk_create(
        ClaimFinding(
            claim=claim, code=f.code, message=f.message, field=f.field, severity=f.severity
        )
        for f in findings
    )
    Claim.objects.filter(pk=claim.pk).update(scrubbed_at=timezone.now())
    clean = scrubber.is_clean(findings)
    errors = [f for f in findings if f.severity == "error"]
    note = (
        "Clean"
        if clean
        else f"{len(errors)} scrubber error(s): " + ", ".join(f.code for f in errors)
    )
    target = ClaimStatus.READY if clean else ClaimStatus.SCRUB_FAILED
    claim_transition(claim=claim, to=target, actor=actor, note=note)
    return claim_queryset().get(pk=claim.pk)


def _payer_claim_number(claim: Claim, given: str) -> str:
    number = (given or claim.payer_claim_number).strip()
    if not number:
        raise BillingError(
            {
                "payer_claim_number": [
                    "Corrections and voids must quote the payer's claim number (from the 277CA or "
                    "the remittance)."
                ]
            }
        )
    return number


@transaction.atomic
def claim_correct(*, actor, claim: Claim, payer_claim_number: str = "") -> Claim:
    """A replacement claim (frequency 7) from the encounter as it is now."""
    if ClaimStatus.REPLACED not in TRANSITIONS[claim.status]:
        raise TransitionError("Only a claim the payer accepted or adjudicated can be corrected.")
    number = _payer_claim_number(claim, payer_claim_number)
    replacement = _create(
        actor=actor,
        encounter=claim.encounter,
        coverage=claim.coverage,
        frequency=Frequency.REPLACEMENT,
        original=claim,
        payer_claim_number=number,
    )
    claim_transition(
        claim=claim,
        to=ClaimStatus.REPLACED,
        actor=actor,
        note=f"Replaced by {replacement.patient_control_number}",
    )
    audit_record(
        actor=actor,
        action="claim.correct",
        obj=replacement,
        changes={"original": claim.patient_control_number},
    )
    return claim_scrub(actor=actor, claim=replacement)


@transaction.atomic
def claim_void(*, actor, claim: Claim, reason: str, payer_claim_number: str = "") -> Claim:
    """Void a claim. Never sent: it is simply voided. Accepted by the payer: a frequency 8
    claim quoting the payer's claim number is sent to cancel it."""
    if not reason.strip():
        raise BillingError({"reason": ["Say why the claim is voided."]})
    if claim.status in (
        ClaimStatus.DRAFT,
        ClaimStatus.SCRUB_FAILED,
        ClaimStatus.READY,
        ClaimStatus.REJECTED,
    ):
        claim_transition(claim=claim, to=ClaimStatus.VOIDED, actor=actor, note=reason)
        audit_record(actor=actor, action="claim.void", obj=claim, changes={"reason": reason})
        return claim
    if ClaimStatus.VOIDED not in TRANSITIONS[claim.status]:
        raise TransitionError(f"A {claim.get_status_display().lower()} claim cannot be voided.")
    number = _payer_claim_number(claim, payer_claim_number)
    void = _create(
        actor=actor,
        encounter=claim.encounter,
        coverage=claim.coverage,
        frequency=Frequency.VOID,
        original=claim,
        payer_claim_number=number,
        lines_from=claim,
    )
    claim_transition(
        claim=claim,
        to=ClaimStatus.VOIDED,
        actor=actor,
        note=f"{reason} — void claim {void.patient_control_number}",
    )
    audit_record(
        actor=actor,
        action="claim.void",
        obj=claim,
        changes={"reason": reason, "void_claim": void.patient_control_number},
    )
    return claim_scrub(actor=actor, claim=void)
