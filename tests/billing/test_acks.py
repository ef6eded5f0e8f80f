"""Applying 999 and 277CA files to our batches and claims: all or nothing, exactly once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.choices import BatchStatus, ClaimStatus
from billing.exceptions import AckError, BillingError
from billing.models import Acknowledgement, Claim, ClaimBatchFile
from billing.services import acks, batches, claims, encounters
from billing.uploads import upload_text

from .ackfiles import FIXTURES, ack_277ca, ack_999

pytestmark = pytest.mark.django_db


def _claim(world, clinic, days_ago):
    encounter, _ = encounters.encounter_create(
        actor=world.integrator_a,
        data={
            "patient": clinic.patient,
            "provider": clinic.provider,
            "location": clinic.location,
            "date_of_service": timezone.localdate() - timedelta(days=days_ago),
            "place_of_service": "11",
            "diagnosis_codes": ["E119"],
            "lines": [
                {"procedure_code": "99213", "units": "1", "charge": None, "diagnosis_pointers": [1]}
            ],
        },
    )
    return claims.claim_build(actor=world.staff, encounter=encounter)


@pytest.fixture
def batch(world, clinic):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        _claim(world, clinic, 3)
        _claim(world, clinic, 9)
        yield batches.batch_build_all(actor=world.staff)[0]


def test_999_accepted_moves_batch_and_claims(world, batch):
    ack, created = acks.ack_apply(
        actor=world.staff, file_name="999.txt", content=ack_999(batch.group_control_number)
    )
    assert created and ack.kind == "999" and ack.batch == batch
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ACCEPTED
    assert set(batch.claims.values_list("status", flat=True)) == {ClaimStatus.SUBMITTED}


def test_999_rejected_rejects_claims_with_reasons(world, batch):
    acks.ack_apply(
        actor=world.staff,
        file_name="999r.txt",
        content=ack_999(batch.group_control_number, accepted=False),
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REJECTED and batch.status_reason
    claim = batch.claims.first()
    assert claim.status == ClaimStatus.REJECTED and claim.status_reason.startswith("999:")


def test_same_file_twice_changes_nothing(world, batch):
    content = ack_999(batch.group_control_number)
    acks.ack_apply(actor=world.staff, file_name="a.txt", content=content)
    _ack, created = acks.ack_apply(actor=world.staff, file_name="a-again.txt", content=content)
    assert not created and Acknowledgement.objects.count() == 1


def test_999_for_unknown_batch_is_rejected(world, batch):
    with pytest.raises(AckError, match="group control number"):
        acks.ack_apply(actor=world.staff, file_name="x.txt", content=ack_999(999999))
    assert Claim.objects.filter(status=ClaimStatus.BATCHED).count() == 2


def test_277ca_accepts_and_rejects_per_claim(world, batch):
    acks.ack_apply(
        actor=world.staff, file_name="999.txt", content=ack_999(batch.group_control_number)
    )
    first, second = batch.claims.order_by("pk")
    ack, _ = acks.ack_apply(
        actor=world.staff,
        file_name="277.txt",
        content=ack_277ca(first.patient_control_number, second.patient_control_number),
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ClaimStatus.ACCEPTED and first.payer_claim_number == "PAYERCLM0001"
    assert second.status == ClaimStatus.REJECTED and "277CA" in second.status_reason
    assert ack.summary == {"accepted": 1, "rejected": 1, "unmatched": ["NOSUCH-1"]}


@pytest.mark.parametrize(
    "name",
    [
        "999_truncated.txt",
        "999_wrong_se_count.txt",
        "999_missing_iea.txt",
        "999_wrong_delimiters.txt",
        "277ca_wrong_counts.txt",
        "empty.txt",
    ],
)
def test_malformed_files_are_rejected_and_change_nothing(world, batch, name):
    content = (FIXTURES / name).read_text(errors="replace")
    with pytest.raises(AckError) as error:
        acks.ack_apply(actor=world.staff, file_name=name, content=content)
    message = str(error.value)
    assert "segment" in message or "no transaction set" in message.lower()
    assert not Acknowledgement.objects.exists()
    assert Claim.objects.filter(status=ClaimStatus.BATCHED).count() == 2


def test_binary_upload_is_rejected(world, batch):
    upload = SimpleUploadedFile("x.bin", (FIXTURES / "999_binary.bin").read_bytes())
    with pytest.raises(BillingError, match="binary"):
        upload_text({"file": upload})


def test_upload_through_api_and_page(world, client_for, batch):
    client = client_for(world.staff, world.a)
    response = client.post(
        "/api/v1/acknowledgements/",
        {"content": ack_999(batch.group_control_number), "file_name": "999.txt"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    bad = client.post(
        "/api/v1/acknowledgements/", {"content": "ISA*garbage~"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "file" in bad.json()["errors"]
    page = client.post(
        "/acknowledgements/",
        {"file": SimpleUploadedFile("999.txt", ack_999(batch.group_control_number).encode())},
    )
    assert page.status_code == 302  # already applied: a message, no change
    provider = client_for(world.provider_a, world.a).post(
        "/api/v1/acknowledgements/", {"content": "x"}, content_type="application/json"
    )
    assert provider.status_code == 403


def test_commands(world, batch, tmp_path):
    path = tmp_path / "999.txt"
    path.write_text(ack_999(batch.group_control_number))
    out = StringIO()
    call_command("x12_ack", "--practice", "alpha", str(path), "--json", stdout=out)
    assert '"kind": "999"' in out.getvalue()
    bad = tmp_path / "bad.txt"
    bad.write_text("ISA*short~")
    with pytest.raises(CommandError, match="segment"):
        call_command("x12_ack", "--practice", "alpha", str(bad), stdout=StringIO())
    with pytest.raises(CommandError, match="No practice"):
        call_command("x12_ack", "--practice", "nope", str(path), stdout=StringIO())


def test_claims_batch_command(world, clinic):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        _claim(world, clinic, 4)
    out = StringIO()
    call_command("claims_batch", "--practice", "alpha", "--json", stdout=out)
    assert '"claims": 1' in out.getvalue()
    with schema_context(world.a.schema_name):
        assert ClaimBatchFile.objects.count() == 1
