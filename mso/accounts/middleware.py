from django.contrib.auth import logout
from django.db import connection

SESSION_SCHEMA_KEY = "mso_schema"


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
