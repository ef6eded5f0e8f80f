"""Writes of practice-side data. Field rules live in a pure function shared by form and API."""

import re
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from compliance.services import exclusion_screen_at_hire
from mso.audit.registry import patient_path
from mso.audit.services import audit_record
from mso.crypto.keys import key_ring
from mso.crypto.sensitive import reveal
from mso.errors import FieldErrors
from mso.geo import US_STATES
from mso.identifiers import normalize_digits, npi_is_valid, ssn_is_valid
from mso.locking import lock_fresh

from .choices import PLACE_OF_SERVICE, SELF
from .models import Coverage, Location, Patient, PayerEnrollment, Provider
from .selectors import SUMMARY_CACHE_KEY

_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
_PHONE = re.compile(r"^[0-9()+\-. ]{7,20}$")
LOCATION_FIELDS = (
    "name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip_code",
    "phone",
    "place_of_service",
    "npi",
    "is_active",
)

PROVIDER_FIELDS = ("first_name", "last_name", "credential", "npi", "taxonomy", "is_active")
PATIENT_FIELDS = (
    "mrn",
    "external_id",
    "first_name",
    "middle_name",
    "last_name",
    "birth_date",
    "sex",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip_code",
    "phone",
)
COVERAGE_FIELDS = (
    "payer",
    "priority",
    "member_id",
    "group_number",
    "relationship",
    "subscriber_first_name",
    "subscriber_last_name",
    "subscriber_birth_date",
    "subscriber_sex",
    "effective_from",
    "effective_to",
    "is_active",
)


class PracticeDataError(FieldErrors):
    """Practice data (locations, providers, patients, coverage) the rules refuse."""


def location_errors(data: dict, *, instance: Location | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for required in ("name", "address_line1", "city"):
        if not str(data.get(required, "")).strip():
            errors[required] = ["This field is required."]
    if data.get("state") not in US_STATES:
        errors["state"] = ["Choose a US state."]
    if not _ZIP.match(str(data.get("zip_code", ""))):
        errors["zip_code"] = ["Enter a ZIP code like 12345 or 12345-6789."]
    if data.get("phone") and not _PHONE.match(data["phone"]):
        errors["phone"] = ["Enter a phone number."]
    if data.get("place_of_service") not in dict(PLACE_OF_SERVICE):
        errors["place_of_service"] = ["Choose a place of service code."]
    if data.get("npi") and not npi_is_valid(data["npi"]):
        errors["npi"] = ["Enter a 10-digit NPI with a valid check digit, or leave it blank."]
    name = str(data.get("name", "")).strip()
    clash = Location.objects.filter(name__iexact=name)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if name and clash.exists():
        errors.setdefault("name", []).append("A location with this name already exists.")
    return errors


@transaction.atomic
def location_create(*, actor, data: dict) -> Location:
    if errors := location_errors(data):
        raise PracticeDataError(errors)
    location = Location.objects.create(**{k: data[k] for k in LOCATION_FIELDS if k in data})
    audit_record(
        actor=actor,
        action="location.create",
        obj=location,
        changes={k: data.get(k) for k in ("name", "city", "state")},
    )
    transaction.on_commit(lambda: cache.delete(SUMMARY_CACHE_KEY))
    return location


def _merged(instance, fields: tuple[str, ...], data: dict) -> dict:
    """A partial update's values over the instance's current ones."""
    return {k: data[k] if k in data else getattr(instance, k) for k in fields}


def _plain(value):
    """A value as the audit trail stores it (JSON): dates as ISO text, rows by their pk."""
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "pk", value)


def _save_changes(instance, merged: dict) -> dict[str, list]:
    """Set `merged` on the instance and save it; return the changed fields as [old, new]."""
    changes = {
        k: [_plain(getattr(instance, k)), _plain(v)]
        for k, v in merged.items()
        if getattr(instance, k) != v
    }
    for key, value in merged.items():
        setattr(instance, key, value)
    instance.save()
    return changes


