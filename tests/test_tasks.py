"""Celery: tasks carry their practice's schema and refuse to run without one."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.db import connection
from django_tenants.utils import schema_context

from mso.celery import app
from mso.tasking import PracticeRequiredError
from practices.selectors import SUMMARY_CACHE_KEY
from practices.tasks import practice_summary_refresh, practice_summary_refresh_all


def test_practice_task_fails_closed_in_public_schema(world, db):
    connection.set_schema_to_public()
    with pytest.raises(PracticeRequiredError):
        practice_summary_refresh.apply(throw=True)


def test_practice_task_runs_in_the_callers_schema_eagerly(world, db):
    with schema_context(world.a.schema_name):
        result = practice_summary_refresh.apply(throw=True).get()
        assert cache.get(SUMMARY_CACHE_KEY) == result
    with schema_context(world.b.schema_name):
        cache.delete(SUMMARY_CACHE_KEY)


def _eventually_cached(schema_name: str, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with schema_context(schema_name):
            if cache.get(SUMMARY_CACHE_KEY) is not None:
                return True
        time.sleep(0.1)
    return False


@pytest.mark.worker
@pytest.mark.django_db
def test_real_worker_runs_task_in_the_senders_practice(world, django_db_blocker):
    """A real worker thread on Redis: the schema travels in the message headers."""
    with django_db_blocker.unblock():
        for practice in (world.a, world.b):
            with schema_context(practice.schema_name):
                cache.delete(SUMMARY_CACHE_KEY)
        app.control.purge()  # messages a previous, interrupted run may have left
        with start_worker(
            app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10
        ):
            with schema_context(world.a.schema_name):
                summary = practice_summary_refresh.delay().get(timeout=30)
                assert cache.get(SUMMARY_CACHE_KEY) == summary
            with schema_context(world.b.schema_name):
                assert cache.get(SUMMARY_CACHE_KEY) is None
            # Sent from the public schema, the practice task is refused by the worker.
            connection.set_schema_to_public()
            with pytest.raises(PracticeRequiredError):
                practice_summary_refresh.delay().get(timeout=30, propagate=True)
            # The beat fan-out sends one task per practice, each in its own schema.
            assert practice_summary_refresh_all.delay().get(timeout=30) >= 3
            assert _eventually_cached(world.b.schema_name)
        for practice in (world.a, world.b):
            with schema_context(practice.schema_name):
                cache.delete(SUMMARY_CACHE_KEY)
