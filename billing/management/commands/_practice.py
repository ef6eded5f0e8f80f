"""Shared by the billing commands: run in one practice's schema (--practice SLUG), read an
X12 file from disk."""

from pathlib import Path

from django.core.management.base import CommandError
from django_tenants.utils import schema_context

from billing.uploads import UploadError, x12_text
from mso.tenancy.models import Practice


def practice_schema(slug: str):
    practice = Practice.objects.tenants().filter(slug=slug).first()
    if practice is None:
        raise CommandError(f"No practice with the sub-domain '{slug}'.")
    if not practice.is_ready:
        raise CommandError(f"Practice '{slug}' is not ready (status {practice.status}).")
    return practice, schema_context(practice.schema_name)


def read_x12(path_text: str) -> tuple[str, str]:
    path = Path(path_text)
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    try:
        return path.name, x12_text(path.read_bytes(), path.name)
    except UploadError as exc:
        raise CommandError(str(exc)) from None
