"""Cross-practice isolation below the HTTP layer: the ORM sees one schema, cache keys carry
the schema. Every endpoint and page is probed by tests/test_isolation_matrix.py."""

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context

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


def test_cache_keys_are_per_practice(world):
    with schema_context(world.a.schema_name):
        cache.set("isolation-probe", "from-a")
    with schema_context(world.b.schema_name):
        assert cache.get("isolation-probe") is None
    with schema_context(world.a.schema_name):
        assert cache.get("isolation-probe") == "from-a"
        cache.delete("isolation-probe")
