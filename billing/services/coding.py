"""Coding queries: the MSO asks, the provider decides (CPOM)."""

from django.db import transaction
from django.utils import timezone

from billing.choices import QueryStatus
from billing.exceptions import BillingError
from billing.models import CodingQuery, Encounter
from billing.scrubber.codes import normalize_icd10
from mso.audit.services import audit_record

from .encounters import encounter_clinical_apply, require_provider


@transaction.atomic
def coding_query_raise(
    *,
    actor,
    encounter: Encounter,
    question: str,
    proposed_diagnosis_codes: list[str] | None = None,
    proposed_lines: list[dict] | None = None,
) -> CodingQuery:
    errors: dict[str, list[str]] = {}
    if not question.strip():
        errors["question"] = ["Say what the provider should look at."]
    if proposed_diagnosis_codes is None and not proposed_lines:
        errors["proposed_diagnosis_codes"] = ["Propose new diagnoses or line changes."]
    known = {line.line_number for line in encounter.lines.all()}
    for index, line in enumerate(proposed_lines or []):
        if line.get("line_number") not in known:
            errors[f"proposed_lines[{index}].line_number"] = ["No such line on the encounter."]
    if errors:
        raise BillingError(errors)
    query = CodingQuery.objects.create(
        encounter=encounter,
        raised_by=actor,
        question=question.strip(),
        proposed_diagnosis_codes=[normalize_icd10(c) for c in proposed_diagnosis_codes]
        if proposed_diagnosis_codes is not None
        else None,
        proposed_lines=proposed_lines or [],
    )
    audit_record(
        actor=actor, action="coding_query.raise", obj=query, changes={"encounter": encounter.pk}
    )
    return query


@transaction.atomic
def coding_query_decide(*, actor, query: CodingQuery, accept: bool, note: str = "") -> CodingQuery:
    """A provider accepts (applying the proposed change) or declines a query."""
    require_provider(actor, query.encounter)
    query = CodingQuery.objects.select_for_update().get(pk=query.pk)
    if query.status != QueryStatus.OPEN:
        raise BillingError(f"This query is already {query.get_status_display().lower()}.")
    if accept:
        encounter_clinical_apply(
            actor=actor,
            encounter=query.encounter,
            diagnosis_codes=query.proposed_diagnosis_codes,
            lines=query.proposed_lines,
            source="coding_query",
            coding_query=query,
        )
    query.status = QueryStatus.ACCEPTED if accept else QueryStatus.DECLINED
    query.decided_by = actor
    query.decided_at = timezone.now()
    query.decision_note = note
    query.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor, action=f"coding_query.{query.status}", obj=query, changes={"note": note}
    )
    return query
