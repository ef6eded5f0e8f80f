"""Committed practices for tests whose data another process must see (a real Celery worker,
pg_dump). The test's own connection sits in the per-test transaction that is rolled back, so
such a test runs its body through `committed()`: in a thread, on a connection of its own, in
autocommit. Everything it makes is removed again on the way out."""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import schema_context

from billing import demo
from billing.choices import ClaimStatus
from billing.models import FeeSchedule, FeeScheduleItem
from billing.services.claims import claim_build
from billing.services.encounters import encounter_create
from mso.reference.models import Payer
from mso.tenancy import provisioning
from mso.tenancy.models import Practice
from practices.models import Coverage, Location, Patient, Provider
from tests.conftest import _make

T = TypeVar("T")


def committed(body: Callable[[], T]) -> T:
    """Run `body` on a fresh connection outside the test's transaction; its writes commit."""

    def run() -> T:
        try:
            return body()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def practice_remove(practice: Practice) -> None:
    """Drop a test practice's schema and its public rows (a ready practice is never discarded
    by the application, so tests clean up by hand)."""
    connection.set_schema_to_public()
    provisioning.schema_drop(practice.schema_name)
    Practice.objects.filter(pk=practice.pk).delete()


@contextmanager
def scratch_practice(slug: str, *, npi_seed: int) -> Iterator[Practice]:
    """A committed, provisioned practice; dropped, with any payer it added, afterwards."""
    payers_before = set(Payer.objects.values_list("pk", flat=True))
    practice = _make(slug, npi_seed=npi_seed)
    try:
        yield practice
    finally:
        practice_remove(practice)
        # Raw: the ORM's cascade check would look for tenant tables from the public schema.
        added = [pk for pk in Payer.objects.values_list("pk", flat=True) if pk not in payers_before]
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM reference_payer WHERE id = ANY(%s)", [added])


def ready_claims(count: int, *, actor=None) -> list[int]:
    """`count` clean claims, ready to batch, spread over the demo payers (current schema)."""
    payers = demo.ensure_payers()
    location = Location.objects.create(
        name="Worker Test Clinic",
        address_line1="1 Main St",
        city="Albany",
        state="NY",
        zip_code="12207-1234",
        place_of_service="11",
    )
    provider = Provider.objects.create(
        first_name="Wren",
        last_name="Worker",
        credential="MD",
        npi=demo._npi(777000001),
        taxonomy="207Q00000X",
    )
    schedule = FeeSchedule.objects.create(name="Standard", effective_from=date(2020, 1, 1))
    FeeScheduleItem.objects.create(
        schedule=schedule, procedure_code="99213", amount=Decimal("130.00")
    )
    today = timezone.localdate()
    ids = []
    for n in range(count):
        patient = Patient.objects.create(
            mrn=f"W{n:05d}",
            first_name="Sam",
            last_name=f"Worker{n}",
            birth_date=date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
            sex="FM"[n % 2],
            address_line1="2 Elm St",
            city="Albany",
            state="NY",
            zip_code="12207-4321",
        )
        Coverage.objects.create(
            patient=patient,
            payer=payers[n % len(payers)],
            priority=1,
            member_id=f"WM{n:07d}",
            effective_from=today - timedelta(days=400),
        )
        encounter, _ = encounter_create(
            actor=actor,
            data={
                "external_id": f"W-V{n}",
                "patient": patient,
                "provider": provider,
                "location": location,
                "date_of_service": today - timedelta(days=2),
                "place_of_service": "11",
                "diagnosis_codes": ["I10"],
                "lines": [
                    {
                        "procedure_code": "99213",
                        "modifiers": [],
                        "units": Decimal("1"),
                        "charge": None,
                        "diagnosis_pointers": [1],
                    }
                ],
            },
        )
        claim = claim_build(actor=actor, encounter=encounter)
        assert claim.status == ClaimStatus.READY, claim.status_reason
        ids.append(claim.pk)
    return ids


def in_schema(practice: Practice):
    return schema_context(practice.schema_name)
