from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import connection

from mso.audit.services import audit_record

from .sessions import SESSION_SCHEMA_KEY, session_end_reason, session_touch

__all__ = ["SESSION_SCHEMA_KEY", "PracticeSessionBindingMiddleware", "SessionLifetimeMiddleware"]


class PracticeSessionBindingMiddleware:
    """A session belongs to the host it was made on. Replayed on another practice's host
    (cookies are host-only, so only a forged request can do this) it is ended."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            bound = request.session.get(SESSION_SCHEMA_KEY)
            if bound != connection.schema_name:
                logout(request)
        return self.get_response(request)


def _signed_out_message(reason: str) -> str:
    if reason == "idle":
        minutes = max(1, settings.SESSION_IDLE_TIMEOUT // 60)
        return f"You were signed out after {minutes} minutes of inactivity. Please sign in again."
    if reason == "lifetime":
        hours = max(1, settings.SESSION_ABSOLUTE_LIFETIME // 3600)
        return f"Your session reached its {hours}-hour limit. Please sign in again."
    return "Please sign in again."


class SessionLifetimeMiddleware:
    """Server-side idle timeout and absolute lifetime (the cookie's age alone is not
    trusted). Also ends a session that did not go through the sign-in steps."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = session_end_reason(request.session)
            if reason is None:
                session_touch(request.session)
            else:
                user = request.user
                logout(request)
                messages.warning(request, _signed_out_message(reason))
                audit_record(
                    actor=user,
                    action="session.expired",
                    object_type="session",
                    changes={"reason": reason},
                )
        return self.get_response(request)
