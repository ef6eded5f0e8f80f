"""Which practice a request is about."""

from .choices import PracticeKind


def request_practice(request):
    """The practice (or MSO back office) served on this host; None on the MSO portal."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.kind == PracticeKind.PORTAL:
        return None
    return tenant


def current_practice():
    """The practice whose schema is active, or None in the public schema. `schema_context()`
    installs a bare stand-in tenant; the real row is looked up then."""
    from django.db import connection
    from django_tenants.utils import get_public_schema_name

    from .models import Practice

    if connection.schema_name == get_public_schema_name():
        return None
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Practice):
        return tenant
    return Practice.objects.filter(schema_name=connection.schema_name).first()
