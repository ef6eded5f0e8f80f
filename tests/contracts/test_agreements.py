"""Agreements, fee runs across practices, approvals, invoices and true-ups."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.era_builder import claim_outcome, era_text
from billing.services.remittances import era_post
from contracts.exceptions import ContractError
from contracts.models import Agreement, FeeCalculation, FeeRun, Invoice, StateFeeRule
from contracts.services import (
    agreement_create,
    calculation_approve,
    fee_run_approve,
    fee_run_execute,
)
from tests.billing.test_remittances import _batched, _submitted_claim

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)


def terms(**overrides):
    data = {
        "effective_date": date(2025, 1, 1),
        "term_months": 36,
        "auto_renew": True,
        "fee_model": "fixed",
        "fixed_amount": Decimal("10000.00"),
        "fmv_valuer": "Valuer LLC",
        "fmv_opinion_date": date(2025, 1, 1),
        "fmv_annual_low": Decimal("100000"),
        "fmv_annual_high": Decimal("150000"),
        "fmv_expires_on": date(2030, 1, 1),
        "services": ["revenue_cycle"],
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"fee_model": "pct_net_collections", "rate": Decimal("120")}, "rate"),
        ({"fixed_amount": Decimal("-5")}, "fixed_amount"),
        ({"floor": Decimal("900"), "cap": Decimal("100")}, "floor"),
        ({"fmv_annual_low": Decimal("200"), "fmv_annual_high": Decimal("100")}, "fmv_annual_high"),
        ({"fmv_valuer": ""}, "fmv_valuer"),
        ({"excluded_codes": "80047-ABC, 89398-80047"}, "excluded_codes"),
    ],
)
def test_bad_agreements_are_refused(world, overrides, field):
    with pytest.raises(ContractError) as error:
        agreement_create(actor=world.admin, practice=world.a, data=terms(**overrides))
    assert any(key.startswith(field) for key in error.value.errors), error.value.errors
    assert not Agreement.objects.filter(practice=world.a).exists()


def test_overlapping_agreements_refused(world):
    agreement_create(actor=world.admin, practice=world.a, data=terms())
    with pytest.raises(ContractError) as error:
        agreement_create(
            actor=world.admin, practice=world.a, data=terms(effective_date=date(2026, 1, 1))
        )
    assert "effective_date" in error.value.errors


def test_restricted_state_needs_legal_signoff(world):
    StateFeeRule.objects.update_or_create(state="NY", defaults={"status": "restricted"})
    pct = terms(fee_model="pct_net_collections", rate=Decimal("6.5"), fixed_amount=None)
    with pytest.raises(ContractError) as error:
        agreement_create(actor=world.admin, practice=world.a, data=pct)
    assert "legal_signoff_note" in error.value.errors
    agreement = agreement_create(
        actor=world.admin,
        practice=world.a,
        data={**pct, "legal_signoff_note": "Counsel memo 2025-01"},
    )
    assert agreement.legal_signoff_by == world.admin


def test_only_mso_admin_creates_agreements(world):
    with pytest.raises(ContractError):
        agreement_create(actor=world.staff, practice=world.a, data=terms())


def _collect(world, clinic, trace, days_ago=5):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        (claim,) = _batched(_submitted_claim(world, clinic, days_ago=days_ago))
        era_post(
            actor=world.staff,
            file_name=f"{trace}.835",
            content=era_text(
                payer=clinic.payer,
                trace_number=trace,
                payment_date=TODAY,
                claims=[claim_outcome(claim, "paid", payer_claim_number=trace)],
            ),
        )
    connection.set_schema_to_public()


def test_fee_run_invoice_and_true_up(world, clinic):
    agreement = agreement_create(
        actor=world.admin,
        practice=world.a,
        data=terms(
            fee_model="pct_net_collections",
            rate=Decimal("10"),
            fixed_amount=None,
            fmv_annual_low=Decimal("0"),
            fmv_annual_high=Decimal("1000000"),
            legal_signoff_note="Counsel memo on file",
        ),
    )
    _collect(world, clinic, "FEE1")  # 131.20 paid this month
    run = fee_run_execute(actor=world.admin, period=THIS_MONTH)
    calc = FeeCalculation.objects.get(agreement=agreement)
    assert calc.total == Decimal("13.12")  # 10% x 131.20
    assert "131.20" in " ".join(line["formula"] for line in calc.lines)
    (invoice,) = fee_run_approve(actor=world.admin, run=run)
    assert invoice.amount == Decimal("13.12") and bytes(invoice.pdf).startswith(b"%PDF")
    # Late posting, then a re-run: a true-up of the difference, never a duplicate fee.
    _collect(world, clinic, "FEE2", days_ago=6)
    fee_run_execute(actor=world.admin, period=THIS_MONTH)
    calc.refresh_from_db()
    assert calc.total == Decimal("26.24") and calc.true_up == Decimal("13.12")
    assert FeeCalculation.objects.filter(agreement=agreement).count() == 1
    (true_up,) = fee_run_approve(actor=world.admin, run=run)
    assert true_up.is_true_up and true_up.amount == Decimal("13.12")
    assert fee_run_approve(actor=world.admin, run=run) == []  # nothing more to invoice


def test_excluded_codes_leave_the_basis(world, clinic):
    """99214 charged 190.00 paid 121.60, 36415 charged 15.00 paid 9.60 (era_builder: 80%
    allowed, 20% coinsurance). Excluding 36415: net basis 131.20 - 9.60 = 121.60."""
    agreement = agreement_create(
        actor=world.admin,
        practice=world.a,
        data=terms(
            fee_model="pct_net_collections",
            rate=Decimal("10"),
            fixed_amount=None,
            excluded_codes="36415",
            legal_signoff_note="Counsel memo on file",
            fmv_annual_low=Decimal("0"),
            fmv_annual_high=Decimal("1000000"),
        ),
    )
    assert agreement.excluded_codes == ["36415"]
    _collect(world, clinic, "EXC1")
    fee_run_execute(actor=world.admin, period=THIS_MONTH)
    calc = FeeCalculation.objects.get(agreement=agreement)
    assert calc.total == Decimal("12.16")
    assert calc.inputs["excluded_collections"] == "9.60"
    assert calc.inputs["excluded_charges"] == "15.00"
    assert calc.inputs["excluded_codes"] == ["36415"]
    assert "excluded $9.60" in " ".join(line["formula"] for line in calc.lines)


def test_excluded_charges_leave_gross_revenue(world, clinic):
    """Gross charges 205.00 less the excluded 36415 (15.00): 190.00 x 5% = 9.50."""
    agreement = agreement_create(
        actor=world.admin,
        practice=world.a,
        data=terms(
            fee_model="pct_gross_revenue",
            rate=Decimal("5"),
            fixed_amount=None,
            excluded_codes=["36000-36999"],
            legal_signoff_note="Counsel memo on file",
            fmv_annual_low=Decimal("0"),
            fmv_annual_high=Decimal("1000000"),
        ),
    )
    _collect(world, clinic, "EXC2")
    fee_run_execute(actor=world.admin, period=THIS_MONTH)
    assert FeeCalculation.objects.get(agreement=agreement).total == Decimal("9.50")


def test_fmv_flag_needs_admin_approval(world):
    agreement = agreement_create(
        actor=world.admin,
        practice=world.a,
        data=terms(fmv_annual_low=Decimal("10000"), fmv_annual_high=Decimal("50000")),
    )  # 120k/yr is above
    run = fee_run_execute(actor=world.admin, period=THIS_MONTH)
    calc = FeeCalculation.objects.get(agreement=agreement)
    assert "fmv_out_of_range" in calc.flags
    assert fee_run_approve(actor=world.admin, run=run) == []
    with pytest.raises(ContractError):
        calculation_approve(actor=world.staff, calculation=calc, note="ok")
    with pytest.raises(ContractError):
        calculation_approve(actor=world.admin, calculation=calc, note="")
    calculation_approve(actor=world.admin, calculation=calc, note="New valuation pending")
    assert len(fee_run_approve(actor=world.admin, run=run)) == 1


def test_failing_practice_does_not_stop_the_run(world, monkeypatch):
    agreement_create(actor=world.admin, practice=world.a, data=terms())
    agreement_create(actor=world.admin, practice=world.b, data=terms())
    from contracts import services

    real = services.practice_actuals

    def flaky(agreement, active):
        if agreement.practice == world.b:
            raise RuntimeError("schema unavailable")
        return real(agreement, active)

    monkeypatch.setattr(services, "practice_actuals", flaky)
    run = fee_run_execute(actor=world.admin, period=THIS_MONTH)
    assert [f["practice"] for f in run.failures] == ["bravo"]
    assert FeeCalculation.objects.filter(agreement__practice=world.a).count() == 1


def test_pages_and_command(world, client_for):
    agreement_create(actor=world.admin, practice=world.a, data=terms())
    out = StringIO()
    call_command("fees_run", "--period", THIS_MONTH.strftime("%Y-%m"), "--json", stdout=out)
    assert '"total": "10000.00"' in out.getvalue()
    admin = client_for(world.admin, None)
    for path in ("/contracts/", "/fees/", "/invoices/"):
        assert admin.get(path).status_code == 200
    run_id = FeeCalculation.objects.get().run_id
    assert admin.get(f"/fees/{run_id}/").status_code == 200
    admin.post(f"/fees/{run_id}/approve/")
    invoice = Invoice.objects.get()
    assert admin.get(f"/invoices/{invoice.pk}/pdf/")["Content-Type"] == "application/pdf"
    # The practice manager sees their invoice and the calculation; another practice does not.
    manager = client_for(world.manager_a, world.a).get("/invoices/").content.decode()
    assert invoice.number in manager
    assert "$10,000.00" in manager
    assert (
        invoice.number
        not in client_for(world.manager_b, world.b).get("/invoices/").content.decode()
    )
    assert (
        client_for(world.manager_b, world.b).get(f"/invoices/{invoice.pk}/pdf/").status_code == 404
    )
    assert client_for(world.provider_a, world.a).get("/invoices/").status_code == 403
    assert client_for(world.staff, None).post(f"/fees/{run_id}/approve/").status_code == 403
    bad = admin.post(
        "/contracts/",
        {"practice": world.a.pk, "fee_model": "fixed", "effective_date": "2026-01-01"},
    )
    assert bad.status_code == 200 and bad.context["form"].errors


def test_fixed_fee_prorated_in_first_month(world):
    start = THIS_MONTH + timedelta(days=10)
    agreement_create(actor=world.admin, practice=world.b, data=terms(effective_date=start))
    fee_run_execute(actor=world.admin, period=THIS_MONTH)
    calc = FeeCalculation.objects.get(agreement__practice=world.b)
    assert (
        calc.total < Decimal("10000.00")
        and calc.inputs["active_days"] < calc.inputs["days_in_month"]
    )


def test_contracts_api(world, client_for):
    admin = client_for(world.admin, None)
    body = {
        **{k: str(v) if not isinstance(v, (list, bool, int)) else v for k, v in terms().items()},
        "practice": world.a.pk,
    }
    response = admin.post("/api/v1/agreements/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    overlap = admin.post("/api/v1/agreements/", body, content_type="application/json")
    assert overlap.status_code == 400 and "effective_date" in overlap.json()["errors"]
    bad = admin.post(
        "/api/v1/agreements/",
        {**body, "rate": "150", "fee_model": "hybrid"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    bad_codes = admin.post(
        "/api/v1/agreements/",
        {**body, "effective_date": "2031-01-01", "excluded_codes": ["99999-00000"]},
        content_type="application/json",
    )
    assert bad_codes.status_code == 400
    assert "starts after it ends" in bad_codes.json()["errors"]["excluded_codes"][0]
    assert (
        client_for(world.staff, None)
        .post("/api/v1/agreements/", body, content_type="application/json")
        .status_code
        == 403
    )
    fee_run_execute(actor=world.admin, period=THIS_MONTH)
    run = admin.get("/api/v1/fee-runs/").json()["results"][0]
    assert run["calculations"][0]["total"] == "10000.00"
    invoices = admin.post(f"/api/v1/fee-runs/{run['id']}/approve/").json()
    assert invoices[0]["amount"] == "10000.00"
    own = client_for(world.manager_a, world.a).get("/api/v1/invoices/").json()["results"]
    assert [i["number"] for i in own] == [invoices[0]["number"]]
    assert client_for(world.manager_b, world.b).get("/api/v1/invoices/").json()["results"] == []
    assert (
        admin.post(
            "/api/v1/fee-runs/", {"period": "2026-13"}, content_type="application/json"
        ).status_code
        == 400
    )


def test_state_rules_and_costs_page(world, client_for):
    admin = client_for(world.admin, None)
    assert admin.get("/contracts/rules-and-costs/").status_code == 200
    bad = admin.post("/contracts/rules-and-costs/", {"state": "ZZ", "status": "restricted"})
    assert bad.status_code == 200 and bad.context["rule_form"].errors
    admin.post(
        "/contracts/rules-and-costs/",
        {"state": "ca", "status": "restricted", "note": "Counsel review 2026"},
    )
    assert StateFeeRule.objects.get(state="CA").status == "restricted"
    negative = admin.post(
        "/contracts/rules-and-costs/",
        {"practice": world.a.pk, "period": "2026-10", "description": "Staff", "amount": "-5"},
    )
    assert negative.context["cost_form"].errors
    admin.post(
        "/contracts/rules-and-costs/",
        {"practice": world.a.pk, "period": "2026-10", "description": "Staff", "amount": "900"},
    )
    from contracts.models import CostEntry

    assert CostEntry.objects.get(practice=world.a).period == date(2026, 10, 1)
    staff = client_for(world.staff, None)
    assert staff.get("/contracts/rules-and-costs/").status_code == 200
    assert (
        staff.post("/contracts/rules-and-costs/", {"state": "TX", "status": "allowed"}).status_code
        == 403
    )


def test_finance_dashboard(world, client_for):
    """Fees per month, model and practice over twelve full months; effective rate; what
    needs attention within 90 days. Hand-computed from two calculations."""
    from contracts.selectors import finance_dashboard
    from contracts.terms import add_months

    fixed = agreement_create(actor=world.admin, practice=world.a, data=terms())
    pct = agreement_create(
        actor=world.admin,
        practice=world.b,
        data=terms(
            fee_model="pct_net_collections",
            rate=Decimal("5"),
            fixed_amount=None,
            effective_date=add_months(THIS_MONTH, -35),  # 36-month term ends within 90 days
            term_months=36,
            auto_renew=False,
            legal_signoff_note="Counsel memo on file",
            fmv_annual_low=Decimal("0"),
            fmv_annual_high=Decimal("100000"),
            fmv_expires_on=TODAY + timedelta(days=30),
        ),
    )
    last_month = add_months(THIS_MONTH, -1)
    run = FeeRun.objects.create(period=last_month)
    for agreement, total, payments in ((fixed, "10000.00", "80000.00"), (pct, "1000.00", "20000")):
        FeeCalculation.objects.create(
            run=run,
            agreement=agreement,
            period=last_month,
            total=Decimal(total),
            annualised=Decimal(total) * 12,
            inputs={"payments": payments, "refunds": "0.00", "excluded_collections": "0"},
        )
    dash = finance_dashboard(TODAY)
    assert dash.fees_12m == Decimal("11000.00")
    assert dash.collections_12m == Decimal("100000.00")
    assert dash.effective_rate == Decimal("11.00")
    assert dict(dash.by_month)[f"{last_month:%b %Y}"] == Decimal("11000.00")
    assert dict(dash.by_model) == {
        "Fixed monthly fee": Decimal("10000.00"),
        "Percentage of net collections": Decimal("1000.00"),
    }
    assert [(p.slug, p.effective_rate) for p in dash.by_practice] == [
        (world.a.slug, Decimal("12.50")),
        (world.b.slug, Decimal("5.00")),
    ]
    assert [r.agreement for r in dash.renewals] == [pct]
    assert dash.renewals[0].event.kind == "ends"
    assert [o.agreement for o in dash.lapsing] == [pct]

    page = client_for(world.admin, None).get("/finance/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "$11,000.00" in html and "11.00%" in html and "FMV opinion" in html
    assert client_for(world.staff, None).get("/finance/").status_code == 403


def test_mso_staff_see_only_their_practices_fees(world, client_for):
    """world.staff is assigned to practice A only: B's agreement, fee and invoice stay out of
    every contracts page and endpoint; MSO admins see both."""
    agreement_create(actor=world.admin, practice=world.a, data=terms())
    agreement_create(
        actor=world.admin, practice=world.b, data=terms(fixed_amount=Decimal("12345.67"))
    )
    run = fee_run_execute(actor=world.admin, period=THIS_MONTH)
    invoice_a, invoice_b = sorted(
        fee_run_approve(actor=world.admin, run=run), key=lambda i: i.practice_id != world.a.pk
    )
    staff, admin = client_for(world.staff, None), client_for(world.admin, None)
    for path in ("/contracts/", "/invoices/", f"/fees/{run.pk}/"):
        html = staff.get(path).content.decode()
        assert "12,345.67" not in html and "12345.67" not in html and invoice_b.number not in html
        assert world.b.name not in html
        assert "12345.67" in admin.get(path).content.decode().replace(",", "")
    assert staff.get(f"/invoices/{invoice_b.pk}/pdf/").status_code == 404
    assert staff.get(f"/invoices/{invoice_a.pk}/pdf/").status_code == 200
    listed = staff.get("/api/v1/invoices/").json()["results"]
    assert [i["number"] for i in listed] == [invoice_a.number]
    runs = staff.get("/api/v1/fee-runs/").json()["results"]
    assert [c["practice"] for c in runs[0]["calculations"]] == [world.a.slug]
    agreements = staff.get("/api/v1/agreements/").json()["results"]
    assert {a["practice"] for a in agreements} == {world.a.pk}


def test_fee_run_failures_of_other_practices_stay_hidden_from_mso_staff(world, client_for):
    run = FeeRun.objects.create(
        period=date(2020, 1, 1),
        failures=[
            {"practice": world.a.slug, "error": "alpha: no FMV opinion"},
            {"practice": world.b.slug, "error": "bravo: FMV opinion expired"},
        ],
    )
    staff, admin = client_for(world.staff, None), client_for(world.admin, None)

    def failures(client):
        runs = client.get("/api/v1/fee-runs/").json()["results"]
        return [f["practice"] for r in runs if r["id"] == run.pk for f in r["failures"]]

    assert failures(staff) == [world.a.slug]
    assert failures(admin) == [world.a.slug, world.b.slug]
    page = staff.get(f"/fees/{run.pk}/").content.decode()
    assert "alpha: no FMV opinion" in page and "bravo" not in page
