"""The rules the API fuzzing (tests/test_api_fuzz.py) brought in, one example each: query
parameters the API cannot read are a 400, unknown API paths a JSON 404, and the schema
documents the standard error responses of every operation."""

import pytest

pytestmark = pytest.mark.django_db

ERROR_REF = "#/components/schemas/Error"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"is_active": "maybe"}, "is_active"),  # django-filter would list everything
        ({"place_of_service": ""}, "place_of_service"),
        ({"page": "two"}, "page"),
        ({"page": "0"}, "page"),
        ({"page_size": "-5"}, "page_size"),
    ],
)
def test_unreadable_query_parameters_are_field_errors(world, client_for, query, field):
    client = client_for(world.manager_a, world.a)
    path = "/api/v1/providers/" if "is_active" in query else "/api/v1/locations/"
    response = client.get(path, query)
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {field}


def test_repeated_filter_is_a_field_error(world, client_for):
    response = client_for(world.manager_a, world.a).get("/api/v1/locations/?state=NY&state=NJ")
    assert response.status_code == 400
    assert response.json()["errors"] == {"state": ["Give this filter once."]}


def test_readable_query_parameters_still_work(world, client_for):
    client = client_for(world.manager_a, world.a)
    assert client.get("/api/v1/providers/", {"is_active": "true"}).status_code == 200
    assert client.get("/api/v1/locations/", {"page": "1", "page_size": "500"}).status_code == 200
    assert client.get("/api/v1/locations/", {"search": ""}).status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/v1/claims/abc/", "/api/v1/no-such-thing/", "/api/v1/locations/?page=99"]
)
def test_api_not_found_is_json_in_the_error_shape(world, client_for, path):
    response = client_for(world.manager_a, world.a).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail", "errors"}


def test_fee_run_for_year_zero_is_a_field_error(world, client_for):
    response = client_for(world.admin, None).post(
        "/api/v1/fee-runs/", {"period": "0000-05"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"period"}


def test_a_number_is_not_a_string(world, client_for):
    response = client_for(world.manager_a, world.a).post(
        "/api/v1/locations/", {"name": 5, "city": "Troy"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["name"] == ["Not a valid string."]


def test_api_bodies_are_json(world, client_for):
    response = client_for(world.manager_a, world.a).post(
        "/api/v1/locations/",
        {"name": "Form Clinic"},  # multipart, as a browser form sends
    )
    assert response.status_code == 415
    assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize("practice_host", [True, False], ids=["practice", "portal"])
def test_schema_documents_standard_errors_everywhere(world, client_for, practice_host):
    practice = world.a if practice_host else None
    schema = client_for(world.admin, practice).get("/api/schema/", {"format": "json"}).json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            expected = {"401"}
            if method != "get":
                expected |= {"400", "403"}
            if "{" in path:
                expected.add("404")
            assert expected <= set(responses), (method, path, sorted(responses))
            for code in expected:
                body = responses[code]["content"]["application/json"]["schema"]
                assert body == {"$ref": ERROR_REF}, (method, path, code, body)


def test_unknown_ordering_is_refused(world, client_for):
    client = client_for(world.manager_a, world.a)
    assert client.get("/api/v1/locations/?ordering=-name").status_code == 200
    refused = client.get("/api/v1/locations/?ordering=secret_field")
    assert refused.status_code == 400
    assert "Cannot order by secret_field" in refused.json()["errors"]["ordering"][0]
