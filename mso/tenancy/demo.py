"""Demo data: the MSO, three Friendly PCs, one user per role. Synthetic people only."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django_tenants.utils import schema_context

from billing import demo as billing_demo
from hr import demo as hr_demo
from mso.accounts import services as account_services
from mso.accounts.choices import Role
from mso.accounts.models import Membership, User
from mso.identifiers import npi_check_digit
from practices.models import Location
from practices.services import location_create

from .choices import PracticeKind, PracticeStatus
from .models import Domain, Practice
from .rules import OwnerInput, PracticeInput
from .services import practice_onboard, practice_provision

DEMO_PASSWORD = "Meridian-demo-2026"  # noqa: S105 - published demo sign-in, synthetic data
MSO_SLUG = "mso-office"


def demo_npi(seed: int) -> str:
    first_nine = f"{seed:09d}"
    return first_nine + str(npi_check_digit(first_nine))


@dataclass(frozen=True)
class DemoPractice:
    slug: str
    name: str
    state: str
    tin: str
    npi_seed: int
    owners: tuple[tuple[str, str, str], ...]  # (name, license state, share)
    locations: tuple[tuple[str, str, str, str], ...]  # (name, street, city, zip)


DEMO_PRACTICES = (
    DemoPractice(
        "lakeside",
        "Lakeside Family Medicine, P.C.",
        "NY",
        "131234567",
        123456780,
        (("Dr. Amara Okafor", "NY", "60"), ("Dr. Daniel Weiss", "NJ", "40")),
        (
            ("Lakeside Main Clinic", "120 Harbor Rd", "Rochester", "14604"),
            ("Lakeside East", "88 Ridge Ave", "Penfield", "14526"),
        ),
    ),
    DemoPractice(
        "desert-bloom",
        "Desert Bloom Pediatrics, P.C.",
        "AZ",
        "861234567",
        223456780,
        (("Dr. Lucia Herrera", "AZ", "100"),),
        (("Desert Bloom Pediatrics", "4500 N Central Ave", "Phoenix", "85012"),),
    ),
    DemoPractice(
        "blue-ridge",
        "Blue Ridge Cardiology, P.C.",
        "NC",
        "561234567",
        323456780,
        (
            ("Dr. Samuel Carter", "NC", "50"),
            ("Dr. Priya Raman", "NC", "30"),
            ("Dr. Owen Blake", "VA", "20"),
        ),
        (
            ("Blue Ridge Heart Center", "17 Mountain View Dr", "Asheville", "28801"),
            ("Blue Ridge Boone Office", "300 King St", "Boone", "28607"),
        ),
    ),
)


def _email(role: str, slug: str | None = None) -> str:
    local = role.replace("_", "-")
    return f"{local}.{slug}@demo.test" if slug else f"{local}@meridian-mso.test"


def _user(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
    return user


def ensure_portal() -> Practice:
    portal, _ = Practice.objects.get_or_create(
        schema_name="public",
        defaults={
            "kind": PracticeKind.PORTAL,
            "name": "Meridian MSO",
            "slug": "portal",
            "status": PracticeStatus.READY,
        },
    )
    Domain.objects.get_or_create(
        domain=settings.MSO_BASE_DOMAIN, defaults={"tenant": portal, "is_primary": True}
    )
    return portal


def _ensure_tenant(*, data: PracticeInput, kind: str, actor) -> Practice:
    practice = Practice.objects.filter(slug=data.slug).first()
    if practice is None:
        practice, job = practice_onboard(actor=actor, data=data, kind=kind)
        practice_provision(job_id=job.pk)
        practice.refresh_from_db()
    return practice


def _grant(user: User, practice: Practice, role: str) -> None:
    if not Membership.objects.filter(user=user, practice=practice).exists():
        Membership.objects.create(user=user, practice=practice, role=role)


def seed(*, today: date, with_billing: bool = True) -> dict:
    ensure_portal()
    admin = _user(_email(Role.MSO_ADMIN), "Morgan Ellis")
    office = _ensure_tenant(
        data=PracticeInput(
            name="Meridian MSO back office", slug=MSO_SLUG, state="NY", group_npi="", tin=""
        ),
        kind=PracticeKind.MSO,
        actor=None,
    )
    _grant(admin, office, Role.MSO_ADMIN)
    staff = _user(_email(Role.MSO_STAFF), "Jordan Reyes")
    expiry = date(today.year + 2, 12, 31)
    for demo in DEMO_PRACTICES:
        data = PracticeInput(
            name=demo.name,
            slug=demo.slug,
            state=demo.state,
            group_npi=demo_npi(demo.npi_seed),
            tin=demo.tin,
            owners=[
                OwnerInput(
                    full_name=name,
                    license_state=state,
                    license_number=f"{state}-{demo.npi_seed % 100000 + i:06d}",
                    license_expiry=expiry,
                    share_percent=Decimal(share),
                    npi=demo_npi(demo.npi_seed + i + 1),
                )
                for i, (name, state, share) in enumerate(demo.owners)
            ],
        )
        practice = _ensure_tenant(data=data, kind=PracticeKind.PRACTICE, actor=admin)
        _grant(staff, practice, Role.MSO_STAFF)
        for role, person in (
            (Role.PRACTICE_MANAGER, "Casey Morgan"),
            (Role.PROVIDER, demo.owners[0][0]),
            (Role.INTEGRATOR, "EHR Integration"),
        ):
            _grant(_user(_email(role, demo.slug), f"{person} ({demo.slug})"), practice, role)
        with schema_context(practice.schema_name), transaction.atomic():
            for name, street, city, zip_code in demo.locations:
                if not Location.objects.filter(name=name).exists():
                    location_create(
                        actor=admin,
                        data={
                            "name": name,
                            "address_line1": street,
                            "city": city,
                            "state": demo.state,
                            "zip_code": zip_code,
                            "place_of_service": "11",
                            "phone": "555-0100",
                        },
                    )
            if with_billing:
                hr_demo.seed_practice(actor=admin, today=today)
                billing_demo.seed_practice(
                    actor=admin,
                    provider_user=User.objects.get(email=_email(Role.PROVIDER, demo.slug)),
                    ehr_user=User.objects.get(email=_email(Role.INTEGRATOR, demo.slug)),
                    npi_base=demo.npi_seed + 10,
                    today=today,
                )
    account_services.policy.forget(admin)
    if with_billing:
        from compliance import demo as compliance_demo
        from contracts import demo as contracts_demo

        contracts_demo.seed(actor=admin, today=today)
        contracts_demo.seed_fee_history(actor=admin, today=today)
        practices = Practice.objects.filter(slug__in=[d.slug for d in DEMO_PRACTICES])
        compliance_demo.seed(actor=admin, practices=practices, today=today)
    return listing()


def listing(base_url: str = "") -> dict:
    port = base_url or "http://{host}:8000"
    practices = Practice.objects.practices().order_by("name")
    signins = [
        {
            "email": _email(Role.MSO_ADMIN),
            "password": DEMO_PASSWORD,
            "role": "mso_admin",
            "host": port.format(host=settings.MSO_BASE_DOMAIN),
        },
        {
            "email": _email(Role.MSO_STAFF),
            "password": DEMO_PASSWORD,
            "role": "mso_staff",
            "host": port.format(host=settings.MSO_BASE_DOMAIN),
        },
    ]
    entries = []
    for practice in practices:
        url = port.format(host=f"{practice.slug}.{settings.MSO_BASE_DOMAIN}")
        entries.append(
            {"slug": practice.slug, "name": practice.name, "url": url, "status": practice.status}
        )
        for role in (Role.PRACTICE_MANAGER, Role.PROVIDER, Role.INTEGRATOR):
            signins.append(
                {
                    "email": _email(role, practice.slug),
                    "password": DEMO_PASSWORD,
                    "role": str(role),
                    "host": url,
                }
            )
    return {
        "portal": port.format(host=settings.MSO_BASE_DOMAIN),
        "practices": entries,
        "signins": signins,
    }
