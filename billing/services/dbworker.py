"""Statements run on the current database connection by a background thread, in the order
they are submitted, so that PostgreSQL works while this thread goes on in Python.

835 posting reads a large file (pure Python, bound to one core) and writes tens of thousands of
rows (work done by the PostgreSQL server process, on another core). Run one after the other,
the two add up; with the writes of the first claims handed to this worker while the reader
goes on with the next ones, they overlap.

The worker uses the caller's psycopg2 connection, so its statements belong to the caller's
transaction (and see the practice's search_path); it only runs inside transaction.atomic().
Rules for the caller:
- psycopg2 serializes plain statements of several threads on one connection, but not the data
  transfer of a COPY: the caller may run statements while only plain-statement jobs can be
  running, never while a COPY job can be (wait with `drain()` first).
- The caller must not leave the transaction while jobs run: `close()` (the `with` block's end,
  also on error) first stops the worker from starting any further statement, cancels the jobs
  not started and waits for the statement in progress.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

T = TypeVar("T")


class ConnectionWorker:
    """`with ConnectionWorker() as worker:` inside the caller's transaction; see above."""

    def __init__(self) -> None:
        # This thread's Django connection itself (`django.db.connection` is a per-thread
        # proxy): the worker thread logs its statements there.
        self._wrapper = connections[DEFAULT_DB_ALIAS]
        if not self._wrapper.in_atomic_block:
            # In autocommit each statement would commit on its own: nothing to undo.
            raise RuntimeError("a ConnectionWorker runs inside transaction.atomic() only")
        with self._wrapper.cursor():  # connects, and sets the tenant's search_path
            pass
        self._raw = self._wrapper.connection
        self._schema = self._wrapper.schema_name  # the worker relies on the session's path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-worker")
        self._jobs: list[Future] = []
        self._stopping = threading.Event()

    def submit(self, job: Callable[..., T], *args) -> Future[T]:
        """Run `job(cursor, *args)` after the jobs already submitted; `cursor` is a psycopg2
        cursor on the shared connection (execute, copy_expert and the fetch methods)."""
        future = self._executor.submit(self._run, job, args)
        self._jobs.append(future)
        return future

    def result(self, future: Future[T]) -> T:
        """Wait for one job; a database error comes back as Django's exception class."""
        with self._wrapper.wrap_database_errors:
            return future.result()

    def failed(self) -> bool:
        """Whether a job has failed already (its error comes with drain() or result())."""
        return any(future.done() and future.exception() is not None for future in self._jobs)

    def drain(self) -> None:
        """Wait for every job submitted; raise the first error."""
        for future in self._jobs:
            self.result(future)
        self._jobs.clear()

    def __enter__(self) -> ConnectionWorker:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Start no further statement, cancel the jobs not started, wait for the statement in
        progress: after this, nothing runs on the connection but the caller. (Should the wait
        itself be interrupted, by a time limit for instance, the worker still starts nothing
        after the statement it is in.)"""
        self._stopping.set()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: Callable[..., T], args: tuple) -> T:
        if self._wrapper.schema_name != self._schema:
            # The caller switched schemas (and with it the session's search_path) while jobs
            # were pending: they would write into the wrong practice.
            raise RuntimeError(
                f"the connection moved from schema {self._schema!r} to "
                f"{self._wrapper.schema_name!r} while database jobs were pending"
            )
        with self._raw.cursor() as cursor:
            return job(_LoggedCursor(cursor, self._wrapper, self._stopping), *args)


class _LoggedCursor:
    """A psycopg2 cursor that starts no statement once the worker is stopping, and whose
    statements go to the Django connection's query log (when it keeps one), which does not see
    them otherwise: query budgets stay honest."""

    def __init__(self, cursor, wrapper, stopping: threading.Event) -> None:
        self._cursor, self._wrapper, self._stopping = cursor, wrapper, stopping
        self.fetchall, self.fetchone = cursor.fetchall, cursor.fetchone

    def execute(self, sql: str, params=None) -> None:
        start = self._start()
        self._cursor.execute(sql, params)
        self._log(sql, start)

    def copy_expert(self, sql: str, file, size: int = 8192) -> None:
        start = self._start()
        self._cursor.copy_expert(sql, file, size)
        self._log(sql, start)

    def _start(self) -> float:
        if self._stopping.is_set():
            raise RuntimeError("the database worker is stopping: statement not run")
        return time.monotonic()

    def _log(self, sql: str, start: float) -> None:
        if self._wrapper.queries_logged:
            self._wrapper.queries_log.append(
                {"sql": sql, "time": f"{time.monotonic() - start:.3f}"}
            )
