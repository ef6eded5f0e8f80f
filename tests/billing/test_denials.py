"""Denial management: the queue, notes, resubmission, appeal letters, write-offs with approval."""

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.choices import ClaimStatus, DenialStatus
from billing.era_builder import claim_outcome, era_text
from billing.exceptions import BillingError
from billing.models import Claim, DenialCase
from billing.services import denials
from billing.services.remittances import era_post

from .test_remittances import _batched, _submitted_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world, clinic):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        (claim,) = _batched(_submitted_claim(world, clinic))
        era_post(
            actor=world.staff,
            file_name="d.835",
            content=era_text(
                payer=clinic.payer,
                trace_number="DEN1",
                payment_date=timezone.localdate(),
                claims=[claim_outcome(claim, "denied:50", payer_claim_number="P-DEN-1")],
            ),
        )
        yield DenialCase.objects.get()


def test_queue_page_groups_by_reason(world, client_for, case):
    html = client_for(world.staff, world.a).get("/denials/").content.decode()
    assert case.claim.patient_control_number in html and ">50<" in html
    assert client_for(world.manager_b, world.b).get(f"/denials/{case.pk}/").status_code == 404


def test_write_off_needs_someone_else_to_approve(world, case):
    denials.denial_write_off_request(actor=world.staff, case=case, reason="Below threshold")
    with pytest.raises(BillingError, match="someone other"):
        denials.denial_write_off_decide(actor=world.staff, case=case, approve=True)
    with pytest.raises(BillingError, match="approved by an MSO admin"):
        denials.denial_write_off_decide(actor=world.provider_a, case=case, approve=True)
    denials.denial_write_off_decide(actor=world.manager_a, case=case, approve=True)
    case.refresh_from_db()
    assert case.status == DenialStatus.WRITTEN_OFF and case.write_off_approved_by == world.manager_a


def test_resubmit_builds_frequency_7(world, case):
    denials.denial_resubmit(actor=world.staff, case=case)
    replacement = Claim.objects.get(original_claim=case.claim)
    assert replacement.frequency_code == "7" and replacement.payer_claim_number == "P-DEN-1"
    assert Claim.objects.get(pk=case.claim.pk).status == ClaimStatus.REPLACED


def test_appeal_letter_is_a_pdf(world, client_for, case):
    client = client_for(world.staff, world.a)
    empty = client.post(f"/denials/{case.pk}/appeal/", {"argument": ""}, follow=True)
    assert "Say why" in empty.content.decode()
    response = client.post(
        f"/denials/{case.pk}/appeal/", {"argument": "The visit note documents medical necessity."}
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    with schema_context(world.a.schema_name):
        assert DenialCase.objects.get().status == DenialStatus.APPEALED


def test_notes_and_assignment(world, client_for, case):
    client = client_for(world.staff, world.a)
    client.post(f"/denials/{case.pk}/note/", {"text": "Called payer, ref 123"})
    client.post(f"/denials/{case.pk}/assign/", {"assignee": world.staff.pk})
    with schema_context(world.a.schema_name):
        case.refresh_from_db()
        assert case.assigned_to == world.staff and case.notes.count() == 1
    assert (
        client_for(world.provider_a, world.a)
        .post(f"/denials/{case.pk}/note/", {"text": "x"})
        .status_code
        == 403
    )


def test_denial_api(world, client_for, case):
    client = client_for(world.staff, world.a)
    listed = client.get("/api/v1/denials/").json()["results"]
    assert [d["id"] for d in listed] == [case.pk] and listed[0]["reason_codes"] == ["50"]
    noted = client.post(
        f"/api/v1/denials/{case.pk}/",
        {"action": "note", "text": "Called"},
        content_type="application/json",
    )
    assert noted.status_code == 200
    bad = client.post(
        f"/api/v1/denials/{case.pk}/",
        {"action": "appeal", "text": ""},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "argument" in bad.json()["errors"]
    client.post(
        f"/api/v1/denials/{case.pk}/",
        {"action": "write_off", "text": "Small"},
        content_type="application/json",
    )
    own = client.post(
        f"/api/v1/denials/{case.pk}/", {"action": "approve"}, content_type="application/json"
    )
    assert own.status_code == 400
    approved = client_for(world.admin, world.a).post(
        f"/api/v1/denials/{case.pk}/", {"action": "approve"}, content_type="application/json"
    )
    assert approved.json()["status"] == "written_off"
    assert (
        client_for(world.manager_b, world.b).get(f"/api/v1/denials/{case.pk}/").status_code == 404
    )


def test_assignees_are_people_of_this_practice_only(world, client_for, case):
    """Another practice's manager is neither offered nor accepted as an assignee."""
    client = client_for(world.staff, world.a)
    page = client.get(f"/denials/{case.pk}/").content.decode()
    assert world.manager_a.email in page and world.admin.email in page
    assert world.manager_b.email not in page
    refused = client.post(
        f"/denials/{case.pk}/assign/", {"assignee": world.manager_b.pk}, follow=True
    )
    assert "works this practice" in refused.content.decode()
    with schema_context(world.a.schema_name):
        case.refresh_from_db()
        assert case.assigned_to is None
