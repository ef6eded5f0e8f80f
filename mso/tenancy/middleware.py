from django.db import connection
from django.http import Http404
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware

from .choices import PracticeKind, PracticeStatus


class PracticeTenantMiddleware(TenantMainMiddleware):
    """Routes by host (unknown host: 404). A practice is served only once it is ready."""

    def __call__(self, request):
        if request.path == "/healthz":
            return self.get_response(request)
        return super().__call__(request)

    def process_request(self, request):
        response = super().process_request(request)
        if response is not None:
            return response
        tenant = request.tenant
        if tenant.kind != PracticeKind.PORTAL and tenant.status != PracticeStatus.READY:
            connection.set_schema_to_public()
            if tenant.status == PracticeStatus.PROVISIONING:
                return render(
                    request,
                    "errors/503_provisioning.html",
                    {"current_practice": tenant},
                    status=503,
                )
            raise Http404("This practice is not available.")
        return None

    def no_tenant_found(self, request, hostname):
        raise Http404(f"No practice is served at {hostname}.")
