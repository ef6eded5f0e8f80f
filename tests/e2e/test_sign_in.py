"""Browser tests in headless Chromium against a live server (practice hosts on *.localhost)."""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.signin import sign_in

# django_db: the test database must exist; the server thread sees the session's committed data.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_practice_manager_signs_in_and_sees_practice_home(world, live_url, page, screenshot):
    origin = live_url.format(host="alpha.localhost")
    page.goto(f"{origin}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Email").fill("manager@alpha.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{origin}/")
    assert page.get_by_role("heading", name="Alpha Medical Group, P.C.").is_visible()
    assert page.get_by_text("Dr. Test Owner").first.is_visible()
    assert page.get_by_role("link", name="Locations").is_visible()
    assert page.get_by_role("link", name="API tokens").is_visible()
    assert screenshot("practice_home").stat().st_size > 10_000
    assert page.console_errors == []  # includes CSP violations


def test_manager_of_alpha_cannot_sign_in_on_bravo(world, live_url, page):
    origin = live_url.format(host="bravo.localhost")
    page.goto(f"{origin}/accounts/login/")
    page.get_by_label("Email").fill("manager@alpha.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("no access to Bravo").is_visible()


def test_mso_admin_portal(world, live_url, page, screenshot):
    origin = live_url.format(host="localhost")
    sign_in(page, origin, "admin@mso.test")
    assert page.get_by_role("link", name="Onboard a practice").first.is_visible()
    assert page.get_by_text("Alpha Medical Group, P.C.").first.is_visible()
    screenshot("portal_home")
    page.get_by_role("link", name="Onboard a practice").first.click()
    page.get_by_label("Legal name").fill("Golf Orthopedics, P.C.")
    page.get_by_label("Sub-domain").fill("golf")
    page.get_by_label("State of incorporation").select_option("NY")
    page.get_by_label("Group NPI").fill("1234567890")  # bad check digit
    page.get_by_label("TIN (EIN)").fill("12-3456789")
    page.get_by_role("button", name="Continue to owners").click()
    assert page.get_by_text("valid check digit").is_visible()
    screenshot("onboarding_error")
    assert page.console_errors == []
