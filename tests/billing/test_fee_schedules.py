"""Fee schedules: per practice and per payer; a payer's schedule prices its claims first."""

from datetime import date

import pytest
from django_tenants.utils import schema_context

from billing.models import FeeSchedule
from billing.services.fees import fee_for

pytestmark = pytest.mark.django_db


def test_payer_schedule_wins_over_default(world, client_for, clinic):
    client = client_for(world.manager_a, world.a)
    response = client.post(
        "/api/v1/fee-schedules/",
        {
            "name": "Test Health Plan contract",
            "payer": clinic.payer.pk,
            "effective_from": "2024-01-01",
            "items": [
                {"procedure_code": "99214", "amount": "175.50"},
                {"procedure_code": "99214", "modifier": "25", "amount": "180.00"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    with schema_context(world.a.schema_name):
        on = date(2026, 6, 1)
        assert str(fee_for(procedure_code="99214", payer=clinic.payer, on=on)) == "175.50"
        assert (
            str(fee_for(procedure_code="99214", modifier="25", payer=clinic.payer, on=on))
            == "180.00"
        )
        assert str(fee_for(procedure_code="99214", payer=clinic.other_payer, on=on)) == "190.00"
        assert fee_for(procedure_code="99499", payer=clinic.payer, on=on) is None
    listed = client.get("/api/v1/fee-schedules/").json()["results"]
    assert {s["name"] for s in listed} >= {"Standard", "Test Health Plan contract"}


def test_bad_fee_schedule_is_400_and_nothing_saved(world, client_for, clinic):
    response = client_for(world.manager_a, world.a).post(
        "/api/v1/fee-schedules/",
        {
            "name": "Broken",
            "effective_from": "2024-02-01",
            "effective_to": "2024-01-01",
            "items": [
                {"procedure_code": "ABC", "amount": "10"},
                {"procedure_code": "99213", "amount": "-5"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"effective_to", "items[0].procedure_code", "items[1].amount"} <= set(errors)
    with schema_context(world.a.schema_name):
        assert not FeeSchedule.objects.filter(name="Broken").exists()


def test_only_managers_create_fee_schedules(world, client_for, clinic):
    response = client_for(world.provider_a, world.a).post(
        "/api/v1/fee-schedules/", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_payer_enrollments(world, client_for, clinic):
    client = client_for(world.manager_a, world.a)
    body = {
        "payer": clinic.payer.pk,
        "provider": clinic.provider.pk,
        "status": "active",
        "effective_from": "2025-01-01",
    }
    assert (
        client.post("/api/v1/enrollments/", body, content_type="application/json").status_code
        == 201
    )
    again = client.post("/api/v1/enrollments/", body, content_type="application/json")
    assert again.status_code == 400 and "payer" in again.json()["errors"]
    bad = client.post(
        "/api/v1/enrollments/",
        {**body, "payer": clinic.other_payer.pk, "effective_from": None},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "effective_from" in bad.json()["errors"]
    assert len(client.get("/api/v1/enrollments/").json()["results"]) == 1
    assert client_for(world.manager_b, world.b).get("/api/v1/enrollments/").json()["results"] == []
