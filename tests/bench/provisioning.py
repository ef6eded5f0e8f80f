"""Onboarding speed: our template clone against django-tenants' default create_schema."""

import statistics
import time
from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from mso.tenancy import provisioning
from mso.tenancy.demo import demo_npi, ensure_portal
from mso.tenancy.models import Practice
from mso.tenancy.rules import OwnerInput, PracticeInput
from mso.tenancy.services import practice_mark_ready, practice_onboard, practice_provision

RUNS = 5


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _default_create(schema_name: str) -> None:
    # django-tenants' own path: CREATE SCHEMA, then migrate_schemas for that schema.
    Practice(schema_name=schema_name, slug=schema_name).create_schema(
        check_if_exists=False, verbosity=0
    )


def _input(slug: str, npi_seed: int) -> PracticeInput:
    expiry = timezone.localdate().replace(year=timezone.localdate().year + 2)
    return PracticeInput(
        name=f"Bench {slug}, P.C.",
        slug=slug,
        state="NY",
        group_npi=demo_npi(npi_seed),
        tin="131234567",
        owners=[
            OwnerInput(
                full_name="Dr. Bench",
                license_state="NY",
                license_number=slug,
                license_expiry=expiry,
                share_percent=Decimal("100"),
            )
        ],
    )


def _ready_via_clone(index: int) -> None:
    """What a user waits for: onboarding writes, then the provisioning job (clone path)."""
    _, job = practice_onboard(actor=None, data=_input(f"fast-{index}", 700000000 + index))
    practice_provision(job_id=job.pk)


def _ready_via_default(index: int) -> None:
    """The same onboarding writes, with the schema made by django-tenants' default path."""
    practice, _ = practice_onboard(actor=None, data=_input(f"slow-{index}", 710000000 + index))
    practice.create_schema(check_if_exists=False, verbosity=0)
    practice_mark_ready(practice=practice, path="migrate")


def run() -> None:
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_portal()
    provisioning.template_ensure()
    provisioning.schema_clone("bench_warmup")  # builds the cached plan once, as a worker does

    schema_default = [
        _timed(lambda i=i: _default_create(f"bench_default_{i}")) for i in range(RUNS)
    ]
    schema_clone = [
        _timed(lambda i=i: provisioning.schema_clone(f"bench_clone_{i}")) for i in range(RUNS)
    ]
    ready_default = [_timed(lambda i=i: _ready_via_default(i)) for i in range(RUNS)]
    ready_clone = [_timed(lambda i=i: _ready_via_clone(i)) for i in range(RUNS)]
    connection.set_schema_to_public()

    rows = [
        ("schema only", statistics.median(schema_default), statistics.median(schema_clone)),
        (
            "practice ready (onboard + schema)",
            statistics.median(ready_default),
            statistics.median(ready_clone),
        ),
    ]
    print(f"Practice provisioning: median of {RUNS} runs each, same process and database")
    print(f"  {'':36}{'default (migrate)':>18}{'clone':>10}{'speed-up':>10}")
    for label, default, clone in rows:
        print(f"  {label:36}{default * 1000:15.1f} ms{clone * 1000:7.1f} ms{default / clone:9.1f}x")
    ready_default_s, ready_clone_s = rows[1][1], rows[1][2]
    met = ready_clone_s < 1.0 and ready_default_s / ready_clone_s >= 5
    print(f"  target (practice ready < 1 s and >= 5x faster): {'met' if met else 'NOT met'}")
