"""Agreements, monthly fee runs across every practice, approvals and invoices."""

import calendar
import logging
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django_tenants.utils import schema_context

from mso.accounts import policy
from mso.audit.services import audit_record
from mso.jobs.services import job_create, job_fail, job_progress, job_start, job_succeed

from . import exclusions, fees
from .choices import InvoiceStatus, RunStatus
from .exceptions import ContractError
from .models import Agreement, CostEntry, FeeCalculation, FeeRun, FmvOpinion, Invoice
from .state_rules import is_percentage_model
from .terms import agreement_end

log = logging.getLogger(__name__)
FEE_RUN_JOB = "contracts.fee_run"
ZERO = Decimal("0.00")


def month_bounds(period: date) -> tuple[date, date]:
    start = period.replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _terms(data) -> fees.FeeTerms:
    get = (
        data.get
        if isinstance(data, dict)
        else lambda name, default=None: getattr(data, name, default)
    )
    return fees.FeeTerms(
        model=get("fee_model"),
        fixed_amount=get("fixed_amount"),
        rate=get("rate"),
        basis=get("hybrid_basis") or None,
        markup=get("markup"),
        floor=get("floor"),
        cap=get("cap"),
    )


def state_status(state: str) -> str:
    from .models import StateFeeRule

    rule = StateFeeRule.objects.filter(state=state).first()
    return rule.status if rule else "allowed"


def agreement_errors(data: dict, *, practice) -> dict[str, list[str]]:
    errors = {key: list(value) for key, value in fees.terms_errors(_terms(data)).items()}
    try:
        exclusions.parse(data.get("excluded_codes"))
    except exclusions.ExclusionError as exc:
        errors["excluded_codes"] = exc.messages
    start = data.get("effective_date")
    if start is None:
        errors["effective_date"] = ["Enter the date the agreement takes effect."]
    else:
        proposed_end = data.get("terminated_on")
        for other in Agreement.objects.filter(practice=practice):
            other_end = agreement_end(other)
            if (other_end is None or other_end >= start) and (
                proposed_end is None or proposed_end >= other.effective_date
            ):
                errors.setdefault("effective_date", []).append(
                    f"Overlaps the agreement effective {other.effective_date:%Y-%m-%d}; "
                    "terminate it first."
                )
                break
    if (
        is_percentage_model(data.get("fee_model"))
        and state_status(practice.state) == "restricted"
        and not (data.get("legal_signoff_note") or "").strip()
    ):
        errors["legal_signoff_note"] = [
            f"{practice.state} restricts percentage-based management fees (fee-splitting). "
            "Record counsel's sign-off to use this model, or choose a fixed or cost-plus fee."
        ]
    low, high = data.get("fmv_annual_low"), data.get("fmv_annual_high")
    for name in ("fmv_valuer", "fmv_opinion_date", "fmv_expires_on"):
        if not data.get(name):
            errors[name] = ["Every agreement carries a fair-market-value opinion."]
    if low is None or high is None:
        errors["fmv_annual_low"] = ["Enter the FMV range (annual)."]
    elif low < 0 or high < low:
        errors["fmv_annual_high"] = ["The FMV range must be 0 or more, low below high."]
    return errors


@transaction.atomic
def agreement_create(*, actor, practice, data: dict) -> Agreement:
    if not policy.can(actor, policy.Action.PRACTICE_ONBOARD):
        raise ContractError("Only MSO admins enter agreements.")
    if errors := agreement_errors(data, practice=practice):
        raise ContractError(errors)
    agreement = Agreement.objects.create(
        practice=practice,
        title=data.get("title") or "Management Services Agreement",
        effective_date=data["effective_date"],
        term_months=data.get("term_months") or 36,
        auto_renew=data.get("auto_renew", True),
        notice_days=data.get("notice_days") or 90,
        terminated_on=data.get("terminated_on"),
        services=list(data.get("services") or []),
        fee_model=data["fee_model"],
        fixed_amount=data.get("fixed_amount"),
        rate=data.get("rate"),
        hybrid_basis=data.get("hybrid_basis") or "",
        markup=data.get("markup"),
        floor=data.get("floor"),
        cap=data.get("cap"),
        excluded_codes=[str(r) for r in exclusions.parse(data.get("excluded_codes"))],
        excluded_revenue=data.get("excluded_revenue", ""),
        legal_signoff_note=data.get("legal_signoff_note", ""),
        legal_signoff_by=actor if data.get("legal_signoff_note") else None,
        created_by=actor,
    )
    FmvOpinion.objects.create(
        agreement=agreement,
        valuer=data["fmv_valuer"],
        opinion_date=data["fmv_opinion_date"],
        annual_low=data["fmv_annual_low"],
        annual_high=data["fmv_annual_high"],
        expires_on=data["fmv_expires_on"],
    )
    audit_record(
        actor=actor,
        action="agreement.create",
        obj=agreement,
        practice=practice,
        changes={"model": agreement.fee_model, "effective": str(agreement.effective_date)},
    )
    return agreement


