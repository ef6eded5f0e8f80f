"""COPY writer used by 835 posting: values that need escaping arrive intact."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from billing.models import ClaimLine, ClaimStatusChange, DenialCase
from billing.services import bulk
from billing.services.dbworker import ConnectionWorker
from tests.billing.test_remittances import _submitted_claim

pytestmark = pytest.mark.django_db

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
AWKWARD = 'tab\there, newline\nthere, back\\slash, "quoted", \r, \\N, ünïcode'


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ([], "{}"),
        (("25", "59"), "{25,59}"),
        (["N130", "CO-45"], "{N130,CO-45}"),
        (["CO", 'a"b', None], '{"CO","a\\"b",NULL}'),
        (["null"], '{"null"}'),
        (["a b", "c,d", "{e}"], '{"a b","c,d","{e}"}'),
        (["back\\slash"], '{"back\\\\slash"}'),
    ],
)
def test_array_literals(value, literal):
    assert bulk.array_literal(value) == literal


def test_nullable_text_columns_are_refused():
    # COPY's CSV format cannot tell such a column's NULL from its empty string.
    class Meta:
        @staticmethod
        def get_field(name):
            return models.CharField(max_length=5, null=True)

    model = type("Nullable", (), {"_meta": Meta, "__name__": "Nullable"})
    with pytest.raises(ValueError, match="nullable text column"):
        bulk.copy_sql(model, ("note",))


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


def test_arrays_decimals_and_dates_round_trip_through_copy(world, clinic):
    fields = (
        "claim",
        "line_number",
        "procedure_code",
        "modifiers",
        "units",
        "charge",
        "diagnosis_pointers",
        "service_date",
        "line_control_number",
    )
    with schema_context(world.a.schema_name):
        claim = _submitted_claim(world, clinic)
        rows = [
            (
                claim.pk,
                9,
                "99213",
                ['2"', ",x", "NU"],
                Decimal("1.50"),
                Decimal("-0.01"),
                [1, 4],
                date(2026, 2, 28),
                'a,"b"\\c',
            ),
            (claim.pk, 10, "", [], Decimal("0"), Decimal("12.00"), [2], date(2026, 3, 1), ""),
        ]
        with ConnectionWorker() as worker:
            worker.submit(
                bulk.copy_into,
                bulk.copy_sql(ClaimLine, fields),
                bulk.copy_text(ClaimLine, fields, rows),
            )
            worker.drain()
        stored = list(
            ClaimLine.objects.filter(claim=claim, line_number__gte=9)
            .order_by("line_number")
            .values_list(*[f if f != "claim" else "claim_id" for f in fields])
        )
        assert stored == [tuple(row) for row in rows]
