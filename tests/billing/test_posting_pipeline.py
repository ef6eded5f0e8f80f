"""835 posting writes claims in batches while the file is still being read: a defect found
after some batches were written still posts nothing, and what a read posts equals the file."""

import re
import threading
import time
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from billing.choices import ClaimStatus
from billing.claimdata import ControlNumbers
from billing.exceptions import RemittanceError
from billing.models import (
    Claim,
    ClaimFinding,
    ClaimPayment,
    ClaimStatusChange,
    LinePayment,
    Remittance,
)
from billing.services import remittances
from billing.services.dbworker import ConnectionWorker
from billing.services.remittances import era_post
from billing.x12.errors import X12Error
from billing.x12.reader835 import read_835, scan_claims
from billing.x12.writer835 import synthetic_835_input, write_835
from tests.bench.remittances import _claims_for

pytestmark = pytest.mark.django_db

CLAIMS = 350  # more than three batches of MIN_BATCH


@pytest.fixture
def in_a(world):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        yield world.a


@pytest.fixture
def batches_written_during_the_read(monkeypatch):
    """Each batch is written (or fails) before the read goes on, whatever the timing."""
    flush = remittances._Posting._flush

    def flush_and_wait(posting):
        flush(posting)
        posting.worker.drain()

    monkeypatch.setattr(remittances._Posting, "_flush", flush_and_wait)


def _file(practice, claims=CLAIMS) -> str:
    remit = synthetic_835_input(claims, seed=claims)
    remit = replace(remit, payee=replace(remit.payee, npi=practice.group_npi))
    return write_835(remit, ControlNumbers(interchange=7, group=7, transaction=7))


def _copies(queries) -> int:
    return sum(q["sql"].startswith("COPY billing_claimpayment") for q in queries.captured_queries)