# ----------------------------------------------------------------------------- fee runs


def active_agreements(period: date):
    start, end = month_bounds(period)
    for agreement in (
        Agreement.objects.select_related("practice")
        .filter(effective_date__lte=end)
        .prefetch_related("fmv_opinions")
    ):
        last = agreement_end(agreement)
        if (last is None or last >= start) and agreement.practice.is_ready:
            yield agreement


def practice_actuals(agreement: Agreement, active: fees.ActivePeriod) -> fees.PeriodActuals:
    """Collections and charges read in the practice's own schema, limited to active days."""
    from billing.kpis import Period
    from billing.selectors_kpis import period_money

    from .selectors import excluded_money

    period = Period(active.active_start, active.active_end)
    ranges = exclusions.parse(agreement.excluded_codes)
    with schema_context(agreement.practice.schema_name):
        money = period_money(period)
        excluded = excluded_money(period, ranges)
    costs = (
        CostEntry.objects.filter(practice=agreement.practice, period=active.period_start).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )
    payments, refunds = money.payments, money.refunds
    if payments < 0:
        # A month of reversals: money taken back counts against collections, like a refund.
        payments, refunds = ZERO, refunds - payments
    return fees.PeriodActuals(
        gross_charges=max(money.charges, ZERO),
        payments=payments,
        refunds=refunds,
        costs=costs,
        excluded_charges=max(excluded.charges, ZERO),
        excluded_collections=max(excluded.payments, ZERO),
    )


def _inputs(actuals: fees.PeriodActuals) -> dict[str, str]:
    return {
        name: str(getattr(actuals, name))
        for name in (
            "gross_charges",
            "payments",
            "refunds",
            "costs",
            "excluded_charges",
            "excluded_collections",
        )
    }


def _flags(agreement: Agreement, annual: Decimal, period_end: date) -> list[str]:
    opinion = next(iter(agreement.fmv_opinions.all()), None)
    if opinion is None:
        return ["fmv_missing"]
    flags = []
    if opinion.expires_on < period_end:
        flags.append("fmv_expired")
    ok, _ = fees.fmv_check(annual, opinion.annual_low, opinion.annual_high)
    if not ok:
        flags.append("fmv_out_of_range")
    return flags


@transaction.atomic
def _calculate(run: FeeRun, agreement: Agreement) -> FeeCalculation:
    start, end = month_bounds(run.period)
    active = fees.ActivePeriod(
        period_start=start,
        period_end=end,
        agreement_start=agreement.effective_date,
        agreement_end=agreement_end(agreement),
    )
    actuals = practice_actuals(agreement, active)
    calc = fees.calculate_fee(_terms(agreement), actuals, active)
    annual = fees.annualised(calc)
    flags = _flags(agreement, annual, end)
    invoiced = (
        Invoice.objects.filter(calculation__agreement=agreement, period=start)
        .exclude(status=InvoiceStatus.VOID)
        .aggregate(total=Sum("amount"))["total"]
    )
    record, created = FeeCalculation.objects.select_for_update().get_or_create(
        agreement=agreement,
        period=start,
        defaults={
            "run": run,
            "total": calc.total,
            "annualised": annual,
            "flags": flags,
            "lines": [line.as_dict() for line in calc.lines],
            "inputs": {
                **_inputs(actuals),
                "excluded_codes": list(agreement.excluded_codes),
                "active_days": calc.active_days,
                "days_in_month": calc.days_in_month,
            },
        },
    )
    if not created:
        changed_flags = sorted(record.flags) != sorted(flags)
        record.run = run
        record.total, record.annualised, record.flags = calc.total, annual, flags
        record.lines = [line.as_dict() for line in calc.lines]
        record.inputs.update(_inputs(actuals), excluded_codes=list(agreement.excluded_codes))
        if changed_flags:
            record.flag_approved_by, record.flag_approval_note = None, ""
    # A re-run after an invoice: the difference becomes a true-up, never a second fee.
    record.true_up = calc.total - invoiced if invoiced is not None else ZERO
    record.save()
    return record