def _audited(instance, changes: dict) -> dict:
    """What the audit trail keeps of a change: old and new values, except for patient data,
    where it names the changed fields only (the shared audit log holds no demographics)."""
    if patient_path(type(instance)) is None:
        return changes
    return dict.fromkeys(changes, "changed")


def _correct(*, actor, instance, fields: tuple[str, ...], data: dict, errors) -> dict:
    """A partial update checked by `errors(merged values)`, saved, and audited as
    `<model>.update` (see `_audited`); returns the changes as [old, new] per field."""
    lock_fresh(instance)
    merged = _merged(instance, fields, data)
    if problems := errors(merged):
        raise PracticeDataError(problems)
    changes = _save_changes(instance, merged)
    action = f"{instance._meta.model_name}.update"
    audit_record(actor=actor, action=action, obj=instance, changes=_audited(instance, changes))
    return changes


@transaction.atomic
def location_update(*, actor, location: Location, data: dict) -> Location:
    _correct(
        actor=actor,
        instance=location,
        fields=LOCATION_FIELDS,
        data=data,
        errors=lambda merged: location_errors(merged, instance=location),
    )
    transaction.on_commit(lambda: cache.delete(SUMMARY_CACHE_KEY))
    return location


def _require(data: dict, names: tuple[str, ...], errors: dict[str, list[str]]) -> None:
    for name in names:
        if not str(data.get(name) or "").strip():
            errors.setdefault(name, []).append("This field is required.")


