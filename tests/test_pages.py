"""Pages: each portal renders for the roles that may see it, and refuses the others."""

import pytest

pytestmark = pytest.mark.django_db

_CONTRACTS = ["/contracts/", "/contracts/rules-and-costs/", "/fees/", "/invoices/"]
PORTAL_PAGES = [
    "/",
    "/dashboard/",
    "/practices/",
    "/practices/new/",
    "/users/",
    "/audit/",
    "/finance/",
    "/accounts/security/",
    "/emergency/",
    "/emergency/review/",
    "/exclusion-list/",
    "/compliance/",
    *_CONTRACTS,
]
PRACTICE_PAGES = [
    "/",
    "/locations/",
    "/members/",
    "/tokens/",
    "/patients/",
    "/providers/",
    "/encounters/",
    "/encounters/new/",
    "/coding-queries/",
    "/claims/",
    "/batches/",
    "/acknowledgements/",
    "/remittances/",
    "/denials/",
    "/dashboard/",
    "/statements/",
    "/invoices/",
    "/compliance/",
    "/compliance/credentials/",
    "/compliance/incidents/",
    "/compliance/policies/",
    "/hr/employees/",
    "/accounts/security/",
    "/emergency/",
]
_BILLING_VIEW = {
    "/encounters/",
    "/coding-queries/",
    "/claims/",
    "/batches/",
    "/acknowledgements/",
    "/remittances/",
    "/denials/",
    "/dashboard/",
    "/statements/",
}
_PATIENTS = {"/patients/", "/providers/"}

# (role, portal page, expected status) — anything not listed for a signed-in user is 403.
PORTAL_ALLOWED = {
    "mso_admin": {
        "/",
        "/dashboard/",
        "/practices/",
        "/practices/new/",
        "/users/",
        "/audit/",
        "/finance/",
        "/accounts/security/",
        "/emergency/",
        "/emergency/review/",
        "/exclusion-list/",
        "/compliance/",
        *_CONTRACTS,
    },
    "mso_staff": {
        "/",
        "/dashboard/",
        "/compliance/",
        "/practices/",
        "/accounts/security/",
        "/emergency/",
        *_CONTRACTS,
    },
}
_BASE = {"/", "/locations/", "/members/", "/accounts/security/", "/emergency/"}
_MANAGER_ONLY = {
    "/tokens/",
    "/invoices/",
    "/compliance/",
    "/compliance/credentials/",
    "/compliance/incidents/",
    "/compliance/policies/",
    "/hr/employees/",
}
PRACTICE_ALLOWED = {
    "mso_admin": _BASE | _MANAGER_ONLY | _BILLING_VIEW | _PATIENTS,
    "mso_staff": _BASE | _MANAGER_ONLY | _BILLING_VIEW | _PATIENTS,
    "practice_manager": _BASE | _MANAGER_ONLY | _BILLING_VIEW | _PATIENTS,
    # Only providers (and the EHR) record encounters: codes are clinical (CPOM).
    "provider": _BASE | _BILLING_VIEW | _PATIENTS | {"/encounters/new/", "/compliance/policies/"},
    "integrator": _BASE | _BILLING_VIEW | _PATIENTS | {"/encounters/new/"},
}
ROLES = ["mso_admin", "mso_staff", "practice_manager", "provider", "integrator", "outsider"]


def _user(world, role):
    from .conftest import user_for_role

    return user_for_role(world, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PORTAL_PAGES)
def test_portal_page_matrix(world, client_for, role, path):
    response = client_for(_user(world, role), None).get(path)
    expected = 200 if path in PORTAL_ALLOWED.get(role, set()) else 403
    assert response.status_code == expected, (role, path)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PRACTICE_PAGES)
def test_practice_page_matrix(world, client_for, role, path):
    response = client_for(_user(world, role), world.a).get(path)
    expected = 200 if path in PRACTICE_ALLOWED.get(role, set()) else 403
    assert response.status_code == expected, (role, path)


@pytest.mark.parametrize("path", PRACTICE_PAGES)
def test_anonymous_is_sent_to_sign_in(world, client_for, path):
    response = client_for(None, world.a).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_practice_home_shows_profile_owners_members(world, client_for):
    html = client_for(world.manager_a, world.a).get("/").content.decode()
    assert "Alpha Medical Group, P.C." in html
    assert "Dr. Test Owner" in html
    assert "provider@alpha.test" in html
    assert "**-***4567" in html  # TIN masked


def test_security_headers(world, client_for):
    response = client_for(world.manager_a, world.a).get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]


def test_no_inline_scripts_or_styles(world, client_for):
    for client, path in (
        (client_for(world.admin, None), "/"),
        (client_for(world.manager_a, world.a), "/tokens/"),
        (client_for(None, world.a), "/accounts/login/"),
    ):
        html = client.get(path).content.decode()
        assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_sign_in_on_practice_host(world, client_for):
    from .conftest import PASSWORD

    client = client_for(None, world.a)
    response = client.post(
        "/accounts/login/", {"username": "manager@alpha.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_sign_in_refused_for_member_of_another_practice(world, client_for):
    from .conftest import PASSWORD

    response = client_for(None, world.b).post(
        "/accounts/login/", {"username": "manager@alpha.test", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "no access to Bravo" in response.content.decode()


def test_practice_user_cannot_sign_in_to_portal(world, client_for):
    from .conftest import PASSWORD

    response = client_for(None, None).post(
        "/accounts/login/", {"username": "manager@alpha.test", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "practice&#x27;s own address" in response.content.decode()


def test_wrong_password_is_a_form_error(world, client_for):
    response = client_for(None, world.a).post(
        "/accounts/login/", {"username": "manager@alpha.test", "password": "nope"}
    )
    assert response.status_code == 200
    assert (
        "correct email" in response.content.decode().lower()
        or "enter a correct" in response.content.decode().lower()
    )


def test_session_replayed_on_another_practice_host_is_ended(world, client_for):
    client = client_for(world.manager_a, world.a)
    response = client.get("/", HTTP_HOST="bravo.localhost")
    assert response.status_code == 302  # signed out, sent to sign-in
    assert client.get("/").status_code == 302  # and the session is gone for A too


def test_admin_session_from_portal_does_not_open_practice_host(world, client_for):
    client = client_for(world.admin, None)
    assert client.get("/", HTTP_HOST="alpha.localhost").status_code == 302


def test_handoff_signs_mso_user_into_practice_host(world, client_for):
    client = client_for(world.admin, None)
    response = client.post(f"/practices/{world.a.pk}/open/")
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith("http://alpha.localhost/accounts/handoff/")
    path = target.removeprefix("http://alpha.localhost")
    practice_client = client_for(None, world.a)
    assert practice_client.get(path).status_code == 302
    assert practice_client.get("/").status_code == 200
    # Single use.
    again = client_for(None, world.a)
    again.get(path)
    assert again.get("/").status_code == 302


def test_staff_cannot_open_unassigned_practice(world, client_for):
    response = client_for(world.staff, None).post(f"/practices/{world.b.pk}/open/")
    assert response.status_code == 404


# Portal pages about one practice (the path needs its id).
PORTAL_PRACTICE_PAGES = {"/practices/{pk}/bank-account/": {"mso_admin"}}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(PORTAL_PRACTICE_PAGES))
def test_portal_practice_page_matrix(world, client_for, role, path):
    response = client_for(_user(world, role), None).get(path.format(pk=world.a.pk))
    expected = 200 if role in PORTAL_PRACTICE_PAGES[path] else 403
    assert response.status_code == expected, (role, path)
