"""Invitations, members and tokens through the pages."""

import re

import pytest

from mso.accounts.models import ApiToken, Invitation, Membership, User

pytestmark = pytest.mark.django_db


def _invite(client, **data):
    response = client.post("/members/", data)
    html = response.content.decode()
    match = re.search(r"http://alpha\.localhost/accounts/invitation/[\w-]+/", html)
    return response, match.group(0).removeprefix("http://alpha.localhost") if match else None


def test_manager_invites_and_new_user_accepts(world, client_for):
    response, link = _invite(
        client_for(world.manager_a, world.a), email="new.nurse@alpha.test", role="provider"
    )
    assert response.status_code == 200 and link
    invitee = client_for(None, world.a)
    assert invitee.get(link).status_code == 200
    short = invitee.post(link, {"full_name": "New Nurse", "password": "short"})
    assert short.status_code == 200 and not User.objects.filter(email="new.nurse@alpha.test")
    response = invitee.post(link, {"full_name": "New Nurse", "password": "A-long-passphrase-42"})
    assert response.status_code == 302
    user = User.objects.get(email="new.nurse@alpha.test")
    assert Membership.objects.get(user=user, practice=world.a).role == "provider"
    assert invitee.get("/").status_code == 200  # signed in on the practice host
    assert client_for(None, world.a).get(link).status_code == 404  # single use


def test_existing_user_accepts_with_own_password(world, client_for):
    from .conftest import PASSWORD

    _, link = _invite(
        client_for(world.manager_a, world.a), email="outsider@nowhere.test", role="provider"
    )
    wrong = client_for(None, world.a).post(link, {"password": "not-their-password"})
    assert wrong.status_code == 200
    assert not Membership.objects.filter(user=world.outsider).exists()
    assert client_for(None, world.a).post(link, {"password": PASSWORD}).status_code == 302
    assert Membership.objects.filter(user=world.outsider, practice=world.a).exists()


def test_invite_bad_input(world, client_for):
    response, link = _invite(
        client_for(world.manager_a, world.a), email="not-an-email", role="provider"
    )
    assert link is None and "email" in response.context["form"].errors
    response, link = _invite(
        client_for(world.manager_a, world.a), email="x@alpha.test", role="mso_admin"
    )
    assert link is None and "role" in response.context["form"].errors
    response, link = _invite(
        client_for(world.manager_a, world.a), email="provider@alpha.test", role="provider"
    )
    assert link is None and "already a member" in response.content.decode()
    assert not Invitation.objects.filter(practice=world.a).exists()


def test_provider_cannot_invite(world, client_for):
    response = client_for(world.provider_a, world.a).post(
        "/members/", {"email": "x@alpha.test", "role": "provider"}
    )
    assert response.status_code == 403


def test_manager_removes_member_but_not_self(world, client_for):
    client = client_for(world.manager_a, world.a)
    provider = Membership.objects.get(user=world.provider_a, practice=world.a)
    own = Membership.objects.get(user=world.manager_a, practice=world.a)
    client.post(f"/members/{own.pk}/remove/")
    assert Membership.objects.filter(pk=own.pk).exists()
    client.post(f"/members/{provider.pk}/remove/")
    assert not Membership.objects.filter(pk=provider.pk).exists()


def test_member_of_other_practice_cannot_be_removed_from_here(world, client_for):
    other = Membership.objects.get(user=world.manager_b, practice=world.b)
    assert (
        client_for(world.manager_a, world.a).post(f"/members/{other.pk}/remove/").status_code == 404
    )
    assert Membership.objects.filter(pk=other.pk).exists()


def test_token_page_shows_secret_once_and_revokes(world, client_for):
    client = client_for(world.manager_a, world.a)
    response = client.post(
        "/tokens/",
        {"name": "Lab feed", "user": world.integrator_a.pk, "scopes": ["locations:read"]},
    )
    html = response.content.decode()
    secret = re.search(r"mso_[0-9a-f]{10}_[\w-]+", html).group(0)
    token = ApiToken.objects.get(name="Lab feed")
    assert secret not in client.get("/tokens/").content.decode()
    client.post(f"/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_form_errors(world, client_for):
    response = client_for(world.manager_a, world.a).post("/tokens/", {"name": "", "scopes": []})
    form = response.context["form"]
    assert {"name", "scopes", "user"} <= set(form.errors)


def test_portal_invitation_for_mso_staff_links_to_portal(world, client_for):
    response = client_for(world.admin, None).post(
        "/users/", {"email": "new.staff@mso.test", "practice": world.a.pk, "role": "mso_staff"}
    )
    assert "http://localhost/accounts/invitation/" in response.content.decode()


def test_location_form_errors_on_page(world, client_for):
    response = client_for(world.manager_a, world.a).post(
        "/locations/",
        {
            "name": "Page Clinic",
            "address_line1": "1 St",
            "city": "Troy",
            "state": "NY",
            "zip_code": "nope",
            "place_of_service": "11",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "zip_code" in response.context["form"].errors
