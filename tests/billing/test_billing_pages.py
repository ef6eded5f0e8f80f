"""Billing pages: rendering with data, CPOM on the page, the batch job with progress."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.choices import ClaimStatus
from billing.models import ClaimBatchFile, CodingQuery, Encounter
from billing.services import batches, claims, encounters
from billing.tasks import claim_batch_build
from mso.jobs.models import JobRun, JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(world, clinic):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        encounter, _ = encounters.encounter_create(
            actor=world.integrator_a,
            data={
                "patient": clinic.patient,
                "provider": clinic.provider,
                "location": clinic.location,
                "date_of_service": timezone.localdate() - timedelta(days=2),
                "place_of_service": "11",
                "diagnosis_codes": ["E119", "I10"],
                "lines": [
                    {
                        "procedure_code": "99214",
                        "units": "1",
                        "charge": None,
                        "diagnosis_pointers": [1, 2],
                    }
                ],
            },
        )
        return claims.claim_build(actor=world.staff, encounter=encounter)


@pytest.mark.parametrize("who", ["admin", "staff", "manager_a", "provider_a"])
def test_pages_render_with_data(world, client_for, claim, who):
    client = client_for(getattr(world, who), world.a)
    for path in (
        f"/claims/{claim.pk}/",
        f"/encounters/{claim.encounter_id}/",
        "/claims/",
        "/encounters/",
        "/batches/",
        "/patients/",
        f"/patients/{claim.encounter.patient_id}/",
        "/coding-queries/",
    ):
        response = client.get(path)
        assert response.status_code == 200, (who, path)
    assert "Testcase" in client.get(f"/claims/{claim.pk}/").content.decode()


def test_coder_raises_query_on_page_and_provider_decides(world, client_for, claim):
    url = f"/encounters/{claim.encounter_id}/"
    response = client_for(world.staff, world.a).post(
        url,
        {
            "question": "Hyperlipidemia documented too?",
            "proposed_diagnosis_codes": "E11.9, I10, E78.5",
        },
    )
    assert response.status_code == 302
    with schema_context(world.a.schema_name):
        query = CodingQuery.objects.get()
    page = client_for(world.staff, world.a).get(url).content.decode()
    assert "Accept and apply" not in page  # the coder cannot decide
    assert (
        client_for(world.staff, world.a)
        .post(f"/coding-queries/{query.pk}/decide/", {"decision": "accept"})
        .status_code
        == 403
    )
    provider_page = client_for(world.provider_a, world.a).get(url).content.decode()
    assert "Accept and apply" in provider_page
    client_for(world.provider_a, world.a).post(
        f"/coding-queries/{query.pk}/decide/", {"decision": "accept", "note": "ok"}
    )
    with schema_context(world.a.schema_name):
        assert Encounter.objects.get(pk=claim.encounter_id).diagnosis_codes == [
            "E119",
            "I10",
            "E785",
        ]


def test_provider_cannot_accept_a_change_that_breaks_the_encounter(world, client_for, claim):
    client_for(world.staff, world.a).post(
        f"/encounters/{claim.encounter_id}/",
        {"question": "Drop I10?", "proposed_diagnosis_codes": "E11.9"},
    )
    with schema_context(world.a.schema_name):
        query = CodingQuery.objects.get()
    response = client_for(world.provider_a, world.a).post(
        f"/coding-queries/{query.pk}/decide/", {"decision": "accept"}, follow=True
    )
    assert "Pointers must be between 1 and 1" in response.content.decode()
    with schema_context(world.a.schema_name):
        assert CodingQuery.objects.get().status == "open"
        assert Encounter.objects.get(pk=claim.encounter_id).diagnosis_codes == ["E119", "I10"]


def test_query_form_errors(world, client_for, claim):
    response = client_for(world.staff, world.a).post(
        f"/encounters/{claim.encounter_id}/", {"question": ""}
    )
    assert response.status_code == 200 and response.context["query_form"].errors


def test_provider_cannot_raise_query_or_build_claims(world, client_for, claim):
    client = client_for(world.provider_a, world.a)
    assert (
        client.post(
            f"/encounters/{claim.encounter_id}/",
            {"question": "x", "proposed_diagnosis_codes": "I10"},
        ).status_code
        == 403
    )
    assert client.post(f"/encounters/{claim.encounter_id}/claim/").status_code == 403


def test_encounter_form_for_providers(world, client_for, clinic):
    client = client_for(world.provider_a, world.a)
    data = {
        "patient": clinic.patient.pk,
        "provider": clinic.provider.pk,
        "location": clinic.location.pk,
        "date_of_service": str(timezone.localdate() - timedelta(days=1)),
        "place_of_service": "11",
        "diagnosis_codes": "E11.9, I10",
        "external_id": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-procedure_code": "99213",
        "lines-0-modifiers": "",
        "lines-0-units": "1",
        "lines-0-charge": "",
        "lines-0-diagnosis_pointers": "1, 5",
    }
    response = client.post("/encounters/new/", data)
    assert response.status_code == 200  # pointer 5 is out of range
    assert "between 1 and 2" in response.content.decode()
    data["lines-0-diagnosis_pointers"] = "1, 2"
    response = client.post("/encounters/new/", data)
    assert response.status_code == 302
    with schema_context(world.a.schema_name):
        assert Encounter.objects.get().lines.get().charge == 130


def test_batch_button_runs_job_with_progress(
    world, client_for, claim, django_capture_on_commit_callbacks
):
    client = client_for(world.staff, world.a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/batches/")
    assert response.status_code == 200 and "<progress" in response.content.decode()
    assert len(callbacks) == 1
    job = JobRun.objects.get(kind="billing.claim_batch_build")
    with schema_context(world.a.schema_name):
        claim_batch_build.apply(args=[str(job.pk)], throw=True)
        claim_batch_build.apply(args=[str(job.pk)], throw=True)  # a retry: no second file
        assert ClaimBatchFile.objects.count() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100
    assert job.result["claims"] == 1


def test_batch_api_starts_job(world, client_for, claim, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(world.staff, world.a).post("/api/v1/batches/")
    assert response.status_code == 202 and response.json()["kind"] == "billing.claim_batch_build"
    assert client_for(world.manager_a, world.a).post("/api/v1/batches/").status_code == 403


def test_claim_actions_on_page(world, client_for, claim):
    client = client_for(world.staff, world.a)
    assert client.post(f"/claims/{claim.pk}/scrub/").status_code == 302
    response = client.post(f"/claims/{claim.pk}/void/", {"reason": ""}, follow=True)
    assert "Say why" in response.content.decode()
    client.post(f"/claims/{claim.pk}/void/", {"reason": "Entered twice"})
    with schema_context(world.a.schema_name):
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.VOIDED
    assert (
        client_for(world.provider_a, world.a).post(f"/claims/{claim.pk}/scrub/").status_code == 403
    )


def test_batch_download(world, client_for, claim):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        batch = batches.batch_build_all(actor=None)[0]
    response = client_for(world.manager_a, world.a).get(f"/batches/{batch.pk}/download/")
    assert response.status_code == 200 and response.content.startswith(b"ISA*")
    assert "attachment" in response["Content-Disposition"]


def test_claim_page_offers_only_allowed_actions(world, client_for, claim):
    client = client_for(world.staff, world.a)
    ready = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Void claim" in ready and "Correct claim" not in ready
    with schema_context(world.a.schema_name):
        batches.batch_build_all(actor=None)
        claim.refresh_from_db()
        claims.claim_transition(claim=claim, to=ClaimStatus.ACCEPTED)
    accepted = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Void claim" in accepted and "Correct claim" in accepted
    assert (
        "Correct claim"
        not in client_for(world.provider_a, world.a).get(f"/claims/{claim.pk}/").content.decode()
    )
