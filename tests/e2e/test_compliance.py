"""Exclusion screening in the browser: a practice manager screens the practice, reviews the
match and records the decision."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from compliance.services import policy_create
from mso.reference.models import ExclusionEntry, ExclusionList
from mso.reference.services import exclusion_list_import
from tests.billing.conftest import make_clinic
from tests.compliance.leie_files import leie_csv, person
from tests.e2e.cleanup import empty_practice_tables
from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture(scope="module")
def listed_in_b(world, django_db_blocker):
    """Committed: a provider and a policy in practice B, and an exclusion list naming that
    provider's NPI. Removed again when the module is done."""
    with django_db_blocker.unblock():
        with schema_context(world.b.schema_name):
            connection.tenant = world.b
            clinic = make_clinic(world)
            policy_create(
                actor=world.admin,
                data={
                    "code": "HIPAA-SEC-02",
                    "title": "Workstation and device security",
                    "category": "security",
                    "effective_on": timezone.localdate(),
                    "body": "Screens lock after five minutes; PHI is never stored on USB drives.",
                },
            )
        exclusion_list_import(
            actor=world.admin,
            file_name="UPDATED.csv",
            content=leie_csv(
                person("Provider", "Patricia", NPI=clinic.provider.npi, CITY="UTICA", STATE="NY")
            ),
        )
    yield clinic
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        empty_practice_tables(world.b.schema_name)
        # Raw SQL: the ORM's delete would look for screenings (tenant tables) in public.
        for model in (ExclusionEntry, ExclusionList):
            cursor.execute(f'DELETE FROM public."{model._meta.db_table}"')


def test_manager_screens_and_clears_a_match(world, listed_in_b, live_url, page, screenshot):
    origin = live_url.format(host="bravo.localhost")
    sign_in(page, origin, "manager@bravo.test")
    page.get_by_role("link", name="Compliance").click()
    page.get_by_role("button", name="Screen now").click()
    expect(page.get_by_text("match(es)").first).to_be_visible()
    expect(page.get_by_text("Provider, Patricia")).to_be_visible()
    screenshot("compliance_screening")
    page.get_by_label("Decision for Pat Provider").select_option("cleared")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Not saved.")).to_be_visible()  # a decision needs its reason
    page.get_by_label("Decision for Pat Provider").select_option("cleared")
    page.get_by_label("How you decided about Pat Provider").fill(
        "NPPES shows a different first name and practice location; not our provider."
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Pat Provider: decision recorded.")).to_be_visible()
    expect(page.get_by_text("Nothing to review")).to_be_visible()
    screenshot("compliance_decided")
    assert page.console_errors == []


def test_admin_imports_the_exclusion_list(world, listed_in_b, live_url, page, screenshot, tmp_path):
    origin = live_url.format(host="localhost")
    sign_in(page, origin, world.admin.email)
    page.get_by_role("link", name="Exclusion list").click()
    bad = tmp_path / "not-leie.csv"
    bad.write_text("NAME,NPI\r\nSomeone,1\r\n")
    page.get_by_label("LEIE file (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Import list").click()
    expect(page.get_by_text("Line 1: the header must be")).to_be_visible()
    good = tmp_path / "UPDATED-2026-11.csv"
    good.write_bytes(leie_csv(person("Synthetic", "Listed"), person("Another", "Listed")))
    page.get_by_label("LEIE file (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Import list").click()
    expect(page.get_by_text("Exclusion list imported")).to_be_visible()
    expect(page.get_by_role("cell", name="UPDATED-2026-11.csv")).to_be_visible()
    screenshot("exclusion_list")
    page.get_by_role("link", name="Compliance").click()
    expect(page.get_by_role("heading", name="Compliance across practices")).to_be_visible()
    expect(page.get_by_role("link", name="Bravo Medical Group, P.C.")).to_be_visible()
    screenshot("compliance_overview")
    assert page.console_errors == []


def test_manager_records_a_license_due_for_renewal(world, listed_in_b, live_url, page, screenshot):
    origin = live_url.format(host="bravo.localhost")
    sign_in(page, origin, "manager@bravo.test")
    page.get_by_role("link", name="Credentials").click()
    page.get_by_label("Provider").select_option(label="Pat Provider, MD")
    page.get_by_label("Kind").select_option("state_license")
    page.get_by_label("Number").fill("284411")
    page.get_by_role("button", name="Add credential").click()
    expect(page.get_by_text("A state license or registration needs its state.")).to_be_visible()
    page.get_by_label("State").select_option("NY")
    expires = timezone.localdate() + timedelta(days=40)
    page.get_by_label("Expires on").fill(expires.isoformat())
    page.get_by_role("button", name="Add credential").click()
    expect(page.get_by_text("added for Pat Provider")).to_be_visible()
    expect(page.get_by_role("cell", name="Expiring")).to_be_visible()
    screenshot("credentials")
    assert page.console_errors == []


def test_manager_works_a_breach(world, listed_in_b, live_url, page, screenshot):
    origin = live_url.format(host="bravo.localhost")
    sign_in(page, origin, "manager@bravo.test")
    page.get_by_role("link", name="Incidents & breaches").click()
    page.get_by_label("Title").fill("Statements mailed to the wrong addresses")
    page.get_by_label("Description").fill("A print-vendor merge error; 14 statements affected.")
    page.get_by_label("Category").select_option("misdirected")
    page.get_by_label("Discovered on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Record incident").click()
    expect(page.get_by_text("Incident recorded: assess it now.")).to_be_visible()
    page.get_by_label("Protected health information was involved").check()
    page.get_by_label("Individuals affected").fill("14")
    page.get_by_label("1. Nature and extent of the PHI").fill("Names, addresses, balances due.")
    page.get_by_label("2. Who received or used it").fill("Other patients of the practice.")
    page.get_by_label("3. Whether it was actually acquired or viewed").fill("Opened by some.")
    page.get_by_label("4. How far the risk was mitigated").fill("Recipients asked to destroy.")
    page.get_by_label("Breach: notices due").check()
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_role("heading", name="Notices due")).to_be_visible()
    expect(page.get_by_role("cell", name="Affected individuals")).to_be_visible()
    screenshot("incident_breach")
    assert page.console_errors == []


def test_manager_attests_from_the_home_page(world, listed_in_b, live_url, page, screenshot):
    origin = live_url.format(host="bravo.localhost")
    sign_in(page, origin, world.manager_b.email)
    expect(page.get_by_text("Compliance to do")).to_be_visible()
    screenshot("home_compliance_todo")
    page.get_by_role("link", name="1 policy version(s) to read and attest").click()
    page.get_by_role("link", name="Workstation and device security").click()
    page.get_by_role("button", name="I have read and will follow this version").click()
    expect(page.get_by_text("You attested to HIPAA-SEC-02 v1.")).to_be_visible()
    screenshot("policy_attested")
    assert page.console_errors == []
