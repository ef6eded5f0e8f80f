"""The foundation API: practices (portal), current user, memberships, tokens."""

import pytest
from django.utils import timezone

from mso.accounts.models import ApiToken, Membership
from mso.accounts.services import token_create
from mso.jobs.models import JobRun
from mso.tenancy.models import Practice
from mso.tenancy.services import practice_onboard

from .conftest import practice_input

pytestmark = pytest.mark.django_db


def onboarding_body(slug="echo", **overrides):
    body = {
        "name": "Echo Internal Medicine, P.C.",
        "slug": slug,
        "state": "NY",
        "group_npi": "1234567893",
        "tin": "12-3456789",
        "owners": [
            {
                "full_name": "Dr. One",
                "license_state": "NY",
                "license_number": "NY-1",
                "license_expiry": "2030-01-01",
                "share_percent": "70",
            },
            {
                "full_name": "Dr. Two",
                "license_state": "NJ",
                "license_number": "NJ-2",
                "license_expiry": "2030-01-01",
                "share_percent": "30",
            },
        ],
    }
    body.update(overrides)
    return body


def test_admin_onboards_a_practice_via_api(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.admin, None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/api/v1/practices/", onboarding_body(), content_type="application/json"
        )
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["practice"]["status"] == "provisioning"
    assert body["practice"]["host"] == "echo.localhost"
    assert body["practice"]["tin"] == "**-***6789"
    assert len(body["practice"]["owners"]) == 2
    assert JobRun.objects.filter(pk=body["job"]["id"], kind="tenancy.practice_provision").exists()
    assert len(callbacks) == 1  # the provisioning task is queued only after commit
    job = client.get(f"/api/v1/jobs/{body['job']['id']}/").json()
    assert job["status"] == "queued"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "www"}, "slug"),
        ({"slug": "alpha"}, "slug"),  # taken by the session practice
        ({"group_npi": "1234567890"}, "group_npi"),
        ({"tin": "00-0000000"}, "tin"),
        ({"state": "ZZ"}, "state"),
        ({"owners": []}, "owners"),
    ],
)
def test_onboarding_rejects_bad_practice_fields(world, client_for, overrides, field):
    client = client_for(world.admin, None)
    before = Practice.objects.count()
    response = client.post(
        "/api/v1/practices/", onboarding_body(**overrides), content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert field in body["errors"], body
    assert Practice.objects.count() == before


def test_onboarding_ownership_errors_name_the_rows(world, client_for):
    body = onboarding_body()
    body["owners"][0]["share_percent"] = "60"  # total 90%
    body["owners"][1]["license_expiry"] = "2020-01-01"  # expired
    response = client_for(world.admin, None).post(
        "/api/v1/practices/", body, content_type="application/json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any("100%" in m for m in errors["owners"])
    assert "owners[1].license_expiry" in errors
    assert not Practice.objects.filter(slug="echo").exists()


def test_onboarding_rejects_malformed_types(world, client_for):
    body = onboarding_body()
    body["owners"][0]["license_expiry"] = "next tuesday"
    response = client_for(world.admin, None).post(
        "/api/v1/practices/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "owners[0].license_expiry" in response.json()["errors"]


@pytest.mark.parametrize("who", ["staff", "manager_a", "provider_a", "outsider"])
def test_only_mso_admin_onboards(world, client_for, who):
    response = client_for(getattr(world, who), None).post(
        "/api/v1/practices/", onboarding_body(), content_type="application/json"
    )
    assert response.status_code == 403
    assert not Practice.objects.filter(slug="echo").exists()


def test_practice_list_scoped_to_assignments(world, client_for):
    admin_slugs = {
        p["slug"] for p in client_for(world.admin, None).get("/api/v1/practices/").json()["results"]
    }
    staff_slugs = {
        p["slug"] for p in client_for(world.staff, None).get("/api/v1/practices/").json()["results"]
    }
    assert {"alpha", "bravo", "office"} <= admin_slugs
    assert staff_slugs == {"alpha"}
    assert client_for(world.staff, None).get(f"/api/v1/practices/{world.b.pk}/").status_code == 404


def test_practice_list_filters_and_paginates(world, client_for):
    body = client_for(world.admin, None).get("/api/v1/practices/?kind=practice&page_size=1").json()
    assert body["count"] >= 2 and len(body["results"]) == 1 and body["next"]
    assert all(p["kind"] == "practice" for p in body["results"])


def test_practice_list_queries_do_not_grow(world, client_for, django_assert_num_queries):
    client = client_for(world.admin, None)
    client.get("/api/v1/practices/")  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get("/api/v1/practices/")
    for index in range(3):
        practice_onboard(
            actor=world.admin, data=practice_input(f"extra{index}", npi_seed=100000020 + index)
        )
    with django_assert_num_queries(len(before)):
        response = client.get("/api/v1/practices/")
    assert response.json()["count"] >= 6


def test_me_on_practice_host(world, client_for):
    body = client_for(world.manager_a, world.a).get("/api/v1/me/").json()
    assert body["email"] == "manager@alpha.test"
    assert body["role_here"] == "practice_manager"


def test_current_practice(world, client_for):
    body = client_for(world.provider_a, world.a).get("/api/v1/practice/").json()
    assert body["slug"] == "alpha" and body["owners"][0]["full_name"] == "Dr. Test Owner"


# ------------------------------------------------------------------ memberships


def test_manager_grants_and_changes_roles(world, client_for):
    client = client_for(world.manager_a, world.a)
    response = client.post(
        "/api/v1/memberships/",
        {"email": "outsider@nowhere.test", "role": "provider"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    membership_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/memberships/{membership_id}/",
        {"role": "integrator"},
        content_type="application/json",
    )
    assert response.json()["role"] == "integrator"
    assert client.delete(f"/api/v1/memberships/{membership_id}/").status_code == 204
    assert not Membership.objects.filter(pk=membership_id).exists()


def test_manager_cannot_grant_mso_roles(world, client_for):
    response = client_for(world.manager_a, world.a).post(
        "/api/v1/memberships/",
        {"email": "outsider@nowhere.test", "role": "mso_admin"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "role" in response.json()["errors"]
    assert not Membership.objects.filter(user=world.outsider).exists()


def test_provider_cannot_manage_members(world, client_for):
    response = client_for(world.provider_a, world.a).post(
        "/api/v1/memberships/",
        {"email": "outsider@nowhere.test", "role": "provider"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_portal_membership_grant_checks_the_target_practice(world, client_for):
    response = client_for(world.staff, None).post(
        "/api/v1/memberships/",
        {"email": "outsider@nowhere.test", "role": "provider", "practice": world.b.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "practice" in response.json()["errors"]


def test_invitation_returns_link_on_practice_host(world, client_for):
    response = client_for(world.manager_a, world.a).post(
        "/api/v1/invitations/",
        {"email": "new.person@alpha.test", "role": "provider"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["accept_url"].startswith("http://alpha.localhost/accounts/invitation/")


# ------------------------------------------------------------------ tokens


def _issue(world, practice=None, user=None, scopes=("locations:read",)):
    practice = practice or world.a
    manager = world.manager_a if practice == world.a else world.manager_b
    user = user or (world.integrator_a if practice == world.a else world.integrator_b)
    return token_create(
        actor=manager, practice=practice, user=user, name="EHR sync", scopes=list(scopes)
    )


def token_client(client_for, practice, plain):
    client = client_for(None, practice)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {plain}"
    return client


def test_token_is_stored_hashed_and_shown_once(world, client_for):
    response = client_for(world.manager_a, world.a).post(
        "/api/v1/tokens/",
        {"name": "EHR", "user": world.integrator_a.pk, "scopes": ["locations:read"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    plain = response.json()["token"]
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert plain.startswith("mso_") and plain not in token.key_hash and len(token.key_hash) == 64
    listed = client_for(world.manager_a, world.a).get("/api/v1/tokens/").json()["results"]
    assert all("token" not in row for row in listed)


def test_token_works_on_its_practice_within_scope(world, client_for):
    _, plain = _issue(world)
    client = token_client(client_for, world.a, plain)
    assert client.get("/api/v1/locations/").status_code == 200
    # Out of scope: members:read was not granted.
    assert client.get("/api/v1/memberships/").status_code == 403
    assert client.post("/api/v1/locations/", {}, content_type="application/json").status_code == 403


def test_token_is_rejected_on_another_practice_and_on_the_portal(world, client_for):
    _, plain = _issue(world)
    assert token_client(client_for, world.b, plain).get("/api/v1/locations/").status_code == 401
    assert token_client(client_for, None, plain).get("/api/v1/practices/").status_code == 401


def test_revoked_and_expired_tokens_are_rejected(world, client_for):
    token, plain = _issue(world)
    response = client_for(world.manager_a, world.a).post(f"/api/v1/tokens/{token.pk}/revoke/")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert token_client(client_for, world.a, plain).get("/api/v1/locations/").status_code == 401
    token2, plain2 = _issue(world)
    ApiToken.objects.filter(pk=token2.pk).update(expires_at=timezone.now())
    assert token_client(client_for, world.a, plain2).get("/api/v1/locations/").status_code == 401


def test_tampered_token_is_rejected(world, client_for):
    _, plain = _issue(world)
    assert (
        token_client(client_for, world.a, plain[:-2] + "xx").get("/api/v1/locations/").status_code
        == 401
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("scopes", ["everything:write"]),
        ("scopes", []),
        ("name", ""),
    ],
)
def test_token_bad_input(world, client_for, field, value):
    body = {"name": "EHR", "user": world.integrator_a.pk, "scopes": ["locations:read"]}
    body[field] = value
    before = ApiToken.objects.count()
    response = client_for(world.manager_a, world.a).post(
        "/api/v1/tokens/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert any(key.startswith(field) for key in response.json()["errors"])
    assert ApiToken.objects.count() == before


def test_token_only_for_integrators(world, client_for):
    response = client_for(world.manager_a, world.a).post(
        "/api/v1/tokens/",
        {"name": "x", "user": world.provider_a.pk, "scopes": ["practice:read"]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "user" in response.json()["errors"]


def test_token_for_integrator_of_other_practice_refused(world, client_for):
    response = client_for(world.manager_a, world.a).post(
        "/api/v1/tokens/",
        {"name": "x", "user": world.integrator_b.pk, "scopes": ["practice:read"]},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_api_docs_and_schema(world, client_for):
    client = client_for(world.manager_a, world.a)
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/locations/" in paths and "/api/v1/practices/" not in paths
    portal_paths = client_for(world.admin, None).get("/api/schema/?format=json").json()["paths"]
    assert "/api/v1/practices/" in portal_paths
    assert client.get("/api/docs/").status_code == 200


def test_unknown_host_is_404(world, client_for):
    assert client_for(None, None).get("/", HTTP_HOST="nosuch.localhost").status_code == 404


def test_disallowed_host_is_rejected(world, client_for):
    assert client_for(None, None).get("/", HTTP_HOST="evil.example.com").status_code in (400, 404)


def test_practice_input_helper_is_valid():
    assert practice_input("zulu").slug == "zulu"
