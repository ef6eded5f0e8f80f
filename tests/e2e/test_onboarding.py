"""The onboarding wizard end to end: browser, live server, a real Celery worker on Redis."""

import pytest
from celery.contrib.testing.worker import start_worker

from mso.celery import app
from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db]


def test_admin_onboards_practice_and_watches_it_become_ready(
    world, live_url, page, screenshot, django_db_blocker
):
    portal = live_url.format(host="localhost")
    sign_in(page, portal, "admin@mso.test")

    page.goto(f"{portal}/practices/new/")
    page.get_by_label("Legal name").fill("Hotel Family Practice, P.C.")
    page.get_by_label("Sub-domain").fill("hotel")
    page.get_by_label("State of incorporation").select_option("NJ")
    page.get_by_label("Group NPI").fill("1000000996")  # unique: this practice is committed
    page.get_by_label("TIN (EIN)").fill("22-3456789")
    page.get_by_role("button", name="Continue to owners").click()
    page.wait_for_url(f"{portal}/practices/new/owners/")

    page.locator("[name=owners-0-full_name]").fill("Dr. Helen Park")
    page.locator("[name=owners-0-license_state]").select_option("NJ")
    page.locator("[name=owners-0-license_number]").fill("25MA01234")
    page.locator("[name=owners-0-license_expiry]").fill("2029-06-30")
    page.locator("[name=owners-0-share_percent]").fill("100")
    with django_db_blocker.unblock():
        app.control.purge()
        with start_worker(
            app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10
        ):
            page.get_by_role("button", name="Create practice").click()
            page.wait_for_url(f"{portal}/practices/*/")
            # The progress partial polls until the job finishes, then reloads the page,
            # which now shows the practice as ready with its "Open practice" button.
            page.get_by_role("button", name="Open practice").wait_for(timeout=30_000)
    assert page.get_by_text("Ready", exact=True).first.is_visible()
    screenshot("onboarding_ready")
    page.get_by_role("button", name="Open practice").click()
    page.wait_for_url(live_url.format(host="hotel.localhost") + "/")
    assert page.get_by_role("heading", name="Hotel Family Practice, P.C.").is_visible()
    assert page.get_by_text("Dr. Helen Park").first.is_visible()
    screenshot("onboarded_practice_home")
    assert page.console_errors == []
