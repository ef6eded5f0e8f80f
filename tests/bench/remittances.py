"""835 posting speed: parse a 10,000-claim remittance (beside pyx12's validation of the same
file), then parse and post it against matching claims; queries must not grow per claim."""

import io
import os
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from billing.choices import ClaimStatus
from billing.claimdata import ControlNumbers
from billing.models import Claim, ClaimLine, Encounter
from billing.services import remittances
from billing.services.posting_sql import BATCH_TABLES
from billing.services.remittances import era_post
from billing.x12.reader835 import read_835
from billing.x12.writer835 import synthetic_835_input, write_835
from mso.reference.models import Payer
from mso.tenancy.demo import demo_npi
from mso.tenancy.rules import OwnerInput, PracticeInput
from mso.tenancy.services import practice_onboard, practice_provision
from practices.models import Coverage, Location, Patient, Provider

N_CLAIMS = 10_000


def _practice(slug: str, npi: str):
    expiry = date.today().replace(year=date.today().year + 2)
    practice, job = practice_onboard(
        actor=None,
        data=PracticeInput(
            name=f"Bench {slug}, P.C.",
            slug=slug,
            state="NY",
            group_npi=npi,
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
        ),
    )
    practice_provision(job_id=job.pk)
    practice.refresh_from_db()
    return practice


def _claims_for(remit) -> None:
    """Bench set-up only: bulk rows whose claim ids match the remittance, one encounter."""
    payer, _ = Payer.objects.get_or_create(payer_id="BENCH", defaults={"name": "Bench Payer"})
    location = Location.objects.create(
        name="Bench", address_line1="1 St", city="Albany", state="NY", zip_code="12207-1234"
    )
    provider = Provider.objects.create(first_name="B", last_name="Ench", npi=demo_npi(777000001))
    patient = Patient.objects.create(
        mrn="B1",
        first_name="Bench",
        last_name="Patient",
        birth_date=date(1970, 1, 1),
        address_line1="1 St",
        city="Albany",
        state="NY",
        zip_code="12207",
    )
    coverage = Coverage.objects.create(
        patient=patient, payer=payer, member_id="B1", effective_from=date(2020, 1, 1)
    )
    encounter = Encounter.objects.create(
        patient=patient,
        provider=provider,
        location=location,
        date_of_service=date.today() - timedelta(days=30),
        diagnosis_codes=["E119"],
    )
    unique = {}
    for clp in remit.claims:
        if clp.status_code != "22":
            unique.setdefault(clp.patient_control_number, clp)
    claims = Claim.objects.bulk_create(
        Claim(
            encounter=encounter,
            coverage=coverage,
            payer=payer,
            patient_control_number=pcn,
            diagnosis_codes=["E119"],
            place_of_service="11",
            total_charge=clp.total_charge,
            status=ClaimStatus.SUBMITTED,
        )
        for pcn, clp in unique.items()
    )
    by_pcn = {c.patient_control_number: c for c in claims}
    ClaimLine.objects.bulk_create(
        ClaimLine(
            claim=by_pcn[pcn],
            line_number=n,
            procedure_code=line.procedure_code[:5],
            charge=line.charge,
            units=line.units,
            diagnosis_pointers=[1],
            service_date=line.service_date or date.today(),
            line_control_number=line.line_control_number or f"x{n}",
        )
        for pcn, clp in unique.items()
        for n, line in enumerate(clp.lines, start=1)
    )


def _post(practice, text: str, name: str) -> tuple[float, int, dict]:
    with schema_context(practice.schema_name):
        connection.tenant = practice
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            remittance, _ = era_post(actor=None, file_name=name, content=text)
            elapsed = time.perf_counter() - start
    return elapsed, len(queries), remittance.summary


def _backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (local servers)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None  # the database runs on another machine
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _trial(practice, text: str, *, batches: int) -> tuple[float, float, float | None]:
    """Post, check the deferred foreign keys (what COMMIT would do), then undo: wall seconds,
    this process's CPU seconds (all threads) and the database backend's."""
    saved = remittances.BATCHES, remittances.MIN_BATCH
    remittances.BATCHES, remittances.MIN_BATCH = batches, (1 if batches > 1 else 10**9)
    try:
        with schema_context(practice.schema_name):
            connection.tenant = practice
            backend = _backend_cpu()
            cpu, start = time.process_time(), time.perf_counter()
            with transaction.atomic():
                era_post(actor=None, file_name="trial.835", content=text)
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
                after = _backend_cpu()
                transaction.set_rollback(True)
    finally:
        remittances.BATCHES, remittances.MIN_BATCH = saved
    _vacuum(practice)
    return elapsed, cpu, (after - backend if backend is not None else None)


