"""Charge capture through the API: idempotent, validated, and clinical (CPOM)."""

import pytest
from django_tenants.utils import schema_context

from billing.models import ClinicalChange, CodingQuery, Encounter
from mso.accounts.services import token_create

from .conftest import encounter_body

pytestmark = pytest.mark.django_db


def _ehr_client(world, client_for, scopes=("encounters:write", "encounters:read")):
    _, plain = token_create(
        actor=world.manager_a,
        practice=world.a,
        user=world.integrator_a,
        name="EHR",
        scopes=list(scopes),
    )
    client = client_for(None, world.a)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {plain}"
    return client


def test_ehr_posts_encounter_priced_from_fee_schedule(world, client_for, clinic):
    client = _ehr_client(world, client_for)
    response = client.post(
        "/api/v1/encounters/", encounter_body(clinic), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["diagnosis_codes"] == ["E119", "I10"]
    assert [line["charge"] for line in body["lines"]] == ["190.00", "15.00"]
    assert body["total_charge"] == "205.00"
    assert body["clinical_changes"][0]["source"] == "ehr"
    # The deciding provider is the rendering provider's sign-in, not the integration.
    assert body["clinical_changes"][0]["decided_by"] == world.provider_a.pk


def test_repost_with_same_external_id_is_idempotent(world, client_for, clinic):
    client = _ehr_client(world, client_for)
    first = client.post(
        "/api/v1/encounters/", encounter_body(clinic), content_type="application/json"
    )
    second = client.post(
        "/api/v1/encounters/", encounter_body(clinic), content_type="application/json"
    )
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    with schema_context(world.a.schema_name):
        assert Encounter.objects.filter(external_id="EHR-VISIT-1").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"diagnosis_codes": ["E11"]}, "diagnosis_codes[0]"),  # category, not billable
        ({"diagnosis_codes": ["ZZZ.99"]}, "diagnosis_codes[0]"),  # unknown code
        ({"diagnosis_codes": []}, "diagnosis_codes"),
        ({"place_of_service": "00"}, "place_of_service"),
        ({"date_of_service": "2999-01-01"}, "date_of_service"),
        (
            {"lines": [{"procedure_code": "99214", "units": "1", "diagnosis_pointers": [3]}]},
            "lines[0].diagnosis_pointers",
        ),
        (
            {"lines": [{"procedure_code": "99214", "units": "-1", "diagnosis_pointers": [1]}]},
            "lines[0].units",
        ),
        (
            {"lines": [{"procedure_code": "9921", "units": "1", "diagnosis_pointers": [1]}]},
            "lines[0].procedure_code",
        ),
        (
            {
                "lines": [
                    {
                        "procedure_code": "99214",
                        "units": "1",
                        "diagnosis_pointers": [1],
                        "modifiers": ["2"],
                    }
                ]
            },
            "lines[0].modifiers",
        ),
        (
            {"lines": [{"procedure_code": "99499", "units": "1", "diagnosis_pointers": [1]}]},
            "lines[0].charge",
        ),  # no fee, no charge given
        ({"lines": []}, "lines"),
    ],
)
def test_invalid_encounter_is_400_with_field_errors(world, client_for, clinic, overrides, field):
    client = _ehr_client(world, client_for)
    response = client.post(
        "/api/v1/encounters/", encounter_body(clinic, **overrides), content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    with schema_context(world.a.schema_name):
        assert not Encounter.objects.exists()


@pytest.mark.parametrize("who", ["admin", "staff", "manager_a"])
def test_mso_and_managers_cannot_post_encounters(world, client_for, clinic, who):
    response = client_for(getattr(world, who), world.a).post(
        "/api/v1/encounters/", encounter_body(clinic), content_type="application/json"
    )
    assert response.status_code == 403


def _encounter(world, client_for, clinic):
    return (
        _ehr_client(world, client_for)
        .post("/api/v1/encounters/", encounter_body(clinic), content_type="application/json")
        .json()
    )


@pytest.mark.parametrize("who", ["admin", "staff", "manager_a"])
def test_mso_cannot_edit_diagnoses(world, client_for, clinic, who):
    encounter = _encounter(world, client_for, clinic)
    response = client_for(getattr(world, who), world.a).patch(
        f"/api/v1/encounters/{encounter['id']}/",
        {"diagnosis_codes": ["I10"]},
        content_type="application/json",
    )
    assert response.status_code == 403
    with schema_context(world.a.schema_name):
        assert Encounter.objects.get(pk=encounter["id"]).diagnosis_codes == ["E119", "I10"]


def test_provider_edits_diagnoses_and_the_change_is_recorded(world, client_for, clinic):
    encounter = _encounter(world, client_for, clinic)
    response = client_for(world.provider_a, world.a).patch(
        f"/api/v1/encounters/{encounter['id']}/",
        {"diagnosis_codes": ["E11.65", "I10"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["diagnosis_codes"] == ["E1165", "I10"]
    with schema_context(world.a.schema_name):
        change = ClinicalChange.objects.filter(
            encounter_id=encounter["id"], source="provider_edit"
        ).get()
        assert change.decided_by == world.provider_a


def test_coding_query_flow(world, client_for, clinic):
    encounter = _encounter(world, client_for, clinic)
    coder = client_for(world.staff, world.a)
    response = coder.post(
        "/api/v1/coding-queries/",
        {
            "encounter": encounter["id"],
            "question": "Documentation supports 99215?",
            "proposed_lines": [{"line_number": 1, "procedure_code": "99215"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    query_id = response.json()["id"]
    # The coder cannot decide their own query, nor can the practice manager.
    for who in (world.staff, world.manager_a, world.admin):
        denied = client_for(who, world.a).post(
            f"/api/v1/coding-queries/{query_id}/decide/",
            {"accept": True},
            content_type="application/json",
        )
        assert denied.status_code == 403
    decided = client_for(world.provider_a, world.a).post(
        f"/api/v1/coding-queries/{query_id}/decide/",
        {"accept": True, "note": "Agreed"},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "accepted"
    assert decided.json()["decided_by"] == world.provider_a.pk
    with schema_context(world.a.schema_name):
        line = Encounter.objects.get(pk=encounter["id"]).lines.get(line_number=1)
        assert line.procedure_code == "99215"
        change = ClinicalChange.objects.get(coding_query_id=query_id)
        assert change.decided_by == world.provider_a and change.source == "coding_query"
    again = client_for(world.provider_a, world.a).post(
        f"/api/v1/coding-queries/{query_id}/decide/",
        {"accept": False},
        content_type="application/json",
    )
    assert again.status_code == 400


def test_declined_query_changes_nothing(world, client_for, clinic):
    encounter = _encounter(world, client_for, clinic)
    query = (
        client_for(world.staff, world.a)
        .post(
            "/api/v1/coding-queries/",
            {
                "encounter": encounter["id"],
                "question": "Add I25.10?",
                "proposed_diagnosis_codes": ["E119", "I10", "I2510"],
            },
            content_type="application/json",
        )
        .json()
    )
    client_for(world.provider_a, world.a).post(
        f"/api/v1/coding-queries/{query['id']}/decide/",
        {"accept": False, "note": "Not documented"},
        content_type="application/json",
    )
    with schema_context(world.a.schema_name):
        assert Encounter.objects.get(pk=encounter["id"]).diagnosis_codes == ["E119", "I10"]
        assert CodingQuery.objects.get(pk=query["id"]).status == "declined"


def test_coding_query_bad_input(world, client_for, clinic):
    encounter = _encounter(world, client_for, clinic)
    response = client_for(world.staff, world.a).post(
        "/api/v1/coding-queries/",
        {
            "encounter": encounter["id"],
            "question": "",
            "proposed_lines": [{"line_number": 9, "procedure_code": "99215"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
