"""Permission matrix of the API: every endpoint, every role, on the host it belongs to.
Expected statuses come from the policy's intent, written out by hand here."""

import pytest

from .conftest import user_for_role

pytestmark = pytest.mark.django_db

ROLES = [
    "mso_admin",
    "mso_staff",
    "practice_manager",
    "provider",
    "integrator",
    "outsider",
    "anonymous",
]
OK, DENY, ANON = "ok", 403, "anon"

# (host, method, path, roles allowed)
MATRIX = [
    ("practice", "GET", "/api/v1/me/", set(ROLES) - {"anonymous"}),
    ("practice", "GET", "/api/v1/practice/", set(ROLES) - {"outsider", "anonymous"}),
    ("practice", "GET", "/api/v1/memberships/", set(ROLES) - {"outsider", "anonymous"}),
    ("practice", "GET", "/api/v1/tokens/", {"mso_admin", "mso_staff", "practice_manager"}),
    ("practice", "GET", "/api/v1/locations/", set(ROLES) - {"outsider", "anonymous"}),
    (
        "practice",
        "POST",
        "/api/v1/locations/",
        {"mso_admin", "mso_staff", "practice_manager", "integrator"},
    ),
    ("practice", "POST", "/api/v1/tokens/", {"mso_admin", "practice_manager"}),
    ("practice", "POST", "/api/v1/memberships/", {"mso_admin", "mso_staff", "practice_manager"}),
    (
        "portal",
        "GET",
        "/api/v1/me/",
        {"mso_admin", "mso_staff", "practice_manager", "provider", "integrator", "outsider"},
    ),
    ("portal", "GET", "/api/v1/practices/", {"mso_admin", "mso_staff"}),
    ("portal", "POST", "/api/v1/practices/", {"mso_admin"}),
    ("portal", "GET", "/api/v1/memberships/", {"mso_admin", "mso_staff"}),
]


_ALL = set(ROLES) - {"outsider", "anonymous"}
_MANAGERS = {"mso_admin", "mso_staff", "practice_manager"}
MATRIX += [
    ("practice", "GET", "/api/v1/patients/", _ALL),
    ("practice", "POST", "/api/v1/patients/", _MANAGERS | {"integrator"}),
    ("practice", "GET", "/api/v1/providers/", _ALL),
    ("practice", "GET", "/api/v1/payers/", _ALL),
    ("practice", "GET", "/api/v1/enrollments/", _ALL),
    ("practice", "GET", "/api/v1/encounters/", _ALL),
    # Charge capture is clinical documentation: providers and the EHR only (CPOM).
    ("practice", "POST", "/api/v1/encounters/", {"provider", "integrator"}),
    ("practice", "GET", "/api/v1/coding-queries/", _ALL),
    ("practice", "POST", "/api/v1/coding-queries/", _MANAGERS),
    ("practice", "GET", "/api/v1/claims/", _ALL),
    ("practice", "POST", "/api/v1/claims/", _MANAGERS),
    ("practice", "GET", "/api/v1/batches/", _ALL),
    ("practice", "GET", "/api/v1/fee-schedules/", _ALL),
    ("practice", "POST", "/api/v1/fee-schedules/", _MANAGERS),
    ("practice", "GET", "/api/v1/acknowledgements/", _ALL),
    ("practice", "POST", "/api/v1/acknowledgements/", {"mso_admin", "mso_staff", "integrator"}),
    ("practice", "GET", "/api/v1/remittances/", _ALL),
    ("practice", "POST", "/api/v1/remittances/", {"mso_admin", "mso_staff", "integrator"}),
    ("practice", "GET", "/api/v1/denials/", _ALL),
    ("practice", "GET", "/api/v1/kpis/", _ALL),
    ("practice", "GET", "/api/v1/patient-payments/", _ALL),
    ("practice", "POST", "/api/v1/patient-payments/", _MANAGERS),
]


def _call(client, method, path):
    if method == "GET":
        return client.get(path)
    # An empty body: allowed callers get 400 (validation), refused ones 401/403.
    return client.post(path, {}, content_type="application/json")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("host", "method", "path", "allowed"), MATRIX, ids=[f"{h}-{m}-{p}" for h, m, p, _ in MATRIX]
)
def test_api_permission_matrix(world, client_for, role, host, method, path, allowed):
    practice = world.a if host == "practice" else None
    response = _call(client_for(user_for_role(world, role), practice), method, path)
    if role in allowed:
        assert response.status_code in (200, 400), (role, path, response.content)
    elif role == "anonymous":
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 403, (role, path, response.status_code)
    body = response.json()
    if response.status_code >= 400:
        assert set(body) == {"detail", "errors"}, body  # one error shape everywhere


def test_location_bad_input_is_field_errors_and_nothing_written(world, client_for):
    client = client_for(world.manager_a, world.a)
    before = client.get("/api/v1/locations/").json()["count"]
    response = client.post(
        "/api/v1/locations/",
        {
            "name": "",
            "address_line1": "x",
            "city": "y",
            "state": "ZZ",
            "zip_code": "1",
            "place_of_service": "99",
            "npi": "1234567890",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"name", "state", "place_of_service"} <= set(errors)
    assert client.get("/api/v1/locations/").json()["count"] == before


def test_location_service_rules(world, client_for):
    client = client_for(world.manager_a, world.a)
    body = {
        "name": "Rules Clinic",
        "address_line1": "1 St",
        "city": "Troy",
        "state": "NY",
        "zip_code": "1218",
        "place_of_service": "11",
        "npi": "1234567890",
    }
    response = client.post("/api/v1/locations/", body, content_type="application/json")
    assert response.status_code == 400
    assert {"zip_code", "npi"} <= set(response.json()["errors"])
    body.update(zip_code="12180", npi="1234567893")
    assert (
        client.post("/api/v1/locations/", body, content_type="application/json").status_code == 201
    )
    duplicate = client.post("/api/v1/locations/", body, content_type="application/json")
    assert duplicate.status_code == 400 and "name" in duplicate.json()["errors"]


def test_location_update(world, client_for):
    client = client_for(world.manager_a, world.a)
    created = client.post(
        "/api/v1/locations/",
        {
            "name": "Patch Clinic",
            "address_line1": "1 St",
            "city": "Troy",
            "state": "NY",
            "zip_code": "12180",
            "place_of_service": "11",
        },
        content_type="application/json",
    ).json()
    response = client.patch(
        f"/api/v1/locations/{created['id']}/", {"city": "Albany"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["city"] == "Albany"
    bad = client.patch(
        f"/api/v1/locations/{created['id']}/", {"zip_code": "abc"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert client.get(f"/api/v1/locations/{created['id']}/").json()["zip_code"] == "12180"
    denied = client_for(world.provider_a, world.a).patch(
        f"/api/v1/locations/{created['id']}/", {"city": "X"}, content_type="application/json"
    )
    assert denied.status_code == 403
