"""Which practice a request is about."""

from .choices import PracticeKind


def request_practice(request):
    """The practice (or MSO back office) served on this host; None on the MSO portal."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.kind == PracticeKind.PORTAL:
        return None
    return tenant
