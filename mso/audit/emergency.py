"""Break-glass emergency access (HIPAA 164.312(a)(2)(ii)).

A user who needs a practice outside their normal rights takes a time-boxed grant with a
reason. It works at once (policy.can treats it as the mso_staff role on that practice, never
a clinical right), shows as a banner on every page, ends by itself at `expires_at` or earlier
on request, alerts every MSO admin (email + an alert audit event), tags every audit event its
holder writes on that practice, and waits on an MSO admin's review.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mso.accounts.choices import Role
from mso.errors import FieldErrors

from .models import EmergencyGrant, ReviewOutcome

DEFAULT_MAX_MINUTES = 240
MIN_REASON_LENGTH = 15


class EmergencyAccessError(FieldErrors):
    pass


def max_minutes() -> int:
    return int(getattr(settings, "EMERGENCY_ACCESS_MAX_MINUTES", DEFAULT_MAX_MINUTES))


def active_grants(user, *, now=None):
    now = now or timezone.now()
    return EmergencyGrant.objects.filter(
        user=user, ended_at=None, starts_at__lte=now, expires_at__gt=now
    ).select_related("practice")


def active_grant_id(user, practice) -> int | None:
    """The grant under which `user` acts on `practice` right now, if any."""
    if (
        practice is None
        or not getattr(user, "is_authenticated", False)
        or not getattr(user, "is_active", False)
    ):
        return None
    return active_grants(user).filter(practice_id=practice.pk).values_list("pk", flat=True).first()


def _admins():
    from mso.accounts.models import User

    return User.objects.filter(is_active=True, memberships__role=Role.MSO_ADMIN).distinct()


def _notify_admins(grant: EmergencyGrant) -> None:
    recipients = sorted({user.email for user in _admins()})
    from mso.tenancy.urls import portal_url

    review_url = portal_url(None, reverse("emergency-review-list", urlconf="mso.urls_public"))
    if not recipients:
        return
    send_mail(
        subject=f"[Emergency access] {grant.user.email} on {grant.practice.name}",
        message=(
            f"{grant.user.email} took emergency (break-glass) access to "
            f"{grant.practice.name} until {timezone.localtime(grant.expires_at):%Y-%m-%d %H:%M}."
            f"\n\nReason given:\n{grant.reason}\n\n"
            f"Review it on the MSO portal: {review_url}"
        ),
        from_email=None,
        recipient_list=recipients,
    )


@transaction.atomic
def grant_request(*, user, practice, reason: str, minutes: int) -> EmergencyGrant:
    """Open a grant now. MSO staff may ask for any practice; a practice user for a practice
    they belong to. MSO admins already have every non-clinical right."""
    from mso.accounts import policy

    from .services import audit_record

    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if len(reason) < MIN_REASON_LENGTH:
        errors["reason"] = [
            f"Say why emergency access is needed (at least {MIN_REASON_LENGTH} characters)."
        ]
    if not 1 <= minutes <= max_minutes():
        errors["minutes"] = [f"Choose between 1 and {max_minutes()} minutes."]
    roles = policy.mso_roles(user)
    if Role.MSO_ADMIN in roles:
        errors["practice"] = ["MSO admins do not need emergency access."]
    elif not practice.is_practice or not practice.is_ready:
        errors["practice"] = ["Emergency access is for a practice that is ready."]
    elif Role.MSO_STAFF not in roles and not user.memberships.filter(practice=practice).exists():
        errors["practice"] = ["You can only ask for emergency access to your own practice."]
    elif active_grant_id(user, practice) is not None:
        errors["practice"] = ["You already hold emergency access to this practice."]
    if errors:
        raise EmergencyAccessError(errors)
    now = timezone.now()
    grant = EmergencyGrant.objects.create(
        user=user,
        practice=practice,
        reason=reason,
        starts_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    audit_record(
        actor=user,
        action="emergency.grant",
        obj=grant,
        practice=practice,
        changes={"reason": reason, "minutes": minutes, "expires_at": grant.expires_at.isoformat()},
        alert=True,
    )
    transaction.on_commit(lambda: _notify_admins(grant), robust=True)
    return grant


@transaction.atomic
def grant_end(*, grant: EmergencyGrant, actor) -> EmergencyGrant:
    """End a grant before its time: its holder or an MSO admin."""
    from mso.accounts import policy

    from .services import audit_record

    grant = EmergencyGrant.objects.select_for_update().get(pk=grant.pk)
    if actor.pk != grant.user_id and not policy.is_mso_admin(actor):
        raise EmergencyAccessError({"grant": ["Only its holder or an MSO admin can end it."]})
    if not grant.is_active():
        raise EmergencyAccessError({"grant": ["This emergency access has already ended."]})
    grant.ended_at = timezone.now()
    grant.ended_by = actor
    grant.save(update_fields=["ended_at", "ended_by"])
    audit_record(actor=actor, action="emergency.end", obj=grant, practice=grant.practice)
    return grant


@transaction.atomic
def grants_close_expired(*, now=None) -> int:
    """Record the end of every grant whose time ran out (access already stopped at
    `expires_at`; this writes the audit trail of it). Idempotent: a closed grant is skipped,
    and rows another worker is closing are skipped too."""
    from .services import audit_record

    now = now or timezone.now()
    expired = EmergencyGrant.objects.select_for_update(skip_locked=True).filter(
        ended_at__isnull=True, expires_at__lte=now
    )
    closed = 0
    for grant in expired.select_related("practice"):
        grant.ended_at = grant.expires_at
        grant.save(update_fields=["ended_at"])
        audit_record(
            actor=None,
            action="emergency.expire",
            obj=grant,
            practice=grant.practice,
            changes={"user": grant.user_id, "expired_at": grant.expires_at.isoformat()},
        )
        closed += 1
    return closed


@transaction.atomic
def grant_review(*, grant: EmergencyGrant, actor, outcome: str, note: str) -> EmergencyGrant:
    """An MSO admin (not the holder) records whether the emergency access was justified."""
    from mso.accounts import policy

    from .services import audit_record

    grant = EmergencyGrant.objects.select_for_update().get(pk=grant.pk)
    errors: dict[str, list[str]] = {}
    if not policy.is_mso_admin(actor) or actor.pk == grant.user_id:
        errors["grant"] = ["Another MSO admin reviews emergency access."]
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = ["Choose an outcome."]
    if outcome == ReviewOutcome.NOT_JUSTIFIED and not note.strip():
        errors["note"] = ["Say what follows up an unjustified access."]
    if errors:
        raise EmergencyAccessError(errors)
    grant.review_outcome = outcome
    grant.review_note = note.strip()
    grant.reviewed_by = actor
    grant.reviewed_at = timezone.now()
    grant.save(update_fields=["review_outcome", "review_note", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor,
        action="emergency.review",
        obj=grant,
        practice=grant.practice,
        changes={"outcome": outcome, "note": grant.review_note},
    )
    return grant
