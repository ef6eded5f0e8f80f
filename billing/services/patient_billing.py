"""What patients owe after insurance: payments, refunds and statement runs (PDFs)."""

from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count

from billing.aging import aging
from billing.choices import PatientPaymentKind
from billing.documents import statement_pdf
from billing.exceptions import BillingError
from billing.models import ClaimPayment, PatientPayment, Statement, StatementRun
from billing.selectors_ar import patient_balances, patient_responsibility_items
from mso.audit.services import audit_record
from mso.jobs.models import JobRun
from mso.jobs.services import job_create, job_fail, job_progress, job_start, job_succeed
from mso.money import to_money
from mso.tenancy.context import current_practice
from practices.models import Patient

STATEMENT_JOB = "billing.statement_run"


@transaction.atomic
def patient_payment_record(
    *,
    actor,
    patient: Patient,
    amount,
    kind: str,
    received_on: date,
    method: str = "card",
    reference: str = "",
) -> PatientPayment:
    errors: dict[str, list[str]] = {}
    try:
        amount = to_money(str(amount))
    except (ArithmeticError, ValueError, TypeError):
        errors["amount"] = ["Enter an amount like 25.00."]
    else:
        if amount <= 0:
            errors["amount"] = ["The amount must be more than zero."]
    if kind not in PatientPaymentKind.values:
        errors["kind"] = ["Choose payment or refund."]
    if errors:
        raise BillingError(errors)
    if kind == PatientPaymentKind.REFUND:
        # Only a credit (the patient paid more than they owe) can be refunded.
        credit = -patient_balances([patient.pk]).get(patient.pk, Decimal("0"))
        if amount > credit:
            raise BillingError(
                {
                    "amount": [
                        f"The patient's credit is {max(credit, 0)}; a refund cannot exceed it."
                    ]
                }
            )
    payment = PatientPayment.objects.create(
        patient=patient,
        amount=amount,
        kind=kind,
        received_on=received_on,
        method=method,
        reference=reference,
        recorded_by=actor,
    )
    audit_record(
        actor=actor, action=f"patient_{kind}.record", obj=payment, changes={"amount": str(amount)}
    )
    return payment


def _snapshot(patient: Patient, balance: Decimal, as_of: date) -> dict:
    payments = (
        ClaimPayment.objects.filter(claim__encounter__patient=patient)
        .exclude(patient_responsibility=0)
        .select_related("claim__encounter", "remittance")
        .order_by("claim__encounter__date_of_service")
    )
    report = aging(patient_responsibility_items([patient.pk]), as_of)
    return {
        "as_of": as_of.isoformat(),
        "amount_due": str(balance),
        "claims": [
            {
                "date_of_service": p.claim.encounter.date_of_service.isoformat(),
                "claim": p.claim.patient_control_number,
                "charge": str(p.charge),
                "insurance_paid": str(p.paid),
                "payer": p.remittance.payer_name,
                "your_share": str(p.patient_responsibility),
            }
            for p in payments
        ],
        "payments": [
            {"date": pp.received_on.isoformat(), "kind": pp.kind, "amount": str(pp.amount)}
            for pp in patient.payments.all()
        ],
        "aging": {bucket: str(amount) for bucket, amount in report.total.bucket_list},
    }


def statement_run(*, actor, as_of: date, job_id=None) -> StatementRun:
    """One statement (PDF) per patient who owes money. Idempotent per as-of date: running the
    same date again returns the existing run."""
    existing = StatementRun.objects.filter(as_of=as_of).first()
    if existing is not None:
        if job_id:
            # A redelivered task whose first attempt committed the run but died before
            # closing the job: close it now instead of leaving it "running" forever.
            job_succeed(
                job_id=job_id,
                message=f"{existing.statement_count} statements, ${existing.total_due} due.",
                result={"run": existing.pk},
            )
        return existing
    if job_id:
        job_start(job_id=job_id)
    try:
        with transaction.atomic():
            run = StatementRun.objects.create(as_of=as_of, created_by=actor, job_id=job_id)
            owed = {pid: b for pid, b in patient_balances().items() if b > 0}
            previous = dict(
                Statement.objects.filter(patient_id__in=owed)
                .values_list("patient_id")
                .annotate(n=Count("pk"))
            )
            patients = Patient.objects.filter(pk__in=owed).prefetch_related("payments")
            practice = current_practice()
            for index, patient in enumerate(patients, start=1):
                snapshot = _snapshot(patient, owed[patient.pk], as_of)
                dunning = previous.get(patient.pk, 0) + 1
                Statement.objects.create(
                    run=run,
                    patient=patient,
                    amount_due=owed[patient.pk],
                    dunning_level=dunning,
                    snapshot=snapshot,
                    pdf=statement_pdf(
                        practice=practice, patient=patient, snapshot=snapshot, dunning_level=dunning
                    ),
                )
                if job_id and index % 10 == 0:
                    job_progress(
                        job_id=job_id,
                        percent=int(100 * index / len(owed)),
                        message=f"{index} of {len(owed)} statements",
                    )
            run.statement_count = len(owed)
            run.total_due = sum(owed.values(), Decimal("0"))
            run.save(update_fields=["statement_count", "total_due"])
            audit_record(
                actor=actor,
                action="statement.run",
                obj=run,
                changes={"statements": run.statement_count},
            )
    except Exception as exc:
        if job_id:
            job_fail(
                job_id=job_id, message="Statement run failed; nothing was kept.", error=str(exc)
            )
        raise
    if job_id:
        job_succeed(
            job_id=job_id,
            message=f"{run.statement_count} statements, ${run.total_due} due.",
            result={"run": run.pk},
        )
    return run


@transaction.atomic
def statement_run_start(*, actor, as_of: date) -> JobRun:
    from billing.tasks import statement_run_task

    job = job_create(
        kind=STATEMENT_JOB,
        actor=actor,
        practice=current_practice(),
        params={"as_of": as_of.isoformat(), "schema": connection.schema_name},
    )
    transaction.on_commit(lambda: statement_run_task.delay(str(job.pk)))
    return job
