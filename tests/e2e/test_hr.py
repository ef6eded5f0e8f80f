"""The workforce in the browser: a practice manager adds an employee, who is screened at once."""

import pytest
from playwright.sync_api import expect

from tests.e2e.cleanup import empty_practice_tables
from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture(scope="module", autouse=True)
def _empty_b_afterwards(world, django_db_blocker):
    """What the live server commits into practice B goes again with the module."""
    yield
    with django_db_blocker.unblock():
        empty_practice_tables(world.b.schema_name)


def test_manager_adds_an_employee(world, live_url, page, screenshot):
    origin = live_url.format(host="bravo.localhost")
    sign_in(page, origin, world.manager_b.email)
    page.get_by_role("link", name="Employees").click()
    page.get_by_label("First name").fill("Ivy")
    page.get_by_label("Last name").fill("Castellanos")
    page.get_by_role("button", name="Add and screen").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    page.get_by_label("Birth date").fill("1991-08-14")
    page.get_by_label("Job title").fill("Medical assistant")
    page.get_by_label("Department").select_option("clinical_support")
    page.get_by_label("Hire date").fill("2026-11-02")
    page.get_by_label("SSN").fill("219-09-9999")
    page.get_by_role("button", name="Add and screen").click()
    expect(page.get_by_text("Ivy Castellanos added and screened.")).to_be_visible()
    expect(page.get_by_role("link", name="Ivy Castellanos")).to_be_visible()
    screenshot("employees")
    page.get_by_role("link", name="Ivy Castellanos").click()
    expect(page.get_by_text("***-**-9999")).to_be_visible()
    assert "219-09" not in page.content()
    assert page.console_errors == []