def fee_run_execute(*, actor, period: date, job_id=None) -> FeeRun:
    """Compute every active agreement's fee for the month. Idempotent per agreement and
    period; a practice that fails is reported and the others go on."""
    start, _ = month_bounds(period)
    run, _ = FeeRun.objects.get_or_create(
        period=start, defaults={"created_by": actor, "job_id": job_id}
    )
    if job_id:
        job_start(job_id=job_id)
    agreements = list(active_agreements(start))
    failures = []
    for index, agreement in enumerate(agreements, start=1):
        try:
            _calculate(run, agreement)
        except Exception as exc:
            log.exception("Fee calculation failed for %s", agreement.practice.slug)
            failures.append({"practice": agreement.practice.slug, "error": str(exc)[:500]})
        if job_id:
            job_progress(
                job_id=job_id,
                percent=int(100 * index / max(len(agreements), 1)),
                message=f"{index} of {len(agreements)} agreements",
            )
    FeeRun.objects.filter(pk=run.pk).update(
        failures=failures,
        status=(run.status if run.status == RunStatus.APPROVED else RunStatus.COMPUTED),
    )
    run.refresh_from_db()
    audit_record(
        actor=actor,
        action="fee_run.execute",
        obj=run,
        changes={"agreements": len(agreements), "failures": len(failures)},
    )
    if job_id:
        job_succeed(
            job_id=job_id,
            message=f"{len(agreements) - len(failures)} fees computed, {len(failures)} failed.",
            result={"run": run.pk},
        )
    return run


def fee_run_start(*, actor, period: date):
    from .tasks import fee_run_task

    with transaction.atomic():
        job = job_create(
            kind=FEE_RUN_JOB, actor=actor, params={"period": month_bounds(period)[0].isoformat()}
        )
        transaction.on_commit(lambda: fee_run_task.delay(str(job.pk)))
    return job


def fee_run_job(*, job_id) -> None:
    from mso.jobs.models import JobRun

    job = JobRun.objects.get(pk=job_id)
    if job.is_finished:
        return
    try:
        fee_run_execute(
            actor=job.created_by, period=date.fromisoformat(job.params["period"]), job_id=job.pk
        )
    except Exception as exc:
        job_fail(job_id=job.pk, message="The fee run stopped.", error=str(exc))
        raise


@transaction.atomic
def calculation_approve(*, actor, calculation: FeeCalculation, note: str) -> FeeCalculation:
    """An MSO admin accepts a flagged fee (FMV range or expired opinion) with a reason."""
    if not policy.is_mso_admin(actor):
        raise ContractError("Only an MSO admin approves a flagged fee.")
    if not note.strip():
        raise ContractError({"note": ["Record why this fee is acceptable."]})
    calculation.flag_approved_by, calculation.flag_approval_note = actor, note.strip()
    calculation.save(update_fields=["flag_approved_by", "flag_approval_note"])
    audit_record(
        actor=actor,
        action="fee.flag_approve",
        obj=calculation,
        practice=calculation.agreement.practice,
        changes={"flags": calculation.flags, "note": note},
    )
    return calculation


