"""Billing in the browser: the claims work queue and a claim's findings, as a biller sees them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.services import claims, encounters
from tests.billing.conftest import make_clinic
from tests.conftest import PASSWORD
from tests.e2e.cleanup import empty_practice_tables
from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture(scope="module")
def billing_data(world, django_db_blocker):
    """Committed data (the live server thread reads it): one clean, one failing claim.
    Removed again when the module is done."""
    with django_db_blocker.unblock(), schema_context(world.b.schema_name):
        connection.tenant = world.b
        clinic = make_clinic(world)
        clinic.provider.user = None
        clinic.provider.save()
        made = []
        for days, patient in ((3, clinic.patient), (400, clinic.patient)):
            encounter, _ = encounters.encounter_create(
                actor=world.integrator_b,
                data={
                    "patient": patient,
                    "provider": clinic.provider,
                    "location": clinic.location,
                    "date_of_service": timezone.localdate() - timedelta(days=days),
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
            made.append(claims.claim_build(actor=world.manager_b, encounter=encounter))
    yield made
    with django_db_blocker.unblock():
        empty_practice_tables(world.b.schema_name)


def test_biller_works_the_scrub_failure_queue(world, billing_data, live_url, page, screenshot):
    origin = live_url.format(host="bravo.localhost")
    page.goto(f"{origin}/accounts/login/")
    page.get_by_label("Email").fill("manager@bravo.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{origin}/")
    page.get_by_role("link", name="Claims").first.click()
    assert page.get_by_role("heading", name="Why claims fail the scrubber").is_visible()
    assert page.get_by_text("DOS002").first.is_visible()
    screenshot("claims_queue")
    failing = billing_data[1]
    page.goto(f"{origin}/claims/{failing.pk}/")
    assert page.get_by_text("timely filing").first.is_visible()
    screenshot("claim_detail")
    assert page.console_errors == []


def test_manager_corrects_a_patients_address(world, billing_data, live_url, page, screenshot):
    with schema_context(world.b.schema_name):
        patient = billing_data[0].encounter.patient
    origin = live_url.format(host="bravo.localhost")
    sign_in(page, origin, "manager@bravo.test")
    page.goto(f"{origin}/patients/{patient.pk}/")
    page.get_by_role("link", name="Edit patient").click()
    page.get_by_label("Address line 1").fill("")
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("This field is required.").first.is_visible()
    page.get_by_label("Address line 1").fill("12 Broadway")
    page.get_by_label("City").fill("Saratoga Springs")
    screenshot("patient_edit")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"{origin}/patients/{patient.pk}/")
    assert page.get_by_text("Patient Testcase, Robin updated.").is_visible()
    assert page.get_by_text("12 Broadway, Saratoga Springs, NY").is_visible()
    screenshot("patient_detail_after_edit")
    with schema_context(world.b.schema_name):
        patient.refresh_from_db()
    assert (patient.address_line1, patient.city) == ("12 Broadway", "Saratoga Springs")
    assert page.console_errors == []
