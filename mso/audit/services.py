"""Recording audit events. Every write service calls audit_record; patient-level reads call
audit_read."""

import contextvars
from dataclasses import dataclass

from mso.middleware import current_request_id
from mso.tenancy.context import current_practice

from .models import AuditEvent
from .registry import BULK_MEMBERS, patient_path


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


def _patient_ids(model, pks) -> list[int]:
    """The patients that rows of `model` concern, in one query (none if not patient data)."""
    path = patient_path(model)
    if path is None or not pks:
        return []
    if path == "pk":
        return sorted({int(pk) for pk in pks})
    values = model._default_manager.filter(pk__in=pks).values_list(path, flat=True)
    return sorted({pid for pid in values if pid is not None})


def _bulk_members(obj, known: dict) -> dict:
    """The ids of a bulk object's members, unless the caller already gave them."""
    key, lookup = BULK_MEMBERS.get(obj._meta.label_lower, (None, None))
    if key is None or key in known:
        return {}
    ids = type(obj)._default_manager.filter(pk=obj.pk).values_list(lookup, flat=True)
    return {key: sorted(pk for pk in ids if pk is not None)}


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    practice=None,
    changes: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    patient_ids: list[int] | None = None,
    alert: bool = False,
) -> AuditEvent:
    """Append one event. `practice` defaults to the practice whose schema is active; the
    patients default to those `obj` concerns (see registry.PATIENT_PATHS), and a bulk object
    adds the ids of its members to `changes`."""
    from .emergency import active_grant_id

    practice = practice or _current_practice()
    context = _context.get() or _SYSTEM
    changes = dict(changes or {})
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if patient_ids is None:
            patient_ids = _patient_ids(type(obj), [obj.pk])
        changes.update(_bulk_members(obj, changes))
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
        changes=changes,
        request_id=current_request_id(),
        ip_address=context.ip_address,
        channel=context.channel,
        patient_ids=patient_ids or [],
        emergency_grant_id=active_grant_id(actor, practice) if authenticated else None,
        is_alert=alert,
    )


def audit_read(*, actor, obj, practice=None) -> AuditEvent:
    """Record that `actor` viewed a patient-level record."""
    return audit_record(
        actor=actor, action=f"{obj._meta.model_name}.view", obj=obj, practice=practice
    )


def audit_read_list(
    *, actor, objects=None, patient_ids=None, object_type: str = ""
) -> AuditEvent | None:
    """Record that `actor` was shown a list: one event naming every patient shown (and the
    rows' ids), not one per row. `objects` is a page or a list of model instances; a list that
    is not a model's rows (a report) passes `patient_ids` and `object_type` instead."""
    rows = list(objects or [])
    if rows:
        model = type(rows[0])
        object_type = object_type or model._meta.label_lower
        pks = [row.pk for row in rows]
        patient_ids = _patient_ids(model, pks)
        changes = {"ids": pks}
    else:
        patient_ids = sorted(set(patient_ids or []))
        changes = {}
    if not patient_ids and not rows:
        return None
    return audit_record(
        actor=actor,
        action=f"{object_type.rsplit('.', 1)[-1]}.list",
        object_type=object_type,
        changes={**changes, "count": len(rows) or len(patient_ids)},
        patient_ids=patient_ids,
    )
