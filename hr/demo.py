"""Demo workforce (synthetic people only)."""

from datetime import date

from .models import Employee
from .services import employee_hire

_STAFF = [
    ("Rosa", "Delgado", date(1984, 7, 19), "Office manager", "administration", "full_time"),
    ("Tariq", "Benson", date(1992, 1, 8), "Medical assistant", "clinical_support", "full_time"),
    ("Mei", "Lindqvist", date(1979, 11, 30), "Billing specialist", "billing", "part_time"),
    ("Owen", "Farrow", date(1998, 5, 2), "Front desk coordinator", "front_desk", "full_time"),
]


def seed_practice(*, actor, today: date) -> None:
    if Employee.objects.exists():
        return
    for n, (first, last, born, title, department, kind) in enumerate(_STAFF):
        employee_hire(
            actor=actor,
            data={
                "first_name": first,
                "last_name": last,
                "birth_date": born,
                "job_title": title,
                "department": department,
                "employment_type": kind,
                "hire_date": today.replace(year=today.year - 1 - n, day=1),
            },
        )
