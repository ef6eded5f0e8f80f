"""Demo agreements: each demo practice under a different fee model, with an FMV opinion."""

from datetime import date, timedelta
from decimal import Decimal

from contracts.models import Agreement, CostEntry
from contracts.services import agreement_create
from mso.tenancy.models import Practice

TERMS = {
    "lakeside": {
        "fee_model": "fixed",
        "fixed_amount": Decimal("18500.00"),
        "fmv": (Decimal("180000"), Decimal("260000")),
    },
    "desert-bloom": {
        "fee_model": "pct_net_collections",
        "rate": Decimal("6.5000"),
        "floor": Decimal("2500.00"),
        "cap": Decimal("40000.00"),
        "fmv": (Decimal("20000"), Decimal("400000")),
    },
    "blue-ridge": {
        "fee_model": "hybrid",
        "fixed_amount": Decimal("6000.00"),
        "rate": Decimal("4.0000"),
        "hybrid_basis": "net_collections",
        "fmv": (Decimal("60000"), Decimal("300000")),
    },
}


def seed(*, actor, today: date) -> None:
    start = date(today.year - 1, 1, 1)
    for slug, terms in TERMS.items():
        practice = Practice.objects.filter(slug=slug).first()
        if practice is None or Agreement.objects.filter(practice=practice).exists():
            continue
        low, high = terms.pop("fmv")
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
                "fmv_expires_on": start + timedelta(days=3 * 365),
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
