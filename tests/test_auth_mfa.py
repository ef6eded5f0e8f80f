"""Second factor through the real sign-in pages (no force_login): required for MSO roles,
optional for practice roles, codes used once, recovery codes, re-enrolment."""

import re
import time

import pytest
from django.test import Client

from mso.accounts import totp
from mso.accounts.choices import Role
from mso.accounts.models import Membership, RecoveryCode, TotpDevice, User
from mso.audit.models import AuditEvent

from .conftest import PASSWORD, host_of
from .test_pages import PORTAL_PAGES, PRACTICE_PAGES

pytestmark = pytest.mark.django_db


def _member(email: str, practice, role: str) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD)
    Membership.objects.create(user=user, practice=practice, role=role)
    return user


@pytest.fixture
def mso_admin(world):
    return _member("new-admin@mso.test", world.office, Role.MSO_ADMIN)


@pytest.fixture
def mso_staff(world):
    return _member("new-staff@mso.test", world.a, Role.MSO_STAFF)


def _password_step(user: User, practice=None) -> tuple[Client, str]:
    client = Client(HTTP_HOST=host_of(practice))
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client, response["Location"]


def _code(secret: str, offset_steps: int = 0) -> str:
    return totp.code_at_step(secret, totp.step_at(time.time()) + offset_steps)


def _enrol(client: Client) -> tuple[str, list[str]]:
    """Complete enrolment on the set-up page; returns the secret and the recovery codes."""
    html = client.get("/accounts/mfa/setup/").content.decode()
    secret = re.search(r'data-testid="mfa-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    response = client.post("/accounts/mfa/setup/", {"code": _code(secret)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([A-Z0-9-]{19})</code>", response.content.decode())
    return secret, codes


def _enrolled(user: User) -> str:
    secret = totp.new_secret()
    from django.utils import timezone

    TotpDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return secret


@pytest.mark.parametrize("role_fixture", ["mso_admin", "mso_staff"])
def test_mso_role_without_device_is_sent_to_enrolment_and_reaches_nothing_else(
    world, request, role_fixture
):
    user = request.getfixturevalue(role_fixture)
    client, location = _password_step(user)
    assert location == "/accounts/mfa/setup/"
    for path in [*PORTAL_PAGES, "/accounts/security/", "/api/v1/me/"]:
        response = client.get(path)
        assert response.status_code in (302, 401, 403), path
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), path
    # The set-up page shows an inline SVG QR code and the key; no script.
    html = client.get("/accounts/mfa/setup/").content.decode()
    assert "<svg" in html and "mfa-secret" in html and "<script>" not in html
    _, codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(actor_id=user.pk, action="mfa.enrol").exists()
    event = AuditEvent.objects.filter(actor_id=user.pk, action="session.sign_in").get()
    assert event.changes == {"method": "totp"}


