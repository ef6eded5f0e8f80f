"""Shared by the billing commands: run in one practice's schema, given by --practice SLUG."""

from django.core.management.base import CommandError
from django_tenants.utils import schema_context

from mso.tenancy.models import Practice


def practice_schema(slug: str):
    practice = Practice.objects.tenants().filter(slug=slug).first()
    if practice is None:
        raise CommandError(f"No practice with the sub-domain '{slug}'.")
    if not practice.is_ready:
        raise CommandError(f"Practice '{slug}' is not ready (status {practice.status}).")
    return practice, schema_context(practice.schema_name)