def provider_errors(data: dict, *, instance: Provider | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _require(data, ("first_name", "last_name", "npi"), errors)
    npi = str(data.get("npi") or "")
    if npi and not npi_is_valid(npi):
        errors["npi"] = ["Enter a 10-digit NPI with a valid check digit."]
    elif npi and _others(Provider, instance).filter(npi=npi).exists():
        errors["npi"] = ["A provider with this NPI already exists."]
    elif instance is not None and npi != instance.npi and instance.encounters.exists():
        errors["npi"] = [
            "Encounters were recorded under this NPI, so it cannot change: deactivate this "
            "provider and add the provider again with the right NPI."
        ]
    taxonomy = str(data.get("taxonomy") or "")
    if taxonomy and not re.match(r"^[0-9]{3}[0-9A-Z]{6}X$", taxonomy):
        errors["taxonomy"] = ["A taxonomy code is 10 characters ending in X, e.g. 207Q00000X."]
    return errors


@transaction.atomic
def provider_create(*, actor, data: dict) -> Provider:
    if errors := provider_errors(data):
        raise PracticeDataError(errors)
    provider = Provider.objects.create(**data)
    audit_record(actor=actor, action="provider.create", obj=provider, changes={"npi": provider.npi})
    exclusion_screen_at_hire(actor=actor)
    return provider


@transaction.atomic
def provider_update(*, actor, provider: Provider, data: dict) -> Provider:
    """Correct a provider's name, credential, taxonomy or NPI, or (de)activate the provider."""
    changes = _correct(
        actor=actor,
        instance=provider,
        fields=PROVIDER_FIELDS,
        data=data,
        errors=lambda merged: provider_errors(merged, instance=provider),
    )
    if changes.keys() & {"first_name", "last_name", "npi", "is_active"}:
        exclusion_screen_at_hire(actor=actor)  # screen the person as they now are
    return provider


def _others(model, instance):
    """Rows a uniqueness rule compares with: all of them, but the one being edited."""
    rows = model.objects.all()
    return rows if instance is None else rows.exclude(pk=instance.pk)


def patient_errors(data: dict, *, instance: Patient | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _require(data, ("mrn", "first_name", "last_name", "address_line1", "city"), errors)
    birth = data.get("birth_date")
    if birth is None:
        errors["birth_date"] = ["Enter the date of birth."]
    elif birth > timezone.localdate():
        errors["birth_date"] = ["The date of birth cannot be in the future."]
    if data.get("state") not in US_STATES:
        errors["state"] = ["Choose a US state."]
    if not _ZIP.match(str(data.get("zip_code", ""))):
        errors["zip_code"] = ["Enter a ZIP code like 12345 or 12345-6789."]
    others = _others(Patient, instance)
    if data.get("mrn") and others.filter(mrn=data["mrn"]).exists():
        errors["mrn"] = ["A patient with this MRN already exists."]
    if data.get("external_id") and others.filter(external_id=data["external_id"]).exists():
        errors["external_id"] = ["A patient with this external id already exists."]
    errors.update(ssn_errors(data.get("ssn"), instance=instance))
    return errors


def ssn_errors(value, *, instance: Patient | None = None) -> dict[str, list[str]]:
    """The SSN is optional. Messages never repeat the value."""
    ssn = normalize_digits(reveal(value))
    if not ssn:
        return {}
    if not ssn_is_valid(ssn):
        return {"ssn": ["Enter a valid 9-digit SSN (area not 000, 666 or 900-999)."]}
    if _others(Patient, instance).filter(ssn_hash=key_ring().lookup_hash(ssn)).exists():
        return {"ssn": ["Another patient has this SSN: check for a duplicate record."]}
    return {}


def _with_ssn(data: dict) -> dict:
    """Normalized SSN and its lookup hash, ready for the model."""
    ssn = normalize_digits(reveal(data.get("ssn")))
    return {**data, "ssn": ssn, "ssn_hash": key_ring().lookup_hash(ssn) if ssn else ""}


@transaction.atomic
def patient_create(*, actor, data: dict) -> Patient:
    if errors := patient_errors(data):
        raise PracticeDataError(errors)
    fields = {k: v for k, v in data.items() if k in PATIENT_FIELDS or k == "ssn"}
    data = _with_ssn({**fields, "external_id": data.get("external_id") or None})
    patient = Patient.objects.create(**data)
    # The audit trail says that an SSN was recorded, never which.
    audit_record(
        actor=actor,
        action="patient.create",
        obj=patient,
        changes={"ssn": "recorded"} if data["ssn"] else {},
    )
    return patient


@transaction.atomic
def patient_update(*, actor, patient: Patient, data: dict) -> Patient:
    """Correct a patient's demographics. An SSN in `data` replaces the one on file (a blank one
    keeps it); `remove_ssn` deletes it. The audit trail names the changed fields only."""
    lock_fresh(patient)
    merged = _merged(patient, PATIENT_FIELDS, data)
    merged["external_id"] = merged["external_id"] or None
    new_ssn = normalize_digits(reveal(data.get("ssn")))
    if errors := patient_errors({**merged, "ssn": new_ssn}, instance=patient):
        raise PracticeDataError(errors)
    changes = _audited(patient, _save_changes(patient, merged))
    if new_ssn or (data.get("remove_ssn") and patient.ssn):
        stored = _with_ssn({"ssn": new_ssn})
        patient.ssn, patient.ssn_hash = stored["ssn"], stored["ssn_hash"]
        patient.save(update_fields=["ssn", "ssn_hash"])
        changes["ssn"] = "changed" if new_ssn else "removed"
    audit_record(actor=actor, action="patient.update", obj=patient, changes=changes)
    return patient


def coverage_errors(data: dict, *, instance: Coverage | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _require(data, ("member_id",), errors)
    if not data.get("payer"):
        errors["payer"] = ["Choose the payer."]
    if not data.get("effective_from"):
        errors["effective_from"] = ["Enter when the coverage starts."]
    elif data.get("effective_to") and data["effective_to"] < data["effective_from"]:
        errors["effective_to"] = ["The coverage cannot end before it starts."]
    member_id = str(data.get("member_id") or "")
    if member_id and not re.match(r"^[A-Za-z0-9-]{2,80}$", member_id):
        errors["member_id"] = ["Member ids are 2-80 letters, digits or hyphens."]
    if data.get("relationship", SELF) != SELF:
        _require(data, ("subscriber_first_name", "subscriber_last_name"), errors)
        if not data.get("subscriber_birth_date"):
            errors["subscriber_birth_date"] = ["Enter the subscriber's date of birth."]
    patient = data.get("patient")
    if (
        patient is not None
        and data.get("priority")
        and data.get("is_active", True)
        and _others(Coverage, instance)
        .filter(patient=patient, priority=data["priority"], is_active=True)
        .exists()
    ):
        errors["priority"] = ["The patient already has an active coverage with this priority."]
    if instance is not None:
        errors.update(_billed_coverage_errors(instance, data))
    return errors


def _billed_coverage_errors(coverage: Coverage, data: dict) -> dict[str, list[str]]:
    """Claims already billed to a coverage pin its payer and the dates it must cover."""
    claims = coverage.claims.all()
    errors: dict[str, list[str]] = {}
    if data.get("payer") and data["payer"].pk != coverage.payer_id and claims.exists():
        errors["payer"] = [
            "Claims were billed to this payer under this coverage: end the coverage and add "
            "the new payer as a coverage of its own."
        ]
    served = claims.aggregate(
        first=Min("encounter__date_of_service"), last=Max("encounter__date_of_service")
    )
    start, end = data.get("effective_from"), data.get("effective_to")
    if served["first"] and start and start > served["first"]:
        errors.setdefault("effective_from", []).append(
            f"A claim under this coverage is for a visit on {served['first']:%m/%d/%Y}; the "
            "coverage must start on or before it."
        )
    if served["last"] and end and end < served["last"]:
        errors.setdefault("effective_to", []).append(
            f"A claim under this coverage is for a visit on {served['last']:%m/%d/%Y}; the "
            "coverage must end on or after it."
        )
    return errors


@transaction.atomic
def coverage_create(*, actor, data: dict) -> Coverage:
    if errors := coverage_errors(data):
        raise PracticeDataError(errors)
    coverage = Coverage.objects.create(**data)
    audit_record(
        actor=actor,
        action="coverage.create",
        obj=coverage,
        changes={"payer": coverage.payer.payer_id, "priority": coverage.priority},
    )
    return coverage


@transaction.atomic
def coverage_update(*, actor, coverage: Coverage, data: dict) -> Coverage:
    """Correct a coverage (member id, group, subscriber, priority, dates) or end it. The
    patient never changes; the payer only while no claim was billed under the coverage."""
    _correct(
        actor=actor,
        instance=coverage,
        fields=COVERAGE_FIELDS,
        data=data,
        errors=lambda merged: coverage_errors(
            {**merged, "patient": coverage.patient}, instance=coverage
        ),
    )
    return coverage


def enrollment_errors(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.get("payer"):
        errors["payer"] = ["Choose the payer."]
    elif PayerEnrollment.objects.filter(
        payer=data["payer"], provider=data.get("provider")
    ).exists():
        errors["payer"] = ["This enrollment already exists; update it instead."]
    start, end = data.get("effective_from"), data.get("effective_to")
    if start and end and end < start:
        errors["effective_to"] = ["The enrollment cannot end before it starts."]
    if data.get("status") == "active" and not start:
        errors["effective_from"] = ["An active enrollment needs its effective date."]
    return errors


@transaction.atomic
def enrollment_create(*, actor, data: dict) -> PayerEnrollment:
    if errors := enrollment_errors(data):
        raise PracticeDataError(errors)
    enrollment = PayerEnrollment.objects.create(**data)
    audit_record(
        actor=actor,
        action="enrollment.create",
        obj=enrollment,
        changes={"payer": enrollment.payer.payer_id, "status": enrollment.status},
    )
    return enrollment
