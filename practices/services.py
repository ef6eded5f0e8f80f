"""Writes of practice-side data. Field rules live in a pure function shared by form and API."""

import re

from django.core.cache import cache
from django.db import transaction

from mso.audit.services import audit_record
from mso.errors import FieldErrors
from mso.geo import US_STATES
from mso.identifiers import npi_is_valid

from .choices import PLACE_OF_SERVICE
from .models import Location
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


class LocationError(FieldErrors):
    pass


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
        raise LocationError(errors)
    location = Location.objects.create(**{k: data[k] for k in LOCATION_FIELDS if k in data})
    audit_record(
        actor=actor,
        action="location.create",
        obj=location,
        changes={k: data.get(k) for k in ("name", "city", "state")},
    )
    transaction.on_commit(lambda: cache.delete(SUMMARY_CACHE_KEY))
    return location


@transaction.atomic
def location_update(*, actor, location: Location, data: dict) -> Location:
    merged = {k: data.get(k, getattr(location, k)) for k in LOCATION_FIELDS}
    if errors := location_errors(merged, instance=location):
        raise LocationError(errors)
    changes = {
        k: [getattr(location, k), merged[k]]
        for k in LOCATION_FIELDS
        if getattr(location, k) != merged[k]
    }
    for key, value in merged.items():
        setattr(location, key, value)
    location.save()
    audit_record(actor=actor, action="location.update", obj=location, changes=changes)
    transaction.on_commit(lambda: cache.delete(SUMMARY_CACHE_KEY))
    return location
