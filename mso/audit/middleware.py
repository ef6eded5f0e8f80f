from .services import audit_context_reset, audit_context_set


class AuditContextMiddleware:
    """Makes the client address and channel (web or api) available to audit_record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        token = audit_context_set(ip_address=request.META.get("REMOTE_ADDR"), channel=channel)
        try:
            return self.get_response(request)
        finally:
            audit_context_reset(token)
