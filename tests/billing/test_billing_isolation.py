"""Token scopes within one practice. Cross-practice probes of every billing endpoint and page
(objects, lists, files, uploads) are in tests/test_isolation_matrix.py."""

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
