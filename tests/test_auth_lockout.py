"""Lockout (django-axes) on the portal and practice hosts, for passwords and MFA codes;
cool-off by moving the attempt's time (no sleep); unlock by an MSO admin; password reset."""

import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from mso.accounts import totp
from mso.accounts.choices import Role
from mso.accounts.models import Membership, TotpDevice, User
from mso.audit.models import AuditEvent

from .conftest import PASSWORD, host_of

pytestmark = pytest.mark.django_db


def _member(email, practice, role):
    user = User.objects.create_user(email=email, password=PASSWORD)
    Membership.objects.create(user=user, practice=practice, role=role)
    return user


def _attempt(client, email, password):
    return client.post("/accounts/login/", {"username": email, "password": password})


def _fail(client, email, times):
    return [_attempt(client, email, "wrong-password-1").status_code for _ in range(times)]


def _cool_off_passes():
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))


@pytest.mark.parametrize("where", ["portal", "practice"])
def test_lockout_after_limit_with_cool_off(world, settings, where):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    practice = world.a if where == "practice" else None
    user = (
        _member("lock@alpha.test", world.a, Role.PRACTICE_MANAGER)
        if practice
        else _member("lock@mso.test", world.office, Role.MSO_ADMIN)
    )
    client = Client(HTTP_HOST=host_of(practice))
    assert _fail(client, user.email, 4) == [200] * 4
    response = _attempt(client, user.email, "wrong-password-1")
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.content.decode()
    # Locked: even the right password is refused (and the case of the email does not matter).
    assert _attempt(client, user.email.upper(), PASSWORD).status_code == 429
    # From another address too (the per-user limit).
    other = Client(HTTP_HOST=host_of(practice), REMOTE_ADDR="10.9.9.9")
    assert _attempt(other, user.email, PASSWORD).status_code == 429
    assert AuditEvent.objects.filter(action="session.locked_out", actor_id=user.pk).exists()
    _cool_off_passes()
    assert _attempt(client, user.email, PASSWORD).status_code == 302


def test_other_users_are_not_locked(world):
    victim = _member("victim@alpha.test", world.a, Role.PRACTICE_MANAGER)
    bystander = _member("bystander@alpha.test", world.a, Role.PRACTICE_MANAGER)
    client = Client(HTTP_HOST=host_of(world.a))
    _fail(client, victim.email, 5)
    assert _attempt(client, bystander.email, PASSWORD).status_code == 302


def test_wrong_mfa_codes_count_toward_lockout(world):
    user = _member("mfa-brute@mso.test", world.office, Role.MSO_ADMIN)
    secret = totp.new_secret()
    TotpDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    client = Client(HTTP_HOST="localhost")
    _fail(client, user.email, 2)
    assert _attempt(client, user.email, PASSWORD)["Location"] == "/accounts/mfa/"
    current = totp.code_at_step(secret, totp.step_at(time.time()))
    wrong = f"{(int(current) + 1) % 1_000_000:06d}"
    assert client.post("/accounts/mfa/", {"code": wrong}).status_code == 200
    assert client.post("/accounts/mfa/", {"code": wrong}).status_code == 200
    response = client.post("/accounts/mfa/", {"code": wrong})  # fifth failure in all
    assert response.status_code == 429
    # The pending sign-in is gone and the right code no longer helps.
    assert client.post("/accounts/mfa/", {"code": current}).status_code == 302
    assert client.get("/").status_code == 302
    assert _attempt(client, user.email, PASSWORD).status_code == 429


def test_admin_unlocks_with_command(world):
    user = _member("unlock-me@alpha.test", world.a, Role.PRACTICE_MANAGER)
    client = Client(HTTP_HOST=host_of(world.a))
    _fail(client, user.email, 5)
    out = StringIO()
    call_command("user_unlock", "--list", stdout=out)
    assert user.email in out.getvalue()
    with pytest.raises(CommandError):
        call_command("user_unlock", user.email, "--by", world.manager_a.email, stdout=out)
    call_command("user_unlock", user.email, "--by", world.admin.email, stdout=out)
    assert _attempt(client, user.email, PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action="session.unlock")
    assert event.actor_id == world.admin.pk and event.changes["username"] == user.email


def test_password_reset_does_not_bypass_mfa(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = _member("reset@mso.test", world.office, Role.MSO_ADMIN)
    secret = totp.new_secret()
    TotpDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    client = Client(HTTP_HOST="localhost")
    response = client.post("/accounts/password-reset/", {"email": user.email})
    assert response["Location"] == "/accounts/password-reset/sent/"
    link = re.search(r"http://localhost(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    new_password = "Another-long-passphrase-7"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response["Location"] == "/accounts/reset/done/"
    # No session came with the reset...
    assert client.get("/").status_code == 302
    # ...and signing in with the new password still stops at the code step.
    response = _attempt(client, user.email, new_password)
    assert response["Location"] == "/accounts/mfa/"
    assert client.get("/").status_code == 302
    code = totp.code_at_step(secret, totp.step_at(time.time()))
    assert client.post("/accounts/mfa/", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="user.password_reset", actor_id=user.pk).exists()


def test_password_reset_for_unknown_email_looks_the_same(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = Client(HTTP_HOST="localhost").post(
        "/accounts/password-reset/", {"email": "nobody@nowhere.test"}
    )
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def _invite_existing(world, user):
    from mso.accounts.services import invitation_create

    _, secret = invitation_create(
        actor=world.admin, email=user.email, practice=world.a, role=Role.PROVIDER
    )
    return f"/accounts/invitation/{secret}/"


def test_invitation_password_guesses_count_toward_lockout(world, settings):
    """Accepting an invitation as an existing account checks its password: wrong guesses
    there lock the account like wrong sign-in passwords, and then even the right one fails."""
    user = _member("invitee-guess@bravo.test", world.b, Role.PRACTICE_MANAGER)
    url, client = _invite_existing(world, user), Client(HTTP_HOST="alpha.localhost")
    codes = [
        client.post(url, {"password": f"wrong-{i}", "full_name": ""}).status_code
        for i in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert codes[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1) and codes[-1] == 429
    assert client.post(url, {"password": PASSWORD, "full_name": ""}).status_code == 429
    assert not Membership.objects.filter(user=user, practice=world.a).exists()


def test_locked_account_cannot_accept_an_invitation(world, settings):
    user = _member("invitee-locked@bravo.test", world.b, Role.PRACTICE_MANAGER)
    _fail(Client(HTTP_HOST=host_of(world.b)), user.email, settings.AXES_FAILURE_LIMIT)
    client = Client(HTTP_HOST="alpha.localhost")
    response = client.post(_invite_existing(world, user), {"password": PASSWORD})
    assert response.status_code == 429
    assert not Membership.objects.filter(user=user, practice=world.a).exists()
