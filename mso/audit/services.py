"""Recording audit events. Every write service calls audit_record; patient-level reads call
audit_read."""

import contextvars
from dataclasses import dataclass

from mso.middleware import current_request_id
from mso.tenancy.context import current_practice

from .models import AuditEvent


@dataclass(frozen=True)
class AuditContext:
    ip_address: str | None = None
    channel: str = "web"


_SYSTEM = AuditContext(channel="system")
_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "audit_context", default=None
)


def audit_context_set(*, ip_address: str | None, channel: str) -> contextvars.Token:
    return _context.set(AuditContext(ip_address=ip_address, channel=channel))


def audit_context_reset(token: contextvars.Token) -> None:
    _context.reset(token)


def _current_practice():
    practice = current_practice()
    return practice if practice is not None and practice.kind != "portal" else None


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    practice=None,
    changes: dict | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one event. `practice` defaults to the practice whose schema is active."""
    practice = practice or _current_practice()
    context = _context.get() or _SYSTEM
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor_id=actor.pk if authenticated else None,
        actor_label=(actor.email if authenticated else "system")[:254],
        practice_id=practice.pk if practice else None,
        practice_schema=practice.schema_name if practice else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=changes or {},
        request_id=current_request_id(),
        ip_address=context.ip_address,
        channel=context.channel,
    )


def audit_read(*, actor, obj, practice=None) -> AuditEvent:
    """Record that `actor` viewed a patient-level record."""
    return audit_record(
        actor=actor, action=f"{obj._meta.model_name}.view", obj=obj, practice=practice
    )
