"""Account lockout (django-axes): failed passwords and failed second-factor codes count
toward the same per-user and per-address+user limits (settings.AXES_*)."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_failure_limit, get_lockout_response
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone

from mso.audit.services import audit_record

from .models import User


def credential_username(request, credentials) -> str:
    """Axes' key for a user: the email as typed, trimmed and lower-cased (sign-in is
    case-insensitive, so 'A@x.test' and 'a@x.test' share one counter)."""
    if credentials and credentials.get("username"):
        raw = credentials["username"]
    else:
        raw = getattr(request, "POST", {}).get("username", "")
    return (raw or "").strip().lower()


def _credentials(user: User) -> dict:
    return {"username": user.email}


def is_locked(request, user: User) -> bool:
    return AxesProxyHandler.is_locked(request, _credentials(user))


def credential_failed(request, user: User) -> bool:
    """Count a failed credential outside the sign-in form (a wrong MFA code, a wrong password
    when accepting an invitation) like a wrong sign-in password. True if now locked."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return is_locked(request, user)


second_factor_failed = credential_failed


def lockout_response(request, user: User):
    return get_lockout_response(request, None, _credentials(user))


def lockout_page(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page, 429, with the limit and the cool-off."""
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """axes' user_locked_out signal -> one audit event per refused attempt."""
    user = User.objects.filter(email__iexact=username or "").first()
    audit_record(
        actor=user,
        action="session.locked_out",
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        practice=None,
        changes={"username": username or "", "ip_address": ip_address or ""},
    )


def locked_usernames() -> list[str]:
    """Accounts locked right now (limit reached, cool-off not over)."""
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=get_failure_limit(None, None),
        attempt_time__gt=timezone.now() - settings.AXES_COOLOFF_TIME,
    )
    return sorted(set(attempts.values_list("username", flat=True)))


@transaction.atomic
def lockout_clear(*, actor, email: str) -> int:
    """Unlock an account before its cool-off ends (an MSO admin, or the operator's
    command). Returns how many lockout records were removed."""
    email = email.strip().lower()
    removed = AxesProxyHandler.reset_attempts(username=email)
    user = User.objects.filter(email__iexact=email).first()
    audit_record(
        actor=actor,
        action="session.unlock",
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        practice=None,
        changes={"username": email, "records": removed},
    )
    return removed
