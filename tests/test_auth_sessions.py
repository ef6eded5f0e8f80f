"""Session limits enforced on the server: idle timeout, absolute lifetime, sessions ended
when a user is disabled or loses a membership; production cookie and HSTS settings."""

import json
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from mso.accounts import services
from mso.accounts.choices import Role
from mso.accounts.exceptions import AccountsError
from mso.accounts.models import Membership, User, UserSession
from mso.accounts.sessions import AUTH_AT_KEY, SEEN_AT_KEY
from mso.audit.models import AuditEvent

from .conftest import PASSWORD, host_of

pytestmark = pytest.mark.django_db


def _shift(client, key, seconds):
    session = client.session
    session[key] -= seconds
    session.save()


def test_settings_defaults(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 15 * 60
    assert settings.SESSION_ABSOLUTE_LIFETIME == 12 * 3600
    assert settings.SESSION_COOKIE_AGE <= settings.SESSION_ABSOLUTE_LIFETIME


def test_idle_timeout_signs_out_with_message(world, client_for, settings):
    client = client_for(world.manager_a, world.a)
    _shift(client, SEEN_AT_KEY, settings.SESSION_IDLE_TIMEOUT - 30)
    assert client.get("/").status_code == 200  # still within the limit: and activity resets it
    _shift(client, SEEN_AT_KEY, settings.SESSION_IDLE_TIMEOUT - 30)
    assert client.get("/").status_code == 200
    _shift(client, SEEN_AT_KEY, settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get("/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "signed out after 15 minutes of inactivity" in response.content.decode()
    assert client.get("/").status_code == 302
    event = AuditEvent.objects.get(action="session.expired", actor_id=world.manager_a.pk)
    assert event.changes == {"reason": "idle"}


def test_absolute_lifetime_ends_an_active_session(world, client_for, settings):
    client = client_for(world.admin, None)
    _shift(client, AUTH_AT_KEY, settings.SESSION_ABSOLUTE_LIFETIME + 1)
    response = client.get("/", follow=True)
    assert "12-hour limit" in response.content.decode()
    assert client.get("/").status_code == 302


def test_api_session_times_out_too(world, client_for, settings):
    client = client_for(world.manager_a, world.a)
    assert client.get("/api/v1/me/").status_code == 200
    _shift(client, SEEN_AT_KEY, settings.SESSION_IDLE_TIMEOUT + 1)
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_session_without_sign_in_markers_is_refused(world):
    client = Client(HTTP_HOST="localhost")
    client.force_login(world.admin, backend="mso.accounts.backends.EmailBackend")
    assert client.get("/").status_code == 302


def _signed_in(user, practice):
    client = Client(HTTP_HOST=host_of(practice))
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response["Location"] == "/"
    return client


def test_disabled_users_sessions_end(world):
    user = User.objects.create_user(email="leaver@alpha.test", password=PASSWORD)
    Membership.objects.create(user=user, practice=world.a, role=Role.PROVIDER)
    first, second = _signed_in(user, world.a), _signed_in(user, world.a)
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    assert len(keys) == 2 and Session.objects.filter(session_key__in=keys).count() == 2
    with pytest.raises(AccountsError):
        services.user_deactivate(actor=world.manager_a, user=user)
    services.user_deactivate(actor=world.admin, user=user)
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert first.get("/").status_code == 302 and second.get("/").status_code == 302
    event = AuditEvent.objects.get(action="session.end_all", object_id=str(user.pk))
    assert event.changes["sessions"] == 2 and event.changes["reason"] == "account disabled"
    response = Client(HTTP_HOST=host_of(world.a)).post(
        "/accounts/login/", {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200


def test_removed_members_sessions_end(world):
    user = User.objects.create_user(email="moved@alpha.test", password=PASSWORD)
    membership = Membership.objects.create(user=user, practice=world.a, role=Role.PROVIDER)
    client = _signed_in(user, world.a)
    services.membership_revoke(actor=world.manager_a, membership=membership)
    assert client.get("/").status_code == 302
    assert not UserSession.objects.filter(user=user).exists()


def test_sign_out_forgets_the_session(world):
    user = User.objects.create_user(email="bye@alpha.test", password=PASSWORD)
    Membership.objects.create(user=user, practice=world.a, role=Role.PROVIDER)
    client = _signed_in(user, world.a)
    client.post("/accounts/logout/")
    assert not UserSession.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="session.sign_out", actor_id=user.pk).exists()


_PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({k: getattr(s, k) for k in (
    "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "SESSION_COOKIE_DOMAIN",
    "CSRF_COOKIE_DOMAIN", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_HTTPONLY", "DEBUG")}))
"""


def _production_settings(**env):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mso.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        # Production refuses to start without field-encryption keys (tests/test_encryption_keys).
        "MSO_FIELD_KEYS": Fernet.generate_key().decode(),
        "MSO_FIELD_HASH_KEY": Fernet.generate_key().decode(),
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", _PRODUCTION_PROBE],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_and_hsts():
    values = _production_settings()
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    # __Host- cookies must be Secure and carry no Domain: each host keeps its own cookie.
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_DOMAIN"] is None and values["CSRF_COOKIE_DOMAIN"] is None
    assert values["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert values["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert values["SESSION_COOKIE_HTTPONLY"] and not values["DEBUG"]
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert _production_settings(SECURE_SSL_REDIRECT="false")["SECURE_SSL_REDIRECT"] is False


def test_host_cookie_is_set_per_host_without_domain(world, settings):
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.SESSION_COOKIE_SECURE = True
    user = User.objects.create_user(email="cookie@alpha.test", password=PASSWORD)
    Membership.objects.create(user=user, practice=world.a, role=Role.PROVIDER)
    client = Client(HTTP_HOST=host_of(world.a), **{"wsgi.url_scheme": "https"})
    response = client.post(
        "/accounts/login/", {"username": user.email, "password": PASSWORD}, secure=True
    )
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    assert client.get("/", secure=True).status_code == 200


def test_handoff_keeps_the_portal_sign_in_time(world, client_for, settings):
    """Opening a practice from the portal gives a practice-host session whose absolute
    lifetime counts from the portal sign-in, not from the hand-off."""
    import time

    portal = client_for(world.staff, None)
    session = portal.session
    signed_in = time.time() - settings.SESSION_ABSOLUTE_LIFETIME + 120  # 2 minutes left
    session[AUTH_AT_KEY] = signed_in
    session.save()
    response = portal.post(f"/practices/{world.a.pk}/open/")
    assert response.status_code == 302
    path = response["Location"][response["Location"].index("/accounts/handoff/") :]
    practice = Client(HTTP_HOST=host_of(world.a))
    assert practice.get(path).status_code == 302
    assert abs(practice.session[AUTH_AT_KEY] - signed_in) < 1


def test_admin_disables_enables_and_unlocks_from_the_users_page(world, client_for, settings):
    user = User.objects.create_user(email="to-disable@alpha.test", password=PASSWORD)
    Membership.objects.create(user=user, practice=world.a, role=Role.PROVIDER)
    practice = Client(HTTP_HOST=host_of(world.a))
    practice.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert practice.get("/").status_code == 200
    admin = client_for(world.admin, None)
    admin.post(f"/users/{user.pk}/disable/")
    user.refresh_from_db()
    assert not user.is_active and practice.get("/").status_code == 302  # session ended
    admin.post(f"/users/{user.pk}/enable/")
    user.refresh_from_db()
    assert user.is_active
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client(HTTP_HOST=host_of(world.a)).post(
            "/accounts/login/", {"username": user.email, "password": "wrong-password-1"}
        )
    assert "Locked" in admin.get("/users/").content.decode()
    admin.post(f"/users/{user.pk}/unlock/")
    assert "Locked" not in admin.get("/users/").content.decode()
    relogin = Client(HTTP_HOST=host_of(world.a))
    relogin.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert relogin.get("/").status_code == 200
    assert client_for(world.staff, None).post(f"/users/{user.pk}/disable/").status_code == 403
    assert admin.post(f"/users/{user.pk}/erase/").status_code == 404


def test_admin_resets_a_lost_authenticator(world, client_for):
    """An MSO user who lost their phone: an admin resets two-step verification on the users
    page; the next sign-in enrols a new device (MSO roles cannot skip it)."""
    from mso.accounts import totp
    from mso.accounts.models import RecoveryCode, TotpDevice

    user = User.objects.create_user(email="lost-phone@mso.test", password=PASSWORD)
    Membership.objects.create(user=user, practice=world.office, role=Role.MSO_STAFF)
    TotpDevice.objects.create(user=user, secret=totp.new_secret(), confirmed_at=timezone.now())
    admin = client_for(world.admin, None)
    assert "Reset two-step" in admin.get("/users/").content.decode()
    admin.post(f"/users/{user.pk}/reset-mfa/")
    assert not TotpDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="mfa.disable", object_id=str(user.pk)).exists()
    portal = Client(HTTP_HOST="localhost")
    response = portal.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert "/accounts/mfa/setup/" in response["Location"]
