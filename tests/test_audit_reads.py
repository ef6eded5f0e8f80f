"""Audit completeness (HIPAA 164.312(b)): every route is classified in mso/audit/registry.py,
and every route that shows patient-level data records who saw which patient."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.era_builder import claim_outcome, era_text
from billing.models import ClaimBatchFile, DenialCase, Remittance, Statement, StatementRun
from billing.services import coding
from billing.services.patient_billing import patient_payment_record, statement_run
from billing.services.remittances import era_post
from mso.audit.models import AuditEvent
from mso.audit.registry import NO_PATIENT_DATA_URLS, PATIENT_READ_URLS

from .billing.test_remittances import _batched, _submitted_claim

pytestmark = pytest.mark.django_db


def _route_names(patterns) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _route_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


@pytest.mark.parametrize("urlconf", ["mso.urls_tenant", "mso.urls_public"])
def test_every_route_is_classified(urlconf):
    names = _route_names(get_resolver(urlconf).url_patterns)
    unclassified = names - PATIENT_READ_URLS - NO_PATIENT_DATA_URLS
    assert not unclassified, f"classify in mso/audit/registry.py: {sorted(unclassified)}"
    assert not PATIENT_READ_URLS & NO_PATIENT_DATA_URLS


@pytest.fixture
def billed(world, clinic):
    """A paid claim and a denied claim of one patient, a batch, a remittance, a statement, a
    coding query and a patient payment, all in practice A."""
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        paid, denied = _batched(
            _submitted_claim(world, clinic, days_ago=5),
            _submitted_claim(world, clinic, days_ago=6),
        )
        era_post(
            actor=world.staff,
            file_name="audit.835",
            content=era_text(
                payer=clinic.payer,
                trace_number="AUD1",
                payment_date=timezone.localdate(),
                claims=[
                    claim_outcome(paid, "paid", payer_claim_number="PA-1"),
                    claim_outcome(denied, "denied:50", payer_claim_number="PA-2"),
                ],
            ),
        )
        query = coding.coding_query_raise(
            actor=world.staff,
            encounter=paid.encounter,
            question="Was the visit level supported?",
            proposed_diagnosis_codes=["E119"],
        )
        patient_payment_record(
            actor=world.staff,
            patient=clinic.patient,
            amount=Decimal("5.00"),
            kind="payment",
            received_on=timezone.localdate(),
        )
        statement_run(actor=world.staff, as_of=timezone.localdate())
        yield {
            "patient": clinic.patient.pk,
            "encounter": paid.encounter_id,
            "claim": paid.pk,
            "query": query.pk,
            "batch": ClaimBatchFile.objects.get(claims=paid).pk,
            "denial": DenialCase.objects.get().pk,
            "statement": Statement.objects.get().pk,
            "remittance": Remittance.objects.get().pk,
            "coverage": clinic.coverage.pk,
        }


# URL name -> (method, path, body). Every route in PATIENT_READ_URLS needs one.
RECIPES = {
    "patient-list": ("get", "/patients/", None),
    "patient-detail": ("get", "/patients/{patient}/", None),
    "patient-account": ("get", "/patients/{patient}/account/", None),
    "patient-edit": ("get", "/patients/{patient}/edit/", None),
    "coverage-edit": ("get", "/patients/{patient}/coverages/{coverage}/edit/", None),
    "encounter-list": ("get", "/encounters/", None),
    "encounter-detail": ("get", "/encounters/{encounter}/", None),
    "coding-query-list": ("get", "/coding-queries/", None),
    "claim-list": ("get", "/claims/", None),
    "claim-detail": ("get", "/claims/{claim}/", None),
    "batch-download": ("get", "/batches/{batch}/download/", None),
    "denial-list": ("get", "/denials/", None),
    "denial-detail": ("get", "/denials/{denial}/", None),
    "denial-action": ("post", "/denials/{denial}/appeal/", {"argument": "Medically necessary."}),
    "billing-dashboard": ("get", "/dashboard/", None),
    "statement-list": ("get", "/statements/", None),
    "statement-pdf": ("get", "/statements/{statement}/pdf/", None),
    "api-patient-list": ("get", "/api/v1/patients/", None),
    "api-patient-detail": ("get", "/api/v1/patients/{patient}/", None),
    "api-coverage-detail": ("get", "/api/v1/coverages/{coverage}/", None),
    "api-encounter-list": ("get", "/api/v1/encounters/", None),
    "api-encounter-detail": ("get", "/api/v1/encounters/{encounter}/", None),
    "api-coding-query-list": ("get", "/api/v1/coding-queries/", None),
    "api-claim-list": ("get", "/api/v1/claims/", None),
    "api-claim-detail": ("get", "/api/v1/claims/{claim}/", None),
    "api-batch-file": ("get", "/api/v1/batches/{batch}/file/", None),
    "api-denial-list": ("get", "/api/v1/denials/", None),
    "api-denial-detail": ("get", "/api/v1/denials/{denial}/", None),
    "api-patient-payment-list": ("get", "/api/v1/patient-payments/", None),
}


def test_every_patient_read_has_a_recipe():
    assert set(RECIPES) == PATIENT_READ_URLS


def test_every_patient_read_is_audited_with_its_patient(world, client_for, billed):
    client = client_for(world.staff, world.a)
    missing = []
    for number, (name, (method, path, body)) in enumerate(sorted(RECIPES.items())):
        request_id = f"audit-read-{number:04d}"
        response = getattr(client, method)(
            path.format(**billed), body or {}, HTTP_X_REQUEST_ID=request_id
        )
        assert response.status_code == 200, (name, response.status_code)
        events = AuditEvent.objects.filter(
            request_id=request_id,
            actor_id=world.staff.pk,
            practice_id=world.a.pk,
            patient_ids__contains=[billed["patient"]],
        )
        if not events.exists():
            missing.append(name)
    assert not missing, f"no audit event naming the patient: {missing}"


def test_a_list_read_is_one_event_naming_every_row(world, client_for, billed):
    client_for(world.staff, world.a).get("/claims/", HTTP_X_REQUEST_ID="audit-list-0001")
    (event,) = AuditEvent.objects.filter(request_id="audit-list-0001")
    assert event.action == "claim.list" and event.patient_ids == [billed["patient"]]
    assert len(event.changes["ids"]) == event.changes["count"] == 2


def test_bulk_writes_record_counts_and_ids(world, billed):
    batch = AuditEvent.objects.get(action="batch.build", object_id=str(billed["batch"]))
    assert batch.changes["claims"] == len(batch.changes["claim_ids"]) == 2
    assert batch.patient_ids == [billed["patient"]]
    era = AuditEvent.objects.get(action="era.post", object_id=str(billed["remittance"]))
    assert era.changes["claims"] == 2 and len(era.changes["claim_payment_ids"]) == 2
    assert era.patient_ids == [billed["patient"]]
    with schema_context(world.a.schema_name):
        run = StatementRun.objects.get()
    statements = AuditEvent.objects.get(action="statement.run", object_id=str(run.pk))
    assert statements.changes["statement_ids"] == [billed["statement"]]
    assert statements.patient_ids == [billed["patient"]]


def test_writes_name_their_patient(world, billed):
    payment = AuditEvent.objects.get(action="patient_payment.record")
    assert payment.patient_ids == [billed["patient"]]
    query = AuditEvent.objects.filter(object_type="billing.codingquery").first()
    assert query.patient_ids == [billed["patient"]]
