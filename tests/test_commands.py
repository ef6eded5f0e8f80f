"""Operator commands: seed_demo (idempotent) and platform_init."""

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from compliance.models import ExclusionScreening, Policy, SecurityIncident
from compliance.selectors import credential_list
from hr.models import Employee
from mso.accounts.models import Membership, User
from mso.tenancy.models import Practice
from practices.models import Location

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_lists_sign_ins(world):
    call_command("seed_demo", stdout=StringIO())
    counts = (Practice.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Practice.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    out = StringIO()
    call_command("seed_demo", "--list-json", stdout=out)
    listing = json.loads(out.getvalue())
    assert {p["slug"] for p in listing["practices"]} >= {"lakeside", "desert-bloom", "blue-ridge"}
    roles = {s["role"] for s in listing["signins"]}
    assert roles == {"mso_admin", "mso_staff", "practice_manager", "provider", "integrator"}
    lakeside = Practice.objects.get(slug="lakeside")
    assert lakeside.is_ready and lakeside.owners.count() == 2
    from django_tenants.utils import schema_context

    with schema_context(lakeside.schema_name):
        assert Location.objects.count() == 2
        # One monthly screening (seeded twice), leaving a name match to review.
        (screening,) = ExclusionScreening.objects.all()
        assert [m.subject_name for m in screening.matches.filter(status="open")] == ["Leo Brandt"]
        statuses = Counter(c.status for c in credential_list())
        assert statuses["expired"] == 1 and statuses["expiring"] == 1
        assert sorted(SecurityIncident.objects.values_list("status", flat=True)) == [
            "breach",
            "closed",
        ]
        assert Employee.objects.count() == 4
        (screening,) = ExclusionScreening.objects.all()
        assert screening.subjects_screened == 3 + 2 + 4  # providers, owners, employees
        clinical = Policy.objects.get(category="clinical").versions.get()
        assert clinical.published_by.email == "provider.lakeside@demo.test"  # CPOM


def test_platform_init(world, monkeypatch):
    monkeypatch.delenv("MSO_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError):
        call_command("platform_init", "--admin-email", "first@mso.test", stdout=StringIO())
    monkeypatch.setenv("MSO_ADMIN_PASSWORD", "A-strong-admin-pass-1")
    call_command("platform_init", "--admin-email", "first@mso.test", stdout=StringIO())
    call_command("platform_init", "--admin-email", "first@mso.test", stdout=StringIO())
    user = User.objects.get(email="first@mso.test")
    assert Membership.objects.get(user=user).role == "mso_admin"
    assert user.check_password("A-strong-admin-pass-1")
