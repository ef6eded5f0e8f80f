"""Cross-practice isolation: a row made in practice A is invisible from B by ORM, API and page;
caches and tasks keep to their practice."""

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context

from mso.accounts.services import token_create
from practices.models import Location
from practices.services import location_create

pytestmark = pytest.mark.django_db

DATA = {
    "name": "Secret Annex",
    "address_line1": "1 Hidden Way",
    "city": "Albany",
    "state": "NY",
    "zip_code": "12207",
    "place_of_service": "11",
}


@pytest.fixture
def location_in_a(world):
    with schema_context(world.a.schema_name):
        return location_create(actor=world.manager_a, data=DATA)


def test_orm_sees_only_its_schema(world, location_in_a):
    with schema_context(world.a.schema_name):
        assert Location.objects.filter(name="Secret Annex").exists()
    with schema_context(world.b.schema_name):
        assert not Location.objects.filter(name="Secret Annex").exists()
        assert not Location.objects.filter(pk=location_in_a.pk, name="Secret Annex").exists()


def test_api_does_not_leak_across_practices(world, client_for, location_in_a):
    own = client_for(world.manager_a, world.a).get("/api/v1/locations/").json()
    assert "Secret Annex" in {row["name"] for row in own["results"]}
    other = client_for(world.manager_b, world.b)
    listing = other.get("/api/v1/locations/")
    assert "Secret Annex" not in listing.content.decode()
    detail = other.get(f"/api/v1/locations/{location_in_a.pk}/")
    assert detail.status_code == 404 and "Secret" not in detail.content.decode()


def test_b_credentials_on_a_host_are_refused(world, client_for, location_in_a):
    response = client_for(world.manager_b, world.a).get("/api/v1/locations/")
    assert response.status_code == 403
    assert "Secret Annex" not in response.content.decode()
    page = client_for(world.manager_b, world.a).get("/locations/")
    assert page.status_code == 403


def test_b_token_on_a_host_is_refused(world, client_for, location_in_a):
    _, plain = token_create(
        actor=world.manager_b,
        practice=world.b,
        user=world.integrator_b,
        name="b",
        scopes=["locations:read"],
    )
    client = client_for(None, world.a)
    response = client.get("/api/v1/locations/", HTTP_AUTHORIZATION=f"Token {plain}")
    assert response.status_code == 401
    assert "Secret Annex" not in response.content.decode()


def test_pages_do_not_leak(world, client_for, location_in_a):
    own = client_for(world.manager_a, world.a).get("/locations/").content.decode()
    assert "Secret Annex" in own
    assert (
        "Secret Annex"
        not in client_for(world.manager_b, world.b).get("/locations/").content.decode()
    )


def test_cache_keys_are_per_practice(world):
    with schema_context(world.a.schema_name):
        cache.set("isolation-probe", "from-a")
    with schema_context(world.b.schema_name):
        assert cache.get("isolation-probe") is None
    with schema_context(world.a.schema_name):
        assert cache.get("isolation-probe") == "from-a"
        cache.delete("isolation-probe")


def test_memberships_listed_only_for_own_practice(world, client_for):
    emails = {
        m["email"]
        for m in client_for(world.manager_b, world.b).get("/api/v1/memberships/").json()["results"]
    }
    assert "manager@alpha.test" not in emails and "manager@bravo.test" in emails


def test_tokens_listed_only_for_own_practice(world, client_for):
    token_create(
        actor=world.manager_a,
        practice=world.a,
        user=world.integrator_a,
        name="a-only",
        scopes=["practice:read"],
    )
    listing = client_for(world.manager_b, world.b).get("/api/v1/tokens/").content.decode()
    assert "a-only" not in listing


def test_jobs_not_visible_from_other_practice(world, client_for):
    job = world.a.jobs.first()
    assert client_for(world.manager_a, world.a).get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    assert client_for(world.manager_b, world.b).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert client_for(world.manager_b, world.b).get(f"/jobs/{job.pk}/progress/").status_code == 404
