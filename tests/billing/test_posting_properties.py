"""Property: for any set of claims and adjudications, posting then reading back the ledger
gives the file's BPR and CLP amounts to the cent."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.era_builder import claim_outcome, era_text
from billing.models import ClaimPayment, ProviderAdjustment, Remittance
from billing.services import batches, claims, encounters
from billing.services.remittances import era_post
from billing.x12.reader835 import read_835

pytestmark = pytest.mark.django_db

OUTCOMES = st.sampled_from(["paid", "deductible", "partial", "denied:97", "denied:16"])


class _RollbackError(Exception):
    pass


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plan=st.lists(
        st.tuples(OUTCOMES, st.integers(1, 3), st.integers(0, 500)), min_size=1, max_size=6
    ),
    interest=st.integers(0, 999),
)
def test_posted_ledger_equals_the_file(world, clinic, plan, interest):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        try:
            with transaction.atomic():
                adjudicated = []
                for index, (outcome, n_lines, charge_cents) in enumerate(plan):
                    encounter, _ = encounters.encounter_create(
                        actor=world.integrator_a,
                        data={
                            "patient": clinic.patient,
                            "provider": clinic.provider,
                            "location": clinic.location,
                            "date_of_service": timezone.localdate() - timedelta(days=index + 1),
                            "place_of_service": "11",
                            "diagnosis_codes": ["E119"],
                            "lines": [
                                {
                                    "procedure_code": code,
                                    "units": "1",
                                    "charge": Decimal(charge_cents + 100 * (n + 1)) / 100,
                                    "diagnosis_pointers": [1],
                                }
                                for n, code in enumerate(["99213", "36415", "80053"][:n_lines])
                            ],
                        },
                    )
                    claim = claims.claim_build(actor=world.staff, encounter=encounter)
                    if outcome == "partial" and n_lines == 1:
                        outcome = "paid"
                    adjudicated.append((claim, outcome))
                batches.batch_build_all(actor=None)
                content = era_text(
                    payer=clinic.payer,
                    trace_number="PROP1",
                    payment_date=timezone.localdate(),
                    interest=Decimal(interest) / 100,
                    claims=[
                        claim_outcome(c, o, payer_claim_number=f"P{c.pk}") for c, o in adjudicated
                    ],
                )
                remit = read_835(content)
                remittance, _ = era_post(actor=world.staff, file_name="p.835", content=content)
                payments = ClaimPayment.objects.filter(remittance=remittance)
                plb = sum(
                    (p.amount for p in ProviderAdjustment.objects.filter(remittance=remittance)),
                    Decimal("0"),
                )
                assert (
                    sum((p.paid for p in payments), Decimal("0")) - plb
                    == remit.payment.amount
                    == Remittance.objects.get().payment_amount
                )
                by_pcn = {p.patient_control_number: p for p in payments}
                for clp in remit.claims:
                    posted = by_pcn[clp.patient_control_number]
                    assert (posted.charge, posted.paid, posted.patient_responsibility) == (
                        clp.total_charge,
                        clp.payment,
                        clp.patient_responsibility,
                    )
                    assert (
                        sum((a.amount for a in posted.adjustments.all()), Decimal("0"))
                        == clp.total_charge - clp.payment
                    )
                raise _RollbackError
        except _RollbackError:
            pass
