"""Fee run speed: every practice's MSA fee for a month, 100 practices with a year of data each.
Queries per practice must stay constant (compared with a 10-practice run)."""

import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.choices import ClaimStatus
from billing.models import Claim, ClaimPayment, Encounter, Remittance
from contracts.models import FeeCalculation, FeeRun
from contracts.services import agreement_create, fee_run_execute
from mso.reference.models import Payer
from mso.tenancy.demo import demo_npi
from practices.models import Coverage, Location, Patient, Provider
from tests.bench.remittances import _practice

PRACTICES = 100
CLAIMS_PER_MONTH = 40
MODELS = [
    {"fee_model": "fixed", "fixed_amount": Decimal("15000.00")},
    {"fee_model": "pct_net_collections", "rate": Decimal("6.5000"), "floor": Decimal("500.00")},
    {"fee_model": "pct_gross_revenue", "rate": Decimal("4.2500"), "cap": Decimal("90000.00")},
    {
        "fee_model": "hybrid",
        "fixed_amount": Decimal("3000.00"),
        "rate": Decimal("3.0000"),
        "hybrid_basis": "net_collections",
    },
]


def _year_of_data(practice, payer, today: date) -> None:
    """Bench set-up only: a year of claims and payments in bulk, spread over the months."""
    with schema_context(practice.schema_name):
        location = Location.objects.create(
            name="Main", address_line1="1 St", city="Albany", state="NY", zip_code="12207-1234"
        )
        provider = Provider.objects.create(
            first_name="P", last_name="One", npi=demo_npi(790000000 + practice.pk)
        )
        patient = Patient.objects.create(
            mrn="P1",
            first_name="Bench",
            last_name="Patient",
            birth_date=date(1970, 1, 1),
            address_line1="1 St",
            city="Albany",
            state="NY",
            zip_code="12207",
        )
        coverage = Coverage.objects.create(
            patient=patient, payer=payer, member_id="M1", effective_from=date(2020, 1, 1)
        )
        encounters, claims = [], []
        for month in range(12):
            day = (today.replace(day=1) - timedelta(days=30 * month)).replace(day=10)
            encounter = Encounter.objects.create(
                patient=patient,
                provider=provider,
                location=location,
                date_of_service=day,
                diagnosis_codes=["E119"],
            )
            encounters.append(encounter)
            claims += [
                Claim(
                    encounter=encounter,
                    coverage=coverage,
                    payer=payer,
                    patient_control_number=f"{month}-{n}",
                    diagnosis_codes=["E119"],
                    place_of_service="11",
                    total_charge=Decimal("180.00"),
                    status=ClaimStatus.PAID,
                )
                for n in range(CLAIMS_PER_MONTH)
            ]
        claims = Claim.objects.bulk_create(claims)
        payments = []
        for month, encounter in enumerate(encounters):
            posted = timezone.make_aware(
                datetime.combine(encounter.date_of_service + timedelta(days=25), dtime(9))
            )
            remittance = Remittance.objects.create(
                payer_name=payer.name,
                payer_identifier=payer.payer_id,
                trace_number=f"T{month}",
                payment_amount=Decimal("0"),
                file_name="bench",
                content_sha256=str(month),
            )
            Remittance.objects.filter(pk=remittance.pk).update(posted_at=posted)
            payments += [
                ClaimPayment(
                    remittance=remittance,
                    claim=claim,
                    patient_control_number=claim.patient_control_number,
                    status_code="1",
                    charge=claim.total_charge,
                    paid=Decimal("121.50"),
                    patient_responsibility=Decimal("20.00"),
                )
                for claim in claims
                if claim.encounter_id == encounter.pk
            ]
        ClaimPayment.objects.bulk_create(payments, batch_size=2000)


def _timed_run(period: date) -> tuple[float, int]:
    FeeCalculation.objects.filter(period=period).delete()
    FeeRun.objects.filter(period=period).delete()
    connection.queries_log.clear()  # the log keeps 9,000 queries: start from empty
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        fee_run_execute(actor=None, period=period)
        elapsed = time.perf_counter() - start
    return elapsed, len(queries)


def run() -> None:
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    payer, _ = Payer.objects.get_or_create(payer_id="FEEB", defaults={"name": "Fee Bench"})
    setup = time.perf_counter()
    practices = []
    for index in range(PRACTICES):
        practice = _practice(f"fee-bench-{index}", demo_npi(780000000 + index))
        _year_of_data(practice, payer, today)
        agreement_create(
            actor=_admin(),
            practice=practice,
            data={
                **MODELS[index % len(MODELS)],
                "effective_date": date(today.year - 1, 1, 1),
                "fmv_valuer": "Bench",
                "fmv_opinion_date": date(today.year - 1, 1, 1),
                "fmv_annual_low": Decimal("0"),
                "fmv_annual_high": Decimal("10000000"),
                "fmv_expires_on": date(today.year + 2, 1, 1),
                "legal_signoff_note": "bench" if index % len(MODELS) else "",
            },
        )
        practices.append(practice)
        if index == 9:
            ten_seconds, ten_queries = _timed_run(last_month)
    setup = time.perf_counter() - setup
    seconds, queries = _timed_run(last_month)
    computed = FeeCalculation.objects.filter(period=last_month.replace(day=1)).count()
    print(
        f"Fee run for {last_month:%Y-%m} (set-up of {PRACTICES} practices with a year of "
        f"data: {setup:.0f} s, not timed)"
    )
    print(f"  {10:>4} practices: {ten_seconds:6.2f} s, {ten_queries / 10:6.1f} queries each")
    print(
        f"  {PRACTICES:>4} practices: {seconds:6.2f} s, {queries / PRACTICES:6.1f} queries "
        f"each, {computed} fees computed"
    )
    print(
        f"  target (100 practices under 10 s, queries per practice constant): "
        f"{'met' if seconds < 10 and queries / PRACTICES <= ten_queries / 10 + 1 else 'NOT met'}"
    )


def _admin():
    from mso.accounts.choices import Role
    from mso.accounts.models import Membership, User
    from mso.tenancy.choices import PracticeKind
    from mso.tenancy.models import Practice

    user = User.objects.filter(email="bench-admin@mso.test").first()
    if user is None:
        user = User.objects.create_user(email="bench-admin@mso.test", password=None)
        office = Practice.objects.filter(kind=PracticeKind.MSO).first() or _office()
        Membership.objects.create(user=user, practice=office, role=Role.MSO_ADMIN)
    return user


def _office():
    from mso.tenancy.choices import PracticeKind
    from mso.tenancy.rules import PracticeInput
    from mso.tenancy.services import practice_onboard, practice_provision

    office, job = practice_onboard(
        actor=None,
        kind=PracticeKind.MSO,
        data=PracticeInput(name="Bench MSO", slug="bench-office", state="", group_npi="", tin=""),
    )
    practice_provision(job_id=job.pk)
    return office
