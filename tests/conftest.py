"""Test fixtures. Practices are made once per session (cloned schemas are cheap but not free);
tests run inside a transaction that is rolled back, so they never change them."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from mso.accounts.choices import Role
from mso.accounts.models import Membership, User
from mso.accounts.sessions import session_stamp
from mso.tenancy.choices import PracticeKind
from mso.tenancy.demo import demo_npi, ensure_portal
from mso.tenancy.models import Practice
from mso.tenancy.rules import OwnerInput, PracticeInput
from mso.tenancy.services import practice_onboard, practice_provision

PASSWORD = "Correct-horse-battery-9"


@dataclass
class World:
    office: Practice
    a: Practice
    b: Practice
    admin: User
    staff: User  # mso_staff on practice A only
    manager_a: User
    provider_a: User
    integrator_a: User
    manager_b: User
    integrator_b: User
    outsider: User  # no membership at all


def practice_input(slug: str, state: str = "NY", npi_seed: int = 100000000) -> PracticeInput:
    expiry = timezone.localdate().replace(year=timezone.localdate().year + 2)
    return PracticeInput(
        name=f"{slug.title()} Medical Group, P.C.",
        slug=slug,
        state=state,
        group_npi=demo_npi(npi_seed),
        tin="131234567",
        owners=[
            OwnerInput(
                full_name="Dr. Test Owner",
                license_state=state,
                license_number=f"LIC-{slug}",
                license_expiry=expiry,
                share_percent=Decimal("100"),
            )
        ],
    )


def _make(slug: str, *, kind=PracticeKind.PRACTICE, npi_seed: int) -> Practice:
    practice, job = practice_onboard(
        actor=None, data=practice_input(slug, npi_seed=npi_seed), kind=kind
    )
    practice_provision(job_id=job.pk)
    practice.refresh_from_db()
    return practice


def _user(email: str, practice: Practice | None, role: str | None) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=email.split("@")[0])
    if practice is not None:
        Membership.objects.create(user=user, practice=practice, role=role)
    return user


@pytest.fixture(scope="session")
def world(django_db_setup, django_db_blocker) -> World:
    # pytest-django creates the test database only when a collected test asks for one;
    # never let fixtures write to a real database.
    assert connection.settings_dict["NAME"].startswith("test_"), "tests need django_db"
    with django_db_blocker.unblock():
        ensure_portal()
        office = _make("office", kind=PracticeKind.MSO, npi_seed=100000001)
        a = _make("alpha", npi_seed=100000002)
        b = _make("bravo", npi_seed=100000003)
        staff = _user("staff@mso.test", a, Role.MSO_STAFF)
        world = World(
            office=office,
            a=a,
            b=b,
            admin=_user("admin@mso.test", office, Role.MSO_ADMIN),
            staff=staff,
            manager_a=_user("manager@alpha.test", a, Role.PRACTICE_MANAGER),
            provider_a=_user("provider@alpha.test", a, Role.PROVIDER),
            integrator_a=_user("integrator@alpha.test", a, Role.INTEGRATOR),
            manager_b=_user("manager@bravo.test", b, Role.PRACTICE_MANAGER),
            integrator_b=_user("integrator@bravo.test", b, Role.INTEGRATOR),
            outsider=_user("outsider@nowhere.test", None, None),
        )
        connection.set_schema_to_public()
    return world


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    yield
    connection.set_schema_to_public()


def host_of(practice: Practice | None) -> str:
    return "localhost" if practice is None else f"{practice.slug}.localhost"


def signed_in_client(user: User | None, practice: Practice | None) -> Client:
    """A browser-like client on the practice's host (or the portal), signed in as `user`.

    force_login skips both sign-in steps; the session is stamped as if the user had passed
    them (method "test"). The steps themselves, MFA included, are tested for real in
    tests/test_auth_*.py through the sign-in pages."""
    client = Client(HTTP_HOST=host_of(practice))
    if user is not None:
        client.force_login(user, backend="mso.accounts.backends.EmailBackend")
        session = client.session
        session_stamp(session, schema=practice.schema_name if practice else "public", method="test")
        session.save()
    return client


@pytest.fixture
def client_for(db, world):
    return signed_in_client


def user_for_role(world: World, role: str) -> User | None:
    return {
        "mso_admin": world.admin,
        "mso_staff": world.staff,
        "practice_manager": world.manager_a,
        "provider": world.provider_a,
        "integrator": world.integrator_a,
        "outsider": world.outsider,
        "anonymous": None,
    }[role]


@pytest.fixture
def clinic(world, db):
    """Billing reference data and two insured patients in practice A (tests/billing)."""
    from django_tenants.utils import schema_context

    from tests.billing.conftest import make_clinic

    with schema_context(world.a.schema_name):
        return make_clinic(world)
