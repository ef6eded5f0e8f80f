"""Demo agreements: each demo practice under a different fee model, with an FMV opinion.

Fees are sized to the demo practices' books (a few hundred synthetic encounters each), so the
effective rates on the finance dashboard look like real ones."""

from datetime import date, timedelta
from decimal import Decimal

from contracts.models import Agreement, CostEntry
from contracts.services import agreement_create
from contracts.terms import add_months
from mso.tenancy.models import Practice

TERMS = {
    "lakeside": {
        "fee_model": "fixed",
        "fixed_amount": Decimal("650.00"),
        "fmv": (Decimal("6000"), Decimal("10000")),
        # Lapses soon, so the finance dashboard has something to ask for.
        "fmv_expires": lambda today: today + timedelta(days=45),
    },
    "desert-bloom": {
        "fee_model": "pct_net_collections",
        "rate": Decimal("6.5000"),
        "floor": Decimal("150.00"),
        "cap": Decimal("4000.00"),
        # In-office lab is billed under the reference-lab arrangement, outside the MSA.
        "excluded_codes": ["80047-89398"],
        "excluded_revenue": "Laboratory services under the reference-lab agreement (MSA 4.3)",
        "fmv": (Decimal("1500"), Decimal("40000")),
    },
    "blue-ridge": {
        "fee_model": "hybrid",
        "fixed_amount": Decimal("250.00"),
        "rate": Decimal("4.0000"),
        "hybrid_basis": "net_collections",
        "fmv": (Decimal("3000"), Decimal("12000")),
    },
}


def seed(*, actor, today: date) -> None:
    # The agreements start with the demo practices' books (billing.demo: about four months
    # of visits), so every month's fee has the collections it is measured against.
    start = add_months(today.replace(day=1), -3)
    for slug, terms in TERMS.items():
        practice = Practice.objects.filter(slug=slug).first()
        if practice is None or Agreement.objects.filter(practice=practice).exists():
            continue
        terms = dict(terms)  # TERMS stays intact for the next call
        low, high = terms.pop("fmv")
        fmv_expires = terms.pop("fmv_expires", lambda today: start + timedelta(days=3 * 365))
        agreement_create(
            actor=actor,
            practice=practice,
            data={
                **terms,
                "effective_date": start,
                "term_months": 36,
                "auto_renew": True,
                "services": ["revenue_cycle", "hr_payroll", "it", "compliance"],
                "fmv_valuer": "Harbor Valuation Partners (demo)",
                "fmv_opinion_date": start,
                "fmv_annual_low": low,
                "fmv_annual_high": high,
                "fmv_expires_on": fmv_expires(today),
                "legal_signoff_note": "Demo: counsel reviewed the percentage fee (synthetic)."
                if terms["fee_model"] != "fixed"
                else "",
            },
        )
        CostEntry.objects.get_or_create(
            practice=practice,
            period=today.replace(day=1),
            description="Billing staff allocation",
            defaults={"amount": Decimal("9000.00")},
        )


def seed_fee_history(*, actor, today: date, months: int = 12) -> None:
    """Fee runs for the last `months` full months since the first agreement, so the finance
    dashboard has a trend. The month before last is approved and invoiced (its flags approved
    as a demo); the last month is left for an MSO admin to review and approve. Idempotent:
    existing runs are kept."""
    from contracts.models import FeeRun
    from contracts.services import calculation_approve, fee_run_approve, fee_run_execute

    this_month = today.replace(day=1)
    first = Agreement.objects.order_by("effective_date").values_list("effective_date", flat=True)
    if not first:
        return
    for back in range(months, 0, -1):
        period = add_months(this_month, -back)
        if period < first[0].replace(day=1) or FeeRun.objects.filter(period=period).exists():
            continue  # no agreement in force yet, or already computed
        run = fee_run_execute(actor=actor, period=period)
        if back != 2:
            continue
        for calc in run.calculations.exclude(flags=[]):
            calculation_approve(
                actor=actor, calculation=calc, note="Demo: reviewed against the FMV opinion."
            )
        fee_run_approve(actor=actor, run=run)
