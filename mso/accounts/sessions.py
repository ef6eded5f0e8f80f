"""Session lifecycle: the two sign-in steps, timestamps, and ending a user's sessions.

Sign-in is two steps. After the password, a user who needs a second factor gets a *pending*
session (no Django login: request.user stays anonymous, so no page, API call or htmx partial
is reachable); only `session_complete` calls `login()`, and it refuses to do so without a
second factor for a user who needs one. Every completed session carries the sign-in method
and timestamps; SessionLifetimeMiddleware ends a session that lacks them."""

import time
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import login
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils.http import url_has_allowed_host_and_scheme

from mso.audit.services import audit_record
from mso.tenancy.context import request_practice

from . import mfa
from .models import User, UserSession

BACKEND = "mso.accounts.backends.EmailBackend"
SESSION_SCHEMA_KEY = "mso_schema"
PENDING_KEY = "mso_pending"
MFA_KEY = "mso_mfa"  # how the session was authenticated: password, totp, recovery, handoff
AUTH_AT_KEY = "mso_auth_at"
SEEN_AT_KEY = "mso_seen_at"
# Re-enrolment allowed until this time (set after the current code was checked).
REENROL_UNTIL_KEY = "mso_reenrol_until"
SECOND_FACTOR_METHODS = frozenset({"totp", "recovery", "handoff"})
# Only write the last-seen time when it moved this much: no session write per request.
SEEN_RESOLUTION = 60


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return settings.LOGIN_REDIRECT_URL


def sign_in_begin(request, user: User, next_url: str | None) -> tuple[bool, str]:
    """After the password step. Returns (completed, where to go next): either the session is
    complete (no second factor needed), or it is pending and the user must verify or enrol."""
    next_url = _safe_next(request, next_url)
    if not mfa.mfa_required(user):
        session_complete(request, user, method="password")
        return True, next_url
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "at": time.time(),
        "next": next_url,
        "schema": connection.schema_name,
    }
    audit_record(
        actor=user,
        action="session.second_factor_requested",
        object_type="session",
        practice=request_practice(request),
    )
    return False, "mfa-verify" if mfa.has_device(user) else "mfa-enrol"


def pending_user(request) -> User | None:
    """The user who passed the password step on this host within MFA_PENDING_LIFETIME."""
    pending = request.session.get(PENDING_KEY)
    if not pending or pending.get("schema") != connection.schema_name:
        return None
    if time.time() - pending["at"] > settings.MFA_PENDING_LIFETIME:
        request.session.pop(PENDING_KEY, None)
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def pending_clear(request) -> None:
    request.session.pop(PENDING_KEY, None)


def session_complete(request, user: User, *, method: str, signed_in_at: float | None = None) -> str:
    """Log in (new session id), bind the session to this host, stamp it. Returns where the
    pending sign-in wanted to go."""
    if method not in SECOND_FACTOR_METHODS and mfa.mfa_required(user):
        raise PermissionDenied("A second factor is required.")
    pending = request.session.pop(PENDING_KEY, None) or {}
    login(request, user, backend=BACKEND)  # cycles the session key
    session_stamp(request.session, schema=connection.schema_name, method=method)
    if signed_in_at is not None:
        request.session[AUTH_AT_KEY] = min(signed_in_at, request.session[AUTH_AT_KEY])
    request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "schema_name": connection.schema_name},
    )
    audit_record(
        actor=user,
        action="session.sign_in",
        object_type="session",
        practice=request_practice(request),
        changes={"method": method},
    )
    return pending.get("next") or settings.LOGIN_REDIRECT_URL


def session_signed_in_at(session) -> datetime | None:
    """When this session passed sign-in (its absolute lifetime counts from then)."""
    stamp = session.get(AUTH_AT_KEY)
    return datetime.fromtimestamp(stamp, tz=UTC) if stamp is not None else None


def session_stamp(session, *, schema: str, method: str, now: float | None = None) -> None:
    """The markers every authenticated session carries (tests use this after force_login)."""
    now = time.time() if now is None else now
    session[SESSION_SCHEMA_KEY] = schema
    session[MFA_KEY] = method
    session[AUTH_AT_KEY] = now
    session[SEEN_AT_KEY] = now


def session_end_reason(session, *, now: float | None = None) -> str | None:
    """Why an authenticated session must end now (None: it may go on)."""
    now = time.time() if now is None else now
    auth_at, seen_at = session.get(AUTH_AT_KEY), session.get(SEEN_AT_KEY)
    if auth_at is None or seen_at is None or session.get(MFA_KEY) is None:
        return "incomplete"
    if now - auth_at > settings.SESSION_ABSOLUTE_LIFETIME:
        return "lifetime"
    if now - seen_at > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return None


def session_touch(session, *, now: float | None = None) -> None:
    now = time.time() if now is None else now
    if now - session.get(SEEN_AT_KEY, 0) >= SEEN_RESOLUTION:
        session[SEEN_AT_KEY] = now


@transaction.atomic
def sessions_end(*, user: User, actor, reason: str) -> int:
    """Delete every session of `user` (disabled, membership removed, password reset)."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    ended = Session.objects.filter(session_key__in=keys).delete()[0]
    UserSession.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        action="session.end_all",
        object_type="accounts.user",
        object_id=str(user.pk),
        practice=None,
        changes={"user": user.email, "reason": reason, "sessions": ended},
    )
    return ended
