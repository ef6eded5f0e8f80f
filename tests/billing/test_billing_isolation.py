"""Billing data of practice A is invisible from practice B: API, pages and files."""

from datetime import date

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from billing.services import batches, claims, encounters
from mso.accounts.services import token_create

from .conftest import encounter_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed(world, clinic):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        body = encounter_body(clinic)
        encounter, _ = encounters.encounter_create(
            actor=world.integrator_a,
            data={
                **body,
                "patient": clinic.patient,
                "provider": clinic.provider,
                "location": clinic.location,
                "date_of_service": date.fromisoformat(body["date_of_service"]),
                "lines": [{**line, "charge": None} for line in body["lines"]],
            },
        )
        claim = claims.claim_build(actor=world.staff, encounter=encounter)
        batch = batches.batch_build_all(actor=world.staff)[0]
        return {
            "encounter": encounter.pk,
            "claim": claim.pk,
            "batch": batch.pk,
            "patient": clinic.patient.pk,
        }


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/encounters/{encounter}/",
        "/api/v1/claims/{claim}/",
        "/api/v1/batches/{batch}/",
        "/api/v1/batches/{batch}/file/",
        "/api/v1/patients/{patient}/",
        "/encounters/{encounter}/",
        "/claims/{claim}/",
        "/batches/{batch}/download/",
        "/patients/{patient}/",
    ],
)
def test_a_objects_are_404_on_b(world, client_for, billed, path):
    url = path.format(**billed)
    own = client_for(world.manager_a, world.a).get(url)
    assert own.status_code == 200, url
    other = client_for(world.manager_b, world.b).get(url)
    assert other.status_code == 404
    assert b"Testcase" not in other.content and b"ISA*" not in other.content


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/encounters/",
        "/api/v1/claims/",
        "/api/v1/patients/",
        "/api/v1/batches/",
        "/claims/",
        "/encounters/",
        "/patients/",
    ],
)
def test_lists_on_b_do_not_show_a(world, client_for, billed, path):
    assert client_for(world.manager_a, world.a).get(path).status_code == 200
    other = client_for(world.manager_b, world.b).get(path)
    assert other.status_code == 200
    assert b"Testcase" not in other.content and b"EHR-VISIT-1" not in other.content


def test_b_credentials_on_a_host(world, client_for, billed):
    assert client_for(world.manager_b, world.a).get("/api/v1/claims/").status_code == 403
    _, plain = token_create(
        actor=world.manager_b,
        practice=world.b,
        user=world.integrator_b,
        name="b",
        scopes=["claims:read", "encounters:read"],
    )
    client = client_for(None, world.a)
    response = client.get(f"/api/v1/claims/{billed['claim']}/", HTTP_AUTHORIZATION=f"Token {plain}")
    assert response.status_code == 401


def test_token_scope_limits_billing(world, client_for, billed):
    _, plain = token_create(
        actor=world.manager_a,
        practice=world.a,
        user=world.integrator_a,
        name="a",
        scopes=["encounters:read"],
    )
    client = client_for(None, world.a)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {plain}"
    assert client.get("/api/v1/encounters/").status_code == 200
    assert client.get("/api/v1/claims/").status_code == 403
    assert (
        client.post("/api/v1/encounters/", {}, content_type="application/json").status_code == 403
    )