def _vacuum(practice) -> None:
    """Clear what an undone trial left (dead rows and their index entries, which the next
    trial's foreign-key checks and updates would wade through), so trials compare."""
    tables = [model._meta.db_table for model, _ in BATCH_TABLES] + [Claim._meta.db_table]
    with schema_context(practice.schema_name), connection.cursor() as cursor:
        cursor.execute(f"VACUUM {', '.join(tables)}")


def _pipeline_report(practice, text: str, n: int) -> None:
    """The posting pipeline (batches written while the file is read) against one batch
    written after the read, alternated to share the machine's noise; best of each."""
    trials = {"one batch after the read": [], f"{remittances.BATCHES} batches while reading": []}
    for _ in range(2):
        for label, batches in zip(trials, (1, remittances.BATCHES), strict=True):
            trials[label].append(_trial(practice, text, batches=batches))
    print(f"  posting {n:,} claims, same file, undone after each trial (best of 2):")
    best = {label: min(runs) for label, runs in trials.items()}
    for label, (wall, cpu, backend) in best.items():
        backend_text = f"{backend:.2f}" if backend is not None else "n/a"
        print(
            f"    {label:<28}{wall:>6.2f} s {n / wall:>7,.0f} claims/s   CPU: Python "
            f"{cpu:.2f} s, PostgreSQL {backend_text} s"
        )
    serial, pipelined = (wall for wall, _, _ in best.values())
    print(f"    pipelined vs one batch: x{serial / pipelined:.2f}")


def _pyx12_validation(text: str) -> tuple[float, bool] | None:
    """pyx12's validation of the file: seconds, and whether pyx12 found it valid. No 999 is
    asked for: pyx12 4.0 cannot build one for an 835, whose ST03 the guide marks Not Used."""
    try:
        import pyx12.params
        import pyx12.x12n_document
    except ImportError:
        return None
    start = time.perf_counter()
    valid = pyx12.x12n_document.x12n_document(
        param=pyx12.params.params(),
        src_file=io.StringIO(text),
        fd_997=None,
        fd_html=None,
        fd_xmldoc=None,
        map_path=None,
    )
    return time.perf_counter() - start, valid


def run() -> None:
    rows = []
    for n_claims, slug, npi_seed in (
        (1_000, "bench-era-small", 778000001),
        (N_CLAIMS, "bench-era-large", 778000002),
    ):
        npi = demo_npi(npi_seed)
        practice = _practice(slug, npi)
        remit_input = synthetic_835_input(n_claims, seed=n_claims)
        remit_input = replace(remit_input, payee=replace(remit_input.payee, npi=npi))
        text = write_835(remit_input, ControlNumbers(interchange=1, group=1, transaction=1))
        start = time.perf_counter()
        remit = read_835(text)
        parse = time.perf_counter() - start
        with schema_context(practice.schema_name):
            _claims_for(remit)
        if n_claims == N_CLAIMS:
            _pipeline_report(practice, text, n_claims)
        post, queries, summary = _post(practice, text, f"{slug}.835")
        rows.append((n_claims, parse, post, queries, summary["matched"], text))
    print(f"835 remittance posting ({N_CLAIMS:,} claims; same process)")
    print(
        f"  {'claims':>8}{'parse s':>10}{'parse/s':>10}{'parse+post s':>14}{'posted/s':>10}"
        f"{'queries':>9}{'matched':>9}"
    )
    for n, parse, post, queries, matched, _ in rows:
        print(
            f"  {n:>8,}{parse:>10.2f}{n / parse:>10,.0f}{post:>14.2f}{n / post:>10,.0f}"
            f"{queries:>9}{matched:>9,}"
        )
    small, large = rows
    print(
        f"  queries for {large[0]:,} claims vs {small[0]:,}: {large[3]} vs {small[3]} "
        f"(x{large[3] / small[3]:.2f} for x{large[0] / small[0]:.0f} claims)"
    )
    pyx12 = _pyx12_validation(large[5])
    if pyx12 is not None:
        seconds, valid = pyx12
        print(
            f"  pyx12 validation of the same {large[0]:,}-claim file: {seconds:.2f} s, "
            f"{'valid' if valid else 'INVALID'} (our parse is {seconds / large[1]:.1f}x faster; "
            "pyx12 does not check balancing)"
        )
    target = large[0] / large[2] >= 5000
    print(f"  target (>= 5,000 claims/s posted): {'met' if target else 'NOT met'}")
