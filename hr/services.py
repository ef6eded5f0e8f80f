"""Writes of workforce records: hire, correct, terminate. Every hire and every change of
name or date of birth is screened against the OIG exclusion list at once."""

from django.db import transaction
from django.utils import timezone

from compliance.services import exclusion_screen_at_hire
from mso.audit.services import audit_record
from mso.crypto.keys import key_ring
from mso.crypto.sensitive import reveal
from mso.errors import FieldErrors
from mso.identifiers import normalize_digits, ssn_is_valid
from mso.locking import lock_fresh

from .choices import Department, EmploymentType
from .models import Employee

EMPLOYEE_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "job_title",
    "department",
    "employment_type",
    "hire_date",
    "work_email",
)
_SCREENED = {"first_name", "last_name", "birth_date"}


class EmployeeError(FieldErrors):
    """A workforce record the rules refuse; nothing was written."""


def _ssn_errors(ssn: str, instance: Employee | None) -> dict[str, list[str]]:
    """The SSN is optional until payroll; messages never repeat it."""
    if not ssn:
        return {}
    if not ssn_is_valid(ssn):
        return {"ssn": ["Enter a valid 9-digit SSN (area not 000, 666 or 900-999)."]}
    others = Employee.objects.filter(ssn_hash=key_ring().lookup_hash(ssn))
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        return {"ssn": ["Another employee has this SSN: check for a duplicate record."]}
    return {}


def employee_errors(data: dict, ssn: str, *, instance: Employee | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    for name in ("first_name", "last_name", "job_title"):
        if not str(data.get(name) or "").strip():
            errors[name] = ["This field is required."]
    today = timezone.localdate()
    birth, hired = data.get("birth_date"), data.get("hire_date")
    if not birth:
        errors["birth_date"] = ["Enter the date of birth (screening tells namesakes apart by it)."]
    elif _age(birth, today) < 14:
        errors["birth_date"] = ["An employee is at least 14 years old."]
    left = instance.termination_date if instance is not None else None
    if not hired:
        errors["hire_date"] = ["Enter the hire date."]
    elif birth and hired < birth:
        errors["hire_date"] = ["The hire date cannot precede the date of birth."]
    elif left and hired > left:
        errors["hire_date"] = ["The hire date cannot follow the last day."]
    if data.get("department") not in Department.values:
        errors["department"] = ["Choose the department."]
    if data.get("employment_type") not in EmploymentType.values:
        errors["employment_type"] = ["Choose the kind of employment."]
    errors.update(_ssn_errors(ssn, instance))
    return errors


def _age(birth, today) -> int:
    """Whole years (29 February birthdays come of age on 1 March in common years)."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _ssn_fields(ssn: str) -> dict:
    return {"ssn": ssn, "ssn_hash": key_ring().lookup_hash(ssn) if ssn else ""}


@transaction.atomic
def employee_hire(*, actor, data: dict) -> Employee:
    values = {k: data.get(k) for k in EMPLOYEE_FIELDS}
    values["work_email"] = values["work_email"] or ""
    values["employment_type"] = values["employment_type"] or EmploymentType.FULL_TIME
    ssn = normalize_digits(reveal(data.get("ssn")))
    if errors := employee_errors(values, ssn):
        raise EmployeeError(errors)
    employee = Employee.objects.create(**values, **_ssn_fields(ssn))
    audit_record(
        actor=actor,
        action="employee.hire",
        obj=employee,
        changes={"department": employee.department, "ssn": "recorded" if ssn else ""},
    )
    exclusion_screen_at_hire(actor=actor)
    return employee


@transaction.atomic
def employee_update(*, actor, employee: Employee, data: dict) -> Employee:
    """Correct the record; a new SSN replaces the one on file (a blank one keeps it). The
    audit trail names the changed fields (and says only that an SSN changed)."""
    lock_fresh(employee)
    merged = {k: data[k] if k in data else getattr(employee, k) for k in EMPLOYEE_FIELDS}
    merged["work_email"] = merged["work_email"] or ""
    new_ssn = normalize_digits(reveal(data.get("ssn")))
    if errors := employee_errors(merged, new_ssn, instance=employee):
        raise EmployeeError(errors)
    changed = {k: "changed" for k, v in merged.items() if getattr(employee, k) != v}
    for key, value in merged.items():
        setattr(employee, key, value)
    if new_ssn:
        for key, value in _ssn_fields(new_ssn).items():
            setattr(employee, key, value)
        changed["ssn"] = "changed"
    employee.save()
    audit_record(actor=actor, action="employee.update", obj=employee, changes=changed)
    if changed.keys() & _SCREENED:
        exclusion_screen_at_hire(actor=actor)
    return employee


@transaction.atomic
def employee_terminate(*, actor, employee: Employee, on) -> Employee:
    lock_fresh(employee)
    if employee.termination_date is not None:
        raise EmployeeError("This employee has already left.")
    if not on or on < employee.hire_date:
        raise EmployeeError({"termination_date": ["The last day cannot precede the hire date."]})
    employee.termination_date = on
    employee.save(update_fields=["termination_date"])
    audit_record(
        actor=actor, action="employee.terminate", obj=employee, changes={"on": on.isoformat()}
    )
    return employee


@transaction.atomic
def employee_rehire(*, actor, employee: Employee, on) -> Employee:
    """Someone who left comes back: the same record (and SSN), a new hire date, screened
    again at once."""
    lock_fresh(employee)
    if employee.termination_date is None:
        raise EmployeeError("This employee has not left.")
    if not on or on <= employee.termination_date:
        raise EmployeeError({"hire_date": ["The new hire date must follow the last day."]})
    previous = employee.termination_date
    employee.termination_date, employee.hire_date = None, on
    employee.save(update_fields=["termination_date", "hire_date"])
    audit_record(
        actor=actor,
        action="employee.rehire",
        obj=employee,
        changes={"on": on.isoformat(), "left": previous.isoformat()},
    )
    exclusion_screen_at_hire(actor=actor)
    return employee
