"""Worker loss (HIPAA 164.308(a)(7), 164.312(c)(1)): a Celery worker killed with SIGKILL in the
middle of a claim batch run loses nothing and duplicates nothing. The task is acknowledged
late (acks_late), so Redis keeps the message; a new worker takes it back and the run goes on
from the claims still ready, because every 837P file commits in its own transaction."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from billing.choices import ClaimStatus
from billing.models import Claim, ClaimBatchFile, ClaimStatusChange
from billing.services.batches import batch_run_start
from billing.x12.reader837 import read_837p
from mso.celery import app
from mso.jobs.models import JobRun, JobStatus
from tests.scratch import committed, in_schema, ready_claims, scratch_practice

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = 60  # 20 files of 3 claims (tests/worker_settings.py)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{quote(db['USER'])}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def _start_worker(name: str, log: Path, **extra_env: str) -> subprocess.Popen:
    """A real `celery worker` (prefork, one child) in its own process group."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "DATABASE_URL": _database_url(),  # the test database
        "PYTHONPATH": str(ROOT),
        **extra_env,
    }
    command = [sys.executable, "-m", "celery", "-A", "mso", "worker", "--pool=prefork"]
    command += ["--concurrency=1", "--without-mingle", "--without-gossip", "--loglevel=INFO"]
    command += [f"--hostname={name}@%h", f"--queues={settings.CELERY_TASK_DEFAULT_QUEUE}"]
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _kill_group(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _wait(condition, *, seconds: float, what: str, log: Path, step: float = 0.01):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(step)
    raise AssertionError(f"Timed out waiting for {what}. Worker log:\n{log.read_text()[-3000:]}")


@pytest.mark.worker
@pytest.mark.django_db
def test_sigkilled_worker_mid_batch_loses_and_duplicates_no_claim(world, tmp_path):
    committed(lambda: _kill_and_recover(world, tmp_path / "worker.log"))


def _kill_and_recover(world, log: Path) -> None:
    workers: list[subprocess.Popen] = []
    with scratch_practice("killtest", npi_seed=100000090) as practice:
        app.control.purge()
        with in_schema(practice):
            claim_ids = ready_claims(CLAIMS)
            job = batch_run_start(actor=world.admin)  # queued on commit (autocommit here)
        try:
            workers.append(_start_worker("first", log))
            with in_schema(practice):
                # Kill once a few files are committed and many claims are still ready.
                _wait(
                    lambda: ClaimBatchFile.objects.count() >= 3,
                    seconds=30,
                    what="the first files",
                    log=log,
                )
                _kill_group(workers[0])
                files_at_kill = ClaimBatchFile.objects.count()
                still_ready = Claim.objects.filter(status=ClaimStatus.READY).count()
            assert 0 < still_ready < CLAIMS, "the worker was not killed mid-way"
            assert JobRun.objects.get(pk=job.pk).status == JobStatus.RUNNING

            workers.append(_start_worker("second", log, MSO_TEST_VISIBILITY_TIMEOUT="1"))
            finished = _wait(
                lambda: (
                    JobRun.objects.filter(pk=job.pk, status__in=["succeeded", "failed"])
                    .values_list("status", flat=True)
                    .first()
                ),
                seconds=60,
                what="the redelivered task",
                log=log,
                step=0.1,
            )
        finally:
            for worker in workers:
                if worker.poll() is None:
                    _kill_group(worker)
        job.refresh_from_db()
        assert finished == JobStatus.SUCCEEDED and job.progress == 100

        with in_schema(practice):
            files = list(ClaimBatchFile.objects.order_by("pk"))
            assert len(files) > files_at_kill
            assert not Claim.objects.filter(status=ClaimStatus.READY).exists()
            # Every file's content is a readable 837P whose claims are exactly its rows' claims.
            in_files: Counter[str] = Counter()
            for batch in files:
                assert batch.job_id == job.pk
                read = read_837p(batch.content)
                numbers = [c.claim.patient_control_number for c in read.claims()]
                assert len(numbers) == batch.claim_count
                assert set(numbers) == set(
                    batch.claims.values_list("patient_control_number", flat=True)
                )
                in_files.update(numbers)
            controls = dict(
                Claim.objects.filter(pk__in=claim_ids).values_list("patient_control_number", "pk")
            )
            assert set(in_files) == set(controls)  # every claim is in a file ...
            assert set(in_files.values()) == {1}  # ... exactly once
            assert not Claim.objects.filter(pk__in=claim_ids, batch__isnull=True).exists()
            # One READY -> BATCHED history row per claim: the killed file left nothing behind.
            moves = ClaimStatusChange.objects.filter(to_status=ClaimStatus.BATCHED)
            assert moves.count() == CLAIMS
            assert job.result["claims"] == CLAIMS
            assert sorted(job.result["batches"]) == [b.pk for b in files]


@pytest.mark.django_db
def test_redelivered_statement_task_closes_a_job_whose_run_was_committed(world):
    """The first attempt committed the run and died before marking the job: the redelivered
    task makes no second run and finishes the job."""
    from datetime import date

    from billing.models import StatementRun
    from billing.services.patient_billing import STATEMENT_JOB
    from billing.tasks import statement_run_task
    from mso.jobs.services import job_create, job_start

    as_of = date(2024, 5, 31)
    with in_schema(world.a):
        job = job_create(kind=STATEMENT_JOB, actor=world.admin, params={"as_of": str(as_of)})
        job_start(job_id=job.pk)
        run = StatementRun.objects.create(as_of=as_of, created_by=world.admin, job_id=job.pk)
        statement_run_task.apply(args=[str(job.pk)], throw=True)
        assert StatementRun.objects.filter(as_of=as_of).count() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result == {"run": run.pk}
