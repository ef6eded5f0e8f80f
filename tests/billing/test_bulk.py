"""COPY writer used by 835 posting: values that need escaping arrive intact."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from billing.models import ClaimStatusChange, DenialCase
from billing.services import bulk
from billing.services.bulk import copy_value
from billing.services.dbworker import ConnectionWorker
from tests.billing.test_remittances import _submitted_claim

pytestmark = pytest.mark.django_db

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
AWKWARD = 'tab\there, newline\nthere, back\\slash, "quoted", \r, \\N, ünïcode'


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "\\N"),
        (True, "t"),
        (Decimal("-12.50"), "-12.50"),
        (date(2026, 1, 2), "2026-01-02"),
        (["CO", 'a"b', None], '{"CO","a\\\\"b",NULL}'),
        ("a\tb\\c", "a\\tb\\\\c"),
    ],
)
def test_copy_values(value, text):
    assert copy_value(value) == text


def test_rows_round_trip_through_copy(world, clinic):
    fields = ("id", "claim", "from_status", "to_status", "actor", "note", "at")
    with schema_context(world.a.schema_name):
        claim = _submitted_claim(world, clinic)
        with CaptureQueriesContext(connection) as queries, ConnectionWorker() as worker:
            ids = worker.result(worker.submit(bulk.reserve_ids, ClaimStatusChange, 2))
            assert len(set(ids)) == 2
            text = bulk.copy_text(
                ClaimStatusChange,
                fields,
                [
                    (ids[0], claim.pk, "ready", "submitted", None, AWKWARD, AT),
                    (ids[1], claim.pk, "", "ready", None, "", AT),
                ],
            )
            sql = bulk.copy_sql(ClaimStatusChange, fields)
            worker.submit(bulk.copy_into, sql, text)
            worker.drain()
        # The worker's COPY is counted in the query log.
        assert any(q["sql"].startswith("COPY") for q in queries.captured_queries)
        notes = dict(ClaimStatusChange.objects.filter(pk__in=ids).values_list("pk", "note"))
        assert notes == {ids[0]: AWKWARD, ids[1]: ""}
        assert bulk.copy_text(DenialCase, ("claim",), []) == ""
