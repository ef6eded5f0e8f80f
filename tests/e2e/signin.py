"""Sign in through the real pages, second factor included (e2e tests)."""

import time

from mso.accounts import totp
from mso.accounts.models import TotpDevice
from tests.conftest import PASSWORD


def _next_code(secret: str, last_step: int) -> str:
    """A code the server will accept: the current step's, or, if that one was already used
    (two sign-ins within 30 s), the next step's (accepted for clock drift)."""
    step = totp.step_at(time.time())
    if last_step >= step + totp.DRIFT_STEPS:
        time.sleep((last_step - step) * totp.STEP_SECONDS + 1)
        step = totp.step_at(time.time())
    return totp.code_at_step(secret, max(step, last_step + 1))


def sign_in(page, origin: str, email: str, password: str = PASSWORD) -> None:
    """Password step, then the code step or (first sign-in of an MSO user) enrolment."""
    page.goto(f"{origin}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/mfa/setup/" in page.url:
        secret = page.get_by_test_id("mfa-secret").inner_text().replace(" ", "")
        page.get_by_label("Code from the app").fill(_next_code(secret, 0))
        page.get_by_role("button", name="Confirm and continue").click()
        page.get_by_role("link", name="I saved them — continue").click()
    elif "/accounts/mfa/" in page.url:
        device = TotpDevice.objects.get(user__email=email, confirmed_at__isnull=False)
        page.get_by_label("Code").fill(_next_code(device.secret.reveal(), device.last_step))
        page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{origin}/")
