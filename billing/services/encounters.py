"""Charge capture and clinical changes (CPOM: codes come from providers or the EHR)."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from billing.exceptions import BillingError
from billing.models import ClinicalChange, Encounter, EncounterLine
from billing.scrubber import codes
from billing.scrubber.codes import normalize_icd10
from mso.accounts import policy
from mso.accounts.choices import Role
from mso.audit.services import audit_record
from mso.money import to_money
from mso.tenancy.context import current_practice

from .fees import fee_for

MAX_DIAGNOSES = 12
MAX_LINES = 50
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")


def _line_errors(index: int, line: dict, n_diagnoses: int, dos: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    key = f"lines[{index}]"
    code = str(line.get("procedure_code", "")).strip().upper()
    if codes.procedure_code_kind(code) is None:
        errors[f"{key}.procedure_code"] = [f"'{code}' is not a CPT or HCPCS code."]
    modifiers = [str(m).strip().upper() for m in line.get("modifiers") or []]
    if len(modifiers) > 4:
        errors[f"{key}.modifiers"] = ["At most 4 modifiers per line."]
    elif bad := [m for m in modifiers if not _MODIFIER.match(m)]:
        errors[f"{key}.modifiers"] = [f"Modifiers are 2 letters or digits: {', '.join(bad)}."]
    try:
        units = Decimal(str(line.get("units", "")))
    except InvalidOperation:
        units = None
    if units is None or units <= 0:
        errors[f"{key}.units"] = ["Units must be a positive number."]
    charge = line.get("charge")
    if charge is not None:
        try:
            if Decimal(str(charge)) < 0:
                errors[f"{key}.charge"] = ["A charge cannot be negative."]
        except InvalidOperation:
            errors[f"{key}.charge"] = ["Enter an amount like 125.00."]
    pointers = list(line.get("diagnosis_pointers") or [])
    if not 1 <= len(pointers) <= 4:
        errors[f"{key}.diagnosis_pointers"] = ["Point to 1 to 4 diagnoses."]
    elif any(not isinstance(p, int) or not 1 <= p <= n_diagnoses for p in pointers):
        errors[f"{key}.diagnosis_pointers"] = [
            f"Pointers must be between 1 and {n_diagnoses} (the number of diagnoses)."
        ]
    elif len(set(pointers)) != len(pointers):
        errors[f"{key}.diagnosis_pointers"] = ["A diagnosis is pointed to twice."]
    return errors


def encounter_errors(data: dict) -> dict[str, list[str]]:
    """Field errors of an encounter as posted (by a page or the EHR)."""
    errors: dict[str, list[str]] = {}
    dos = data.get("date_of_service")
    if not isinstance(dos, date):
        errors["date_of_service"] = ["Enter the date of service."]
        dos = timezone.localdate()
    elif dos > timezone.localdate():
        errors["date_of_service"] = ["The date of service cannot be in the future."]
    diagnoses = [normalize_icd10(c) for c in data.get("diagnosis_codes") or []]
    if not diagnoses:
        errors["diagnosis_codes"] = ["At least one ICD-10-CM diagnosis is required."]
    elif len(diagnoses) > MAX_DIAGNOSES:
        errors["diagnosis_codes"] = [f"At most {MAX_DIAGNOSES} diagnoses per encounter."]
    for index, code in enumerate(diagnoses[:MAX_DIAGNOSES]):
        ok, reason = codes.icd10_billable(code, dos)
        if not ok:
            errors[f"diagnosis_codes[{index}]"] = [reason]
    if data.get("place_of_service") not in codes.PLACE_OF_SERVICE:
        errors["place_of_service"] = ["Choose a valid CMS place of service code."]
    lines = data.get("lines") or []
    if not lines:
        errors["lines"] = ["At least one service line is required."]
    elif len(lines) > MAX_LINES:
        errors["lines"] = [f"At most {MAX_LINES} lines per encounter."]
    for index, line in enumerate(lines[:MAX_LINES]):
        errors.update(_line_errors(index, line, len(diagnoses), dos))
    return errors


def _primary_payer(patient, dos: date):
    coverage = next(
        (
            c
            for c in patient.coverages.select_related("payer").order_by("priority")
            if c.covers(dos)
        ),
        None,
    )
    return coverage.payer if coverage else None


def _priced_lines(data: dict, payer) -> tuple[list[dict], dict[str, list[str]]]:
    priced, errors = [], {}
    for index, line in enumerate(data["lines"]):
        code = line["procedure_code"].strip().upper()
        modifiers = [m.strip().upper() for m in line.get("modifiers") or []]
        charge = line.get("charge")
        if charge is None:
            fee = fee_for(
                procedure_code=code,
                modifier=modifiers[0] if modifiers else "",
                payer=payer,
                on=data["date_of_service"],
            )
            if fee is None:
                errors[f"lines[{index}].charge"] = [
                    f"No fee schedule price for {code}; give the charge or add it to the "
                    "practice's fee schedule."
                ]
                continue
            charge = fee * Decimal(str(line["units"]))
        priced.append(
            {
                "procedure_code": code,
                "modifiers": modifiers,
                "units": Decimal(str(line["units"])),
                "charge": to_money(str(charge)),
                "diagnosis_pointers": list(line["diagnosis_pointers"]),
            }
        )
    return priced, errors


def _source_of(actor) -> str:
    return "ehr" if policy.role_in(actor, current_practice()) == Role.INTEGRATOR else "provider"


@transaction.atomic
def encounter_create(*, actor, data: dict) -> tuple[Encounter, bool]:
    """Record a visit. Idempotent by the sender's `external_id`: a repeat returns the first
    encounter unchanged and `created=False`."""
    external_id = (data.get("external_id") or "").strip() or None
    if external_id:
        existing = Encounter.objects.filter(external_id=external_id).first()
        if existing is not None:
            return existing, False
    if errors := encounter_errors(data):
        raise BillingError(errors)
    diagnoses = [normalize_icd10(c) for c in data["diagnosis_codes"]]
    lines, errors = _priced_lines(data, _primary_payer(data["patient"], data["date_of_service"]))
    if errors:
        raise BillingError(errors)
    encounter = Encounter.objects.create(
        external_id=external_id,
        patient=data["patient"],
        provider=data["provider"],
        location=data.get("location"),
        date_of_service=data["date_of_service"],
        place_of_service=data["place_of_service"],
        diagnosis_codes=diagnoses,
        prior_authorization=data.get("prior_authorization", ""),
        created_by=actor,
    )
    EncounterLine.objects.bulk_create(
        EncounterLine(encounter=encounter, line_number=n, **line)
        for n, line in enumerate(lines, start=1)
    )
    ClinicalChange.objects.create(
        encounter=encounter,
        field="encounter",
        old_value=None,
        new_value={
            "diagnosis_codes": diagnoses,
            "procedures": [line["procedure_code"] for line in lines],
        },
        decided_by=encounter.provider.user or actor,
        source=_source_of(actor),
    )
    audit_record(
        actor=actor,
        action="encounter.create",
        obj=encounter,
        changes={"external_id": external_id, "lines": len(lines)},
    )
    return encounter, True


def clinical_snapshot(encounter: Encounter) -> dict:
    return {
        "diagnosis_codes": list(encounter.diagnosis_codes),
        "lines": [
            {
                "line_number": line.line_number,
                "procedure_code": line.procedure_code,
                "modifiers": list(line.modifiers),
                "diagnosis_pointers": list(line.diagnosis_pointers),
            }
            for line in encounter.lines.all()
        ],
    }


def require_provider(actor, encounter: Encounter) -> None:
    """CPOM: only a provider of this practice decides clinical facts."""
    if not policy.can(actor, policy.Action.CLINICAL_DECIDE, current_practice()):
        raise BillingError(
            "Only a provider of this practice can change diagnoses and "
            "procedures. Raise a coding query instead."
        )


@transaction.atomic
def encounter_clinical_apply(
    *,
    actor,
    encounter: Encounter,
    diagnosis_codes=None,
    lines: list[dict] | None = None,
    source: str = "provider_edit",
    coding_query=None,
) -> Encounter:
    """Change diagnoses and/or line codes, decided by a provider, with the change logged."""
    require_provider(actor, encounter)
    encounter = Encounter.objects.select_for_update().get(pk=encounter.pk)
    before = clinical_snapshot(encounter)
    current = {line.line_number: line for line in encounter.lines.all()}
    proposed = {
        "date_of_service": encounter.date_of_service,
        "place_of_service": encounter.place_of_service,
        "diagnosis_codes": diagnosis_codes
        if diagnosis_codes is not None
        else encounter.diagnosis_codes,
        "lines": [],
    }
    changes = {int(c["line_number"]): c for c in (lines or [])}
    unknown = set(changes) - set(current)
    if unknown:
        raise BillingError({"lines": [f"No line {n} on this encounter." for n in sorted(unknown)]})
    for number, line in current.items():
        change = changes.get(number, {})
        proposed["lines"].append(
            {
                "procedure_code": change.get("procedure_code", line.procedure_code),
                "modifiers": change.get("modifiers", line.modifiers),
                "units": line.units,
                "charge": line.charge,
                "diagnosis_pointers": change.get("diagnosis_pointers", line.diagnosis_pointers),
            }
        )
    if errors := encounter_errors(proposed):
        raise BillingError(errors)
    encounter.diagnosis_codes = [normalize_icd10(c) for c in proposed["diagnosis_codes"]]
    encounter.save(update_fields=["diagnosis_codes"])
    for line, new in zip(current.values(), proposed["lines"], strict=True):
        line.procedure_code = new["procedure_code"].strip().upper()
        line.modifiers = [m.strip().upper() for m in new["modifiers"]]
        line.diagnosis_pointers = list(new["diagnosis_pointers"])
        line.save(update_fields=["procedure_code", "modifiers", "diagnosis_pointers"])
    after = clinical_snapshot(encounter)
    ClinicalChange.objects.create(
        encounter=encounter,
        field="codes",
        old_value=before,
        new_value=after,
        decided_by=actor,
        source=source,
        coding_query=coding_query,
    )
    audit_record(
        actor=actor,
        action="encounter.clinical_change",
        obj=encounter,
        changes={"before": before, "after": after, "source": source},
    )
    return encounter
