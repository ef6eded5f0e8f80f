"""Absolute URLs of the portal and of each practice's host, keeping the request's scheme and
port (development runs on :8000)."""

from django.conf import settings

from .choices import PracticeKind


def _origin(request, host: str) -> str:
    port = request.get_port() if request is not None else ""
    scheme = request.scheme if request is not None else "https"
    default = {"http": "80", "https": "443"}.get(scheme)
    suffix = f":{port}" if port and port != default else ""
    return f"{scheme}://{host}{suffix}"


def portal_url(request, path: str = "/") -> str:
    return _origin(request, settings.MSO_BASE_DOMAIN) + path


def practice_url(request, practice, path: str = "/") -> str:
    if practice.kind == PracticeKind.PORTAL:
        return portal_url(request, path)
    domain = next(iter(practice.domains.all()), None)
    host = domain.domain if domain else f"{practice.slug}.{settings.MSO_BASE_DOMAIN}"
    return _origin(request, host) + path
