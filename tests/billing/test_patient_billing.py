"""Patient balances, payments and refunds, statement runs; the A/R and KPI dashboard."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.era_builder import claim_outcome, era_text
from billing.exceptions import BillingError
from billing.models import ClaimStatusChange, Remittance, Statement, StatementRun
from billing.selectors_ar import (
    first_submitted,
    patient_aging,
    patient_balances,
    patient_responsibility_items,
)
from billing.selectors_kpis import claim_outcomes, dashboard
from billing.services.patient_billing import patient_payment_record, statement_run
from billing.services.remittances import era_post

from .test_remittances import _batched, _submitted_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def owed(world, clinic):
    """One paid claim: 205.00 charged, 164.00 allowed, patient share 32.80."""
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        (claim,) = _batched(_submitted_claim(world, clinic))
        era_post(
            actor=world.staff,
            file_name="p.835",
            content=era_text(
                payer=clinic.payer,
                trace_number="PB1",
                payment_date=timezone.localdate(),
                claims=[claim_outcome(claim, "paid", payer_claim_number="PB-1")],
            ),
        )
        yield clinic.patient


def test_balance_payment_and_refund_rules(world, owed):
    assert patient_balances([owed.pk])[owed.pk] == Decimal("32.80")
    with pytest.raises(BillingError, match="credit"):
        patient_payment_record(
            actor=world.staff,
            patient=owed,
            amount="5",
            kind="refund",
            received_on=timezone.localdate(),
        )
    patient_payment_record(
        actor=world.staff,
        patient=owed,
        amount="40.00",
        kind="payment",
        received_on=timezone.localdate(),
    )
    assert patient_balances([owed.pk])[owed.pk] == Decimal("-7.20")
    patient_payment_record(
        actor=world.staff,
        patient=owed,
        amount="7.20",
        kind="refund",
        received_on=timezone.localdate(),
    )
    assert patient_balances([owed.pk])[owed.pk] == Decimal("0.00")
    with pytest.raises(BillingError) as error:
        patient_payment_record(
            actor=world.staff,
            patient=owed,
            amount="-1",
            kind="payment",
            received_on=timezone.localdate(),
        )
    assert "amount" in error.value.errors


def test_statement_run_makes_pdfs_once_per_day(world, owed):
    run = statement_run(actor=world.staff, as_of=timezone.localdate())
    assert run.statement_count == 1 and run.total_due == Decimal("32.80")
    statement = Statement.objects.get()
    assert bytes(statement.pdf).startswith(b"%PDF") and statement.dunning_level == 1
    assert statement.snapshot["claims"][0]["insurance_paid"] == "131.20"
    assert statement_run(actor=world.staff, as_of=timezone.localdate()) == run
    assert StatementRun.objects.count() == 1
    later = statement_run(
        actor=world.staff, as_of=timezone.localdate() + timezone.timedelta(days=30)
    )
    assert later.statements.get().dunning_level == 2


def test_dates_are_practice_local_days(world, owed):
    """A claim batched and paid at 23:30 in New York (04:30 UTC the next day) counts on the
    New York day, in the KPIs and in both agings."""
    late = datetime(2026, 3, 10, 23, 30, tzinfo=ZoneInfo("America/New_York"))
    local_day = date(2026, 3, 10)
    ClaimStatusChange.objects.update(at=late)
    Remittance.objects.update(posted_at=late)
    (outcome,) = claim_outcomes()
    assert (outcome.submitted_on, outcome.adjudicated_on) == (local_day, local_day)
    assert set(first_submitted().values()) == {local_day}
    (item,) = patient_responsibility_items([owed.pk])
    assert item.from_date == local_day


def test_patient_aging(world, owed):
    report = patient_aging(timezone.localdate())
    assert report.total.total == Decimal("32.80")
    assert report.total.buckets["0-30"] == Decimal("32.80")


def test_dashboard_numbers(world, owed, client_for):
    data = dashboard(timezone.localdate())
    by_key = {k.key: k for k in data["kpis"]}
    # One claim, submitted clean and paid on first pass: 100% clean, 100% FPRR, 0% denied.
    assert by_key["clean_claim_rate"].value == Decimal("100.00")
    assert by_key["denial_rate"].value == Decimal("0.00")
    # NCR = 131.20 / (205.00 - 41.00 contractual) = 80.00%.
    assert by_key["net_collection_rate"].value == Decimal("80.00")
    assert data["ar_total"] == Decimal("32.80")  # the payer is settled; the patient owes
    page = client_for(world.manager_a, world.a).get("/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Net collection rate" in html and " style=" not in html


def test_pages(world, owed, client_for):
    client = client_for(world.staff, world.a)
    assert client.get(f"/patients/{owed.pk}/account/").status_code == 200
    bad = client.post(
        f"/patients/{owed.pk}/account/",
        {
            "kind": "refund",
            "amount": "50",
            "received_on": str(timezone.localdate()),
            "method": "card",
        },
    )
    assert bad.status_code == 200 and "credit" in bad.content.decode()
    ok = client.post(
        f"/patients/{owed.pk}/account/",
        {
            "kind": "payment",
            "amount": "10",
            "received_on": str(timezone.localdate()),
            "method": "card",
        },
    )
    assert ok.status_code == 302
    assert (
        client_for(world.provider_a, world.a)
        .post(f"/patients/{owed.pk}/account/", {"kind": "payment", "amount": "10"})
        .status_code
        == 403
    )
    assert (
        client_for(world.manager_b, world.b).get(f"/patients/{owed.pk}/account/").status_code == 404
    )
    assert client.get("/statements/").status_code == 200


def test_portfolio_dashboard_compares_practices(world, owed, client_for):
    from django.core.cache import cache

    with schema_context(world.a.schema_name):
        cache.clear()
    html = client_for(world.admin, None).get("/dashboard/").content.decode()
    assert "Alpha Medical Group" in html and "Bravo Medical Group" in html
    assert "$32.80" in html  # alpha's open A/R
    staff = client_for(world.staff, None).get("/dashboard/").content.decode()
    assert "Bravo Medical Group" not in staff  # staff see only their practices
    assert client_for(world.manager_a, None).get("/dashboard/").status_code == 403


def test_revenue_cycle_api(world, owed, client_for):
    client = client_for(world.manager_a, world.a)
    kpis = client.get("/api/v1/kpis/").json()
    by_key = {k["key"]: k for k in kpis["kpis"]}
    assert by_key["net_collection_rate"]["value"] == "80.00"
    assert by_key["net_collection_rate"]["definition"]
    assert kpis["ar_total"] == "32.80"
    payment = client.post(
        "/api/v1/patient-payments/",
        {
            "patient": owed.pk,
            "kind": "payment",
            "amount": "12.80",
            "received_on": str(timezone.localdate()),
            "method": "card",
        },
        content_type="application/json",
    )
    assert payment.status_code == 201, payment.json()
    refund = client.post(
        "/api/v1/patient-payments/",
        {
            "patient": owed.pk,
            "kind": "refund",
            "amount": "99.00",
            "received_on": str(timezone.localdate()),
        },
        content_type="application/json",
    )
    assert refund.status_code == 400 and "amount" in refund.json()["errors"]
    assert client_for(world.manager_b, world.b).get("/api/v1/kpis/").json()["ar_total"] == "0.00"
    assert (
        client_for(world.provider_a, world.a)
        .post("/api/v1/patient-payments/", {}, content_type="application/json")
        .status_code
        == 403
    )


def test_money_in_is_invisible_from_another_practice(world, owed, client_for):
    """Remittances, statements and patient payments of practice A, seen from practice B."""
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        statement_run(actor=world.staff, as_of=timezone.localdate())
        statement = Statement.objects.get()
        patient_payment_record(
            actor=world.staff,
            patient=owed,
            amount="5.00",
            kind="payment",
            received_on=timezone.localdate(),
        )
    own, other = client_for(world.manager_a, world.a), client_for(world.manager_b, world.b)
    for path in (
        "/api/v1/remittances/",
        "/remittances/",
        "/api/v1/patient-payments/",
        "/statements/",
    ):
        assert own.get(path).status_code == 200
        response = other.get(path)
        assert response.status_code == 200
        assert b"PB1" not in response.content and b"Testcase" not in response.content
    assert b"PB1" in own.get("/api/v1/remittances/").content
    assert other.get(f"/statements/{statement.pk}/pdf/").status_code == 404
    assert client_for(world.manager_b, world.a).get("/api/v1/remittances/").status_code == 403