@transaction.atomic
def fee_run_approve(*, actor, run: FeeRun) -> list[Invoice]:
    """Invoice every computed fee (and true-up) that needs no further approval."""
    from .documents import invoice_pdf

    if not policy.is_mso_admin(actor):
        raise ContractError("Only an MSO admin approves a fee run.")
    run = FeeRun.objects.select_for_update().get(pk=run.pk)
    issued = []
    for calc in run.calculations.select_related("agreement__practice").select_for_update():
        if calc.needs_approval:
            continue
        invoiced = calc.invoices.exclude(status=InvoiceStatus.VOID).aggregate(total=Sum("amount"))[
            "total"
        ]
        amount = calc.total if invoiced is None else calc.total - invoiced
        if invoiced is not None and amount == 0:
            continue
        practice = calc.agreement.practice
        sequence = Invoice.objects.filter(practice=practice, period=calc.period).count() + 1
        invoice = Invoice.objects.create(
            number=f"INV-{calc.period:%Y%m}-{practice.slug.upper()}-{sequence}",
            calculation=calc,
            practice=practice,
            period=calc.period,
            amount=amount,
            is_true_up=invoiced is not None,
            pdf=b"",
        )
        invoice.pdf = invoice_pdf(invoice)
        invoice.save(update_fields=["pdf"])
        calc.true_up = ZERO
        calc.save(update_fields=["true_up"])
        issued.append(invoice)
        audit_record(
            actor=actor,
            action="invoice.issue",
            obj=invoice,
            practice=practice,
            changes={"amount": str(amount)},
        )
    run.status, run.approved_by, run.approved_at = (RunStatus.APPROVED, actor, timezone.now())
    run.save(update_fields=["status", "approved_by", "approved_at"])
    return issued


@transaction.atomic
def invoice_set_status(*, actor, invoice: Invoice, status: str) -> Invoice:
    if status not in (InvoiceStatus.PAID, InvoiceStatus.VOID):
        raise ContractError({"status": ["Mark an invoice paid or void."]})
    if invoice.status != InvoiceStatus.ISSUED:
        raise ContractError(f"This invoice is already {invoice.get_status_display().lower()}.")
    invoice.status = status
    invoice.paid_at = timezone.now() if status == InvoiceStatus.PAID else None
    invoice.save(update_fields=["status", "paid_at"])
    audit_record(actor=actor, action=f"invoice.{status}", obj=invoice, practice=invoice.practice)
    return invoice


@transaction.atomic
def state_rule_set(*, actor, state: str, status: str, note: str = ""):
    """Set whether percentage fees are restricted in a state (an MSO admin's call, with
    counsel; the table is data, not legal advice)."""
    from mso.geo import US_STATES

    from .models import StateFeeRule

    errors: dict[str, list[str]] = {}
    if not policy.is_mso_admin(actor):
        raise ContractError("Only an MSO admin edits the state rules.")
    state = (state or "").strip().upper()
    if state not in US_STATES:
        errors["state"] = ["Choose a US state."]
    if status not in ("restricted", "allowed"):
        errors["status"] = ["Choose restricted or allowed."]
    if errors:
        raise ContractError(errors)
    rule, _ = StateFeeRule.objects.update_or_create(
        state=state, defaults={"status": status, "note": note}
    )
    audit_record(
        actor=actor,
        action="state_rule.set",
        obj=rule,
        practice=None,
        changes={"state": state, "status": status, "note": note},
    )
    return rule


@transaction.atomic
def cost_entry_add(*, actor, practice, period: date, description: str, amount) -> CostEntry:
    """A documented MSO cost of serving a practice in a month (the cost-plus basis)."""
    errors: dict[str, list[str]] = {}
    if not policy.is_mso_admin(actor):
        raise ContractError("Only an MSO admin records MSO costs.")
    if not (description or "").strip():
        errors["description"] = ["Describe the cost."]
    if amount is None or amount < 0:
        errors["amount"] = ["A cost is zero or more."]
    if errors:
        raise ContractError(errors)
    entry = CostEntry.objects.create(
        practice=practice,
        period=month_bounds(period)[0],
        description=description.strip(),
        amount=amount,
    )
    audit_record(
        actor=actor,
        action="cost_entry.add",
        obj=entry,
        practice=practice,
        changes={"amount": str(amount), "period": str(entry.period)},
    )
    return entry