def test_a_large_file_posts_in_batches_exactly(in_a):
    text = _file(in_a)
    parsed = read_835(text)
    _claims_for(parsed)
    with CaptureQueriesContext(connection) as queries:
        remittance, created = era_post(actor=None, file_name="big.835", content=text)
    assert created and _copies(queries) == -(-CLAIMS // remittances.MIN_BATCH)
    assert remittance.claim_count == CLAIMS == remittance.summary["matched"]
    payments = ClaimPayment.objects.filter(remittance=remittance)
    assert payments.count() == CLAIMS
    assert sum(p.paid for p in payments) == sum(c.payment for c in parsed.claims)
    assert LinePayment.objects.filter(claim_payment__remittance=remittance).count() == sum(
        len(c.lines) for c in parsed.claims
    )
    assert (
        not LinePayment.objects.filter(claim_payment__remittance=remittance, claim_line=None)
        .exclude(claim_payment__status_code="22")
        .exists()
    )  # matched to their claim lines
    ours = Claim.objects.filter(patient_control_number__in=scan_claims(text)[0])
    changed = ours.exclude(status=ClaimStatus.SUBMITTED).values_list("pk", flat=True)
    history = ClaimStatusChange.objects.filter(claim__in=ours).values_list("claim", flat=True)
    assert len(changed) > CLAIMS // 2 and set(history) == set(changed)


@pytest.mark.parametrize(
    ("defect", "reason"),
    [
        # Found after the last claim: the transaction balancing rule.
        (lambda t: t.replace("BPR*I*", "BPR*I*1", 1), "transaction balancing rule"),
        # Found at the last service line: an unknown segment.
        (lambda t: t[: t.rindex("SVC*")] + "XYZ*" + t[t.rindex("SVC*") + 4 :], "XYZ"),
    ],
    ids=["unbalanced", "unknown-segment"],
)
def test_a_defect_late_in_the_file_undoes_the_batches_written(
    in_a, defect, reason, batches_written_during_the_read
):
    text = _file(in_a)
    _claims_for(read_835(text))
    with CaptureQueriesContext(connection) as queries, pytest.raises(RemittanceError) as refused:
        era_post(actor=None, file_name="late.835", content=defect(text))
    assert reason in str(refused.value)
    assert _copies(queries) == 3  # three batches were written before the defect ...
    assert not Remittance.objects.exists()  # ... and are gone with it
    assert not ClaimPayment.objects.exists() and not ClaimStatusChange.objects.exists()
    ours = Claim.objects.filter(patient_control_number__in=scan_claims(text)[0])
    assert set(ours.values_list("status", flat=True)) == {ClaimStatus.SUBMITTED}


class _Recorder:
    """A ClaimSink that keeps what it is handed."""

    def __init__(self):
        self.headers, self.claims = [], []

    def header(self, remittance):
        self.headers.append(remittance)

    def claim(self, claim):
        self.claims.append(claim)


def test_claims_are_handed_on_while_the_file_is_still_being_read():
    # The file is cut inside its 6th CLP: the 4 claims before the 5th CLP are complete, and
    # the reader hands them over before it reaches the end, where it finds the file truncated.
    text = write_835(synthetic_835_input(8, seed=8), ControlNumbers(1, 1, 1))
    clps = [found.start() for found in re.finditer(r"(?<=~)\s*CLP\*", text)]
    sink = _Recorder()
    with pytest.raises(X12Error, match=r"the file ends inside a segment"):
        read_835(text[: clps[5] + 10], sink=sink)
    assert len(sink.headers) == 1
    assert sink.claims == list(read_835(text).claims[:4])


def test_a_truncated_file_posts_nothing(in_a, batches_written_during_the_read):
    text = _file(in_a)
    _claims_for(read_835(text))
    with CaptureQueriesContext(connection) as queries, pytest.raises(RemittanceError) as refused:
        era_post(actor=None, file_name="cut.835", content=text[: text.rindex("CLP*") + 20])
    assert "Rejected, nothing posted" in str(refused.value)
    assert _copies(queries) == 3  # batches were written while the file was read ...
    assert not Remittance.objects.exists() and not ClaimPayment.objects.exists()  # ... undone


def test_claims_the_scan_missed_are_still_matched(in_a, monkeypatch):
    text = _file(in_a, claims=5)
    parsed = read_835(text)
    _claims_for(parsed)
    monkeypatch.setattr(remittances, "scan_claims", lambda content: ([], 0))
    remittance, _ = era_post(actor=None, file_name="unscanned.835", content=text)
    assert remittance.summary["matched"] == 5
    assert not ClaimPayment.objects.filter(claim=None).exists()
    assert not (
        LinePayment.objects.filter(claim_line=None).exclude(claim_payment__status_code="22")
    ).exists()


def test_scan_finds_claim_numbers_with_the_file_delimiters():
    text = write_835(synthetic_835_input(3, seed=3), ControlNumbers(1, 1, 1))
    parsed = read_835(text)
    expected = [c.patient_control_number for c in parsed.claims]
    lines = sum(len(c.lines) for c in parsed.claims)
    assert scan_claims(text) == (expected, lines)
    other = text.replace("*", "|").replace("~", "!\r\n")  # other delimiters, line breaks
    assert scan_claims(other) == (expected, lines)
    assert scan_claims("CLP*1*1*10*10~") == ([], 0)  # no envelope: nothing to go by


def test_the_worker_runs_in_the_callers_transaction_and_reports_errors(in_a):
    payments = ClaimPayment._meta.db_table
    with transaction.atomic():
        sid = transaction.savepoint()
        with ConnectionWorker() as worker:
            job = worker.submit(
                lambda cursor: cursor.execute(
                    f"INSERT INTO {payments} (id, patient_control_number) VALUES (1, 'X')"
                )
            )
            with pytest.raises(IntegrityError):  # Django's class, not psycopg2's
                worker.result(job)
        transaction.savepoint_rollback(sid)
        with ConnectionWorker() as worker:
            worker.submit(lambda cursor: cursor.execute("CREATE TEMP TABLE seen AS SELECT 1 AS n"))
            worker.drain()
        with connection.cursor() as cursor:  # same session, same uncommitted transaction
            cursor.execute("SELECT count(*) FROM seen")
            assert cursor.fetchone() == (1,)


def test_amounts_stay_decimal_through_the_batches(in_a):
    text = _file(in_a, claims=120)
    parsed = read_835(text)
    _claims_for(parsed)
    remittance, _ = era_post(actor=None, file_name="cents.835", content=text)
    assert Decimal(remittance.summary["paid_total"]) == sum(c.payment for c in parsed.claims)


def test_the_worker_refuses_to_run_after_the_caller_switched_schema(in_a):
    with ConnectionWorker() as worker:
        connection.set_schema_to_public()
        try:
            job = worker.submit(lambda cursor: cursor.execute("SELECT 1"))
            with pytest.raises(RuntimeError, match="schema"):
                worker.result(job)
        finally:
            connection.set_tenant(in_a)


def test_posting_checks_its_own_foreign_keys_early_not_the_callers(in_a):
    # The caller's transaction holds a row whose parent does not exist yet (legal until
    # COMMIT with deferred keys): checking the posting's keys per batch must leave it alone.
    findings = ClaimFinding._meta.db_table
    text = _file(in_a, claims=250)
    _claims_for(read_835(text))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {findings} (code, message, field, severity, claim_id) "
            "VALUES ('X', '', '', 'error', -1)"
        )
    with CaptureQueriesContext(connection) as queries:
        remittance, created = era_post(actor=None, file_name="keys.835", content=text)
    assert created and remittance.summary["matched"] == 250
    checks = [q["sql"] for q in queries.captured_queries if "IMMEDIATE" in q["sql"]]
    assert len(checks) == 3 and all("billing_linepayment" in sql for sql in checks)
    assert "claimfinding" not in " ".join(checks)
    ClaimFinding.objects.filter(claim_id=-1).delete()


def test_a_file_defect_wins_over_the_database_error_it_causes(
    in_a, batches_written_during_the_read
):
    # An invalid group code (a defect the reader reports at the end of the file) is also too
    # long for its column: the worker's batch fails first, but the user is told about the file.
    text = _file(in_a)
    _claims_for(read_835(text))
    bad = text.replace("CAS*CO*", "CAS*XYZ*", 1)
    with pytest.raises(RemittanceError, match="XYZ"):
        era_post(actor=None, file_name="bad.835", content=bad)


def test_a_stopping_worker_starts_no_further_statement(in_a):
    started, proceed = threading.Event(), threading.Event()
    ran = []

    def job(cursor):
        cursor.execute("SELECT 1")
        ran.append(1)
        started.set()
        proceed.wait(5)
        cursor.execute("SELECT 2")  # after close() began: refused
        ran.append(2)

    with transaction.atomic():
        worker = ConnectionWorker()
        future = worker.submit(job)
        started.wait(5)
        closing = threading.Thread(target=worker.close)
        closing.start()
        while not worker._stopping.is_set():
            time.sleep(0.01)
        proceed.set()
        closing.join(5)
        assert ran == [1]
        with pytest.raises(RuntimeError, match="stopping"):
            future.result()
