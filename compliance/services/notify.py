"""Telling the people who run a practice: its managers and its MSO staff by email, with an
audit event. The callers record what they told first, in the same transaction, so a rerun
sends nothing twice."""

from django.core.mail import send_mail
from django.db import connection

from mso.accounts.choices import Role
from mso.accounts.models import User
from mso.audit.services import audit_record
from mso.tenancy.models import Practice


def current_practice_row() -> Practice:
    return Practice.objects.get(schema_name=connection.schema_name)


def recipients(practice: Practice) -> list[str]:
    """The practice's managers and its MSO staff (not every MSO admin)."""
    return sorted(
        User.objects.filter(
            is_active=True,
            memberships__practice=practice,
            memberships__role__in=[Role.PRACTICE_MANAGER, Role.MSO_STAFF],
        )
        .values_list("email", flat=True)
        .distinct()
    )


def tell_managers(
    *, practice: Practice, to: list[str], subject: str, body: str, action: str, changes: dict
) -> None:
    send_mail(subject=subject, message=body, from_email=None, recipient_list=to)
    audit_record(
        actor=None, action=action, practice=practice, changes={**changes, "recipients": len(to)}
    )
