from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from mso.tenancy.context import request_practice

from . import policy


def require(action: policy.Action):
    """Page guard: sign-in first, then the policy decides on this host's practice (or the
    MSO portal)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not policy.can(request.user, action, request_practice(request)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