def test_mso_user_with_device_must_enter_code_before_any_page(world, mso_admin):
    secret = _enrolled(mso_admin)
    client, location = _password_step(mso_admin)
    assert location == "/accounts/mfa/"
    for path in PORTAL_PAGES:
        assert client.get(path).status_code == 302, path
    assert client.get("/accounts/mfa/setup/")["Location"] == "/accounts/mfa/"  # no way around
    response = client.post("/accounts/mfa/", {"code": _code(secret)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_mso_user_on_practice_host_also_needs_code(world, mso_staff):
    secret = _enrolled(mso_staff)
    client, location = _password_step(mso_staff, world.a)
    assert location == "/accounts/mfa/"
    for path in PRACTICE_PAGES:
        assert client.get(path).status_code == 302, path
    client.post("/accounts/mfa/", {"code": _code(secret)})
    assert client.get("/patients/").status_code == 200


def test_wrong_and_replayed_codes_are_refused(world, mso_admin):
    secret = _enrolled(mso_admin)
    client, _ = _password_step(mso_admin)
    wrong = f"{(int(_code(secret)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/mfa/", {"code": wrong})
    assert response.status_code == 200 and "not valid" in response.content.decode()
    assert client.get("/").status_code == 302
    code = _code(secret)
    assert client.post("/accounts/mfa/", {"code": code}).status_code == 302
    # The same code (same 30-second step) a second time, in another sign-in: refused.
    again, _ = _password_step(mso_admin)
    response = again.post("/accounts/mfa/", {"code": code})
    assert response.status_code == 200 and "not valid" in response.content.decode()
    assert again.get("/").status_code == 302
    # A code from outside the drift window is refused too.
    third, _ = _password_step(mso_admin)
    assert third.post("/accounts/mfa/", {"code": _code(secret, 5)}).status_code == 200
    assert AuditEvent.objects.filter(actor_id=mso_admin.pk, action="mfa.verify_failed").count() == 3


def test_recovery_code_works_once(world, mso_admin):
    client, _ = _password_step(mso_admin)
    _, codes = _enrol(client)
    assert RecoveryCode.objects.filter(user=mso_admin).count() == 10
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()  # stored hashed
    first, _ = _password_step(mso_admin)
    assert first.post("/accounts/mfa/", {"code": codes[0].lower()}).status_code == 302
    assert first.get("/").status_code == 200
    second, _ = _password_step(mso_admin)
    response = second.post("/accounts/mfa/", {"code": codes[0]})
    assert response.status_code == 200
    assert second.get("/").status_code == 302
    assert second.post("/accounts/mfa/", {"code": codes[1]}).status_code == 302


def test_practice_role_signs_in_without_mfa_and_can_enrol_then_is_asked(world):
    user = _member("opt-in@alpha.test", world.a, Role.PRACTICE_MANAGER)
    client, location = _password_step(user, world.a)
    assert location == "/"
    assert client.get("/").status_code == 200
    page = client.get("/accounts/security/").content.decode()
    assert "Set up two-step verification" in page
    secret, codes = _enrol(client)
    assert len(codes) == 10
    assert client.get("/").status_code == 200  # still signed in after enrolling
    later, location = _password_step(user, world.a)
    assert location == "/accounts/mfa/"
    assert later.get("/").status_code == 302
    assert later.post("/accounts/mfa/", {"code": _code(secret, 1)}).status_code == 302
    # Turning it off needs a current code; then sign-in is password-only again.
    response = later.post("/accounts/security/", {"action": "disable", "code": "000000"})
    assert "not valid" in response.content.decode()
    assert TotpDevice.objects.filter(user=user).exists()
    later.post("/accounts/security/", {"action": "disable", "code": codes[0]})
    assert not TotpDevice.objects.filter(user=user).exists()
    assert _password_step(user, world.a)[1] == "/"
    actions = set(AuditEvent.objects.filter(actor_id=user.pk).values_list("action", flat=True))
    assert {"mfa.enrol", "mfa.verify", "mfa.verify_failed", "mfa.disable"} <= actions


def test_mso_role_cannot_turn_mfa_off_but_can_re_enrol(world, mso_admin):
    client, _ = _password_step(mso_admin)
    old_secret, codes = _enrol(client)
    response = client.post("/accounts/security/", {"action": "disable", "code": codes[0]})
    assert "required for MSO roles" in response.content.decode()
    assert TotpDevice.objects.filter(user=mso_admin, confirmed_at__isnull=False).exists()
    # Re-enrolment without a current code is refused...
    assert client.get("/accounts/mfa/setup/")["Location"] == "/accounts/security/"
    # ...and with one it replaces the device.
    response = client.post("/accounts/security/", {"action": "reenrol", "code": codes[1]})
    assert response["Location"] == "/accounts/mfa/setup/"
    new_secret, new_codes = _enrol(client)
    assert new_secret != old_secret and set(new_codes).isdisjoint(codes)
    device = TotpDevice.objects.get(user=mso_admin)
    assert device.secret == new_secret and device.confirmed_at is not None


def test_recovery_codes_regenerate_needs_code_and_cancels_old_ones(world, mso_admin):
    client, _ = _password_step(mso_admin)
    _, codes = _enrol(client)
    response = client.post("/accounts/security/", {"action": "recovery", "code": codes[0]})
    fresh = re.findall(r"<code>([A-Z0-9-]{19})</code>", response.content.decode())
    assert len(fresh) == 10 and set(fresh).isdisjoint(codes)
    other, _ = _password_step(mso_admin)
    assert other.post("/accounts/mfa/", {"code": codes[1]}).status_code == 200
    assert other.post("/accounts/mfa/", {"code": fresh[0]}).status_code == 302


def test_pending_sign_in_expires(world, mso_admin, settings):
    secret = _enrolled(mso_admin)
    client, _ = _password_step(mso_admin)
    session = client.session
    session["mso_pending"]["at"] -= settings.MFA_PENDING_LIFETIME + 1
    session.save()
    response = client.post("/accounts/mfa/", {"code": _code(secret)})
    assert response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_sign_in_gets_a_new_session_id(world, mso_admin):
    secret = _enrolled(mso_admin)
    client = Client(HTTP_HOST="localhost")
    client.get("/accounts/login/")
    client.cookies["sessionid"] = "attacker-chosen-session-id-0000000000"
    client.post("/accounts/login/", {"username": mso_admin.email, "password": PASSWORD})
    pending_key = client.cookies["sessionid"].value
    assert pending_key != "attacker-chosen-session-id-0000000000"
    client.post("/accounts/mfa/", {"code": _code(secret)})
    assert client.cookies["sessionid"].value != pending_key  # cycled again at login
    assert client.get("/").status_code == 200


def test_handoff_carries_the_verified_session_to_the_practice_host(world, mso_admin):
    secret = _enrolled(mso_admin)
    client, _ = _password_step(mso_admin)
    client.post("/accounts/mfa/", {"code": _code(secret)})
    target = client.post(f"/practices/{world.a.pk}/open/")["Location"]
    practice_client = Client(HTTP_HOST=host_of(world.a))
    practice_client.get(target.removeprefix("http://alpha.localhost"))
    assert practice_client.get("/").status_code == 200


def test_api_token_auth_is_unaffected(world):
    from mso.accounts.services import token_create

    _, plain = token_create(
        actor=world.manager_a,
        practice=world.a,
        user=world.integrator_a,
        name="EHR",
        scopes=["practice:read"],
    )
    response = Client(HTTP_HOST=host_of(world.a)).get(
        "/api/v1/practice/", HTTP_AUTHORIZATION=f"Token {plain}"
    )
    assert response.status_code == 200


def test_totp_core_accepts_drift_and_refuses_used_steps():
    secret = totp.new_secret()
    now = 1_700_000_000.0
    step = totp.step_at(now)
    assert (
        totp.matching_step(secret, totp.code_at_step(secret, step - 1), timestamp=now, after_step=0)
        == step - 1
    )
    assert (
        totp.matching_step(secret, totp.code_at_step(secret, step + 2), timestamp=now, after_step=0)
        is None
    )
    assert (
        totp.matching_step(secret, totp.code_at_step(secret, step), timestamp=now, after_step=step)
        is None
    )
    assert totp.matching_step(secret, "12345", timestamp=now, after_step=0) is None


def test_totp_secret_is_encrypted_at_rest(world):
    from django.db import connection

    user = User.objects.create_user(email="totp-at-rest@mso.test", password="x-Long-enough-9")
    secret = _enrolled(user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE user_id = %s", [user.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("enc1:") and secret not in stored
    device = TotpDevice.objects.get(user=user)
    assert device.secret.reveal() == secret and secret not in repr(device.secret)
