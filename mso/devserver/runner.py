"""Run a command (``env``) or the whole dev stack (``run``) beside the embedded services."""

from __future__ import annotations

import contextlib
import ctypes
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import FrameType
from typing import IO, Any

from .services import ServiceError, embedded_services, log
from .util import (
    ALL_INTERFACES,
    exit_code,
    format_banner,
    parse_list_json,
    port_is_free,
    portal_url,
    practice_url,
    practices_from,
    repo_root,
)

HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: How long web/worker/beat get to exit after SIGTERM before their groups are SIGKILLed.
STOP_GRACE_SECONDS = 12.0
HEALTH_WARN_AFTER_SECONDS = 90.0


class Stop(Exception):  # noqa: N818 - a signal, not an error
    """Raised in the main thread when a stop signal arrives while nothing is supervised."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class SignalRouter:
    """What SIGINT/SIGTERM/SIGHUP mean depends on the phase we are in.

    * ``raise_stop``: starting services / running set-up steps: unwind with :class:`Stop`.
    * ``forward_to``: ``env`` mode: pass the signal on to the wrapped command.
    * ``record``: ``run`` mode while supervising: the main loop notices and stops children.
    * ``hold``: tearing down: keep going, do not abort the clean-up half-way.
    """

    def __init__(self) -> None:
        self.requested: int | None = None
        self._child: subprocess.Popen[bytes] | None = None
        self._mode = "default"
        self._said_hold = False
        for signum in HANDLED_SIGNALS:
            signal.signal(signum, self._handle)

    def raise_stop(self) -> None:
        self._mode = "raise"

    def forward_to(self, child: subprocess.Popen[bytes]) -> None:
        self._child = child
        self._mode = "forward"

    def record(self) -> None:
        self._mode = "record"

    def hold(self) -> None:
        self._mode = "hold"

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.requested is None:
            self.requested = signum
        if self._mode == "raise":
            raise Stop(signum)
        if self._mode == "forward" and self._child is not None:
            if signum == signal.SIGINT and _terminal_sent_it_to_the_group():
                return  # the command is in our process group: the terminal already told it
            with contextlib.suppress(ProcessLookupError):
                self._child.send_signal(signum)
        elif self._mode == "hold" and not self._said_hold:
            self._said_hold = True
            log("stopping; please wait for the embedded services to shut down")


def _terminal_sent_it_to_the_group() -> bool:
    """Whether we run in the terminal's foreground process group (so Ctrl-C hit everyone)."""
    for fd in (0, 1, 2):
        try:
            return os.tcgetpgrp(fd) == os.getpgrp()
        except OSError:
            continue
    return False


# --- child processes -------------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1
try:
    _prctl: Callable[..., int] | None = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux
    _prctl = None


def _die_with_parent() -> None:
    """Runs in the forked child before exec: SIGTERM it if the dev server itself is killed."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _preexec() -> Callable[[], None] | None:
    return _die_with_parent if _prctl is not None else None


def spawn(
    argv: Sequence[str], env: dict[str, str], cwd: Path, *, capture: bool = False
) -> subprocess.Popen[bytes]:
    """Start a child in a session (and process group) of its own, stdin from /dev/null.

    Its own group, so that a Ctrl-C in the terminal reaches only us and we stop children in
    order; dies with us (PR_SET_PDEATHSIG) so that a SIGKILLed dev server leaves no orphans.
    """
    return subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.STDOUT if capture else None,
        start_new_session=True,
        preexec_fn=_preexec(),
    )


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def stop_processes(procs: Sequence[tuple[str, subprocess.Popen[bytes]]], grace: float) -> None:
    """SIGTERM each process, then its whole group; SIGKILL whatever is left after ``grace``.

    The leader goes first (a Celery worker shuts its own pool down on SIGTERM), then the
    rest of its group, which also catches grandchildren that outlived their parent.
    """
    for _name, proc in procs:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(p.poll() is None for _n, p in procs):
        time.sleep(0.05)
    for _name, proc in procs:  # group leaders are their own pgid (start_new_session)
        _signal_group(proc.pid, signal.SIGTERM)
    group_deadline = time.monotonic() + 3
    while time.monotonic() < group_deadline and any(_group_alive(p.pid) for _n, p in procs):
        time.sleep(0.05)
    for name, proc in procs:
        if _group_alive(proc.pid):
            log(f"{name}: still running after SIGTERM; killing its process group")
            _signal_group(proc.pid, signal.SIGKILL)
    for _name, proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)


# --- env --------------------------------------------------------------------------------------


def child_environ() -> dict[str, str]:
    """The environment for the commands we start: ours, without the settings module that
    importing `mso` (mso.celery) chose by default. Each command picks its own: pytest the test
    settings (pyproject), manage.py and Celery the local ones."""
    from mso.celery import SETTINGS_DEFAULTED

    env = dict(os.environ)
    if SETTINGS_DEFAULTED:
        env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def run_env(argv: Sequence[str], data_dir: Path) -> int:
    """``devserver env -- CMD``: services up, CMD with their URLs, its exit code back."""
    router = SignalRouter()
    router.raise_stop()
    try:
        with embedded_services(data_dir, before_teardown=router.hold) as extra:
            env = {**child_environ(), **extra}
            try:
                # Same process group as us, on purpose: an interactive command (a shell,
                # `manage.py shell`) must stay in the terminal's foreground group.
                # Dies with us (no threads run here, so preexec_fn is safe).
                child = subprocess.Popen(list(argv), env=env, preexec_fn=_preexec())
            except FileNotFoundError:
                log(f"command not found: {argv[0]}")
                return 127
            except PermissionError:
                log(f"permission denied: {argv[0]}")
                return 126
            router.forward_to(child)
            returncode = child.wait()
            router.hold()
            return exit_code(returncode)
    except Stop as stop:
        log(f"interrupted by {signal.Signals(stop.signum).name}")
        return 128 + stop.signum
    except ServiceError as exc:
        log(f"error: {exc}")
        return 1


# --- run --------------------------------------------------------------------------------------


def _manage(*args: str) -> list[str]:
    return [sys.executable, "manage.py", *args]


def setup_steps() -> list[tuple[str, list[str]]]:
    return [
        ("migrate_schemas", _manage("migrate_schemas", "--noinput")),
        ("practice_template_refresh", _manage("practice_template_refresh")),
        ("seed_demo", _manage("seed_demo")),
    ]


def long_running(port: int, data_dir: Path) -> list[tuple[str, list[str]]]:
    celery = [sys.executable, "-m", "celery", "-A", "mso.celery:app"]
    return [
        ("web", _manage("runserver", f"{ALL_INTERFACES}:{port}", "--noreload")),
        ("worker", [*celery, "worker", "-l", "info", "--concurrency", "2"]),
        (
            "beat",
            [*celery, "beat", "-l", "info", "--schedule", str(data_dir / "celerybeat-schedule")],
        ),
    ]


def healthz_ok(port: int, timeout: float = 2.0) -> bool:
    """``GET http://localhost:PORT/healthz`` answers 200 (asked on 127.0.0.1: runserver is v4)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/healthz", headers={"Host": f"localhost:{port}"})
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


class _Output:
    """Copies each child's output to our stdout, every line prefixed with the child's name."""

    COLOURS = {"web": "32", "worker": "35", "beat": "36"}

    def __init__(self, width: int) -> None:
        self.width = width
        self.lock = threading.Lock()
        self.colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        self.threads: list[threading.Thread] = []

    def write(self, text: str) -> None:
        # A closed stdout must not stop supervision or clean-up.
        with self.lock, contextlib.suppress(OSError, ValueError):
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()

    def pump(self, name: str, stream: IO[bytes]) -> None:
        label = f"{name:<{self.width}} |"
        if self.colour:
            label = f"\033[{self.COLOURS.get(name, '33')}m{label}\033[0m"
        thread = threading.Thread(target=self._copy, args=(label, stream), daemon=True)
        thread.start()
        self.threads.append(thread)

    def _copy(self, label: str, stream: IO[bytes]) -> None:
        with stream:
            for raw in iter(stream.readline, b""):
                self.write(f"{label} {raw.decode(errors='replace').rstrip()}")

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))


def fetch_demo_info(env: dict[str, str], cwd: Path) -> dict[str, Any] | None:
    """What ``manage.py seed_demo --list-json`` reports, or None (with a warning)."""
    try:
        result = subprocess.run(
            _manage("seed_demo", "--list-json"),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
            start_new_session=True,
        )
    except subprocess.TimeoutExpired:
        log("warning: `manage.py seed_demo --list-json` timed out; no practice URLs")
        return None
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        log(f"warning: `manage.py seed_demo --list-json` failed ({result.returncode}):\n{tail}")
        return None
    try:
        return parse_list_json(result.stdout)
    except ValueError as exc:
        log(f"warning: {exc}")
        return None


def _write_state(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=2) + "\n")
    tmp.replace(path)


def _describe_exit(returncode: int) -> str:
    if returncode < 0:
        return f"was killed by {signal.Signals(-returncode).name}"
    return f"exited with code {returncode}"


def run_step(name: str, argv: list[str], env: dict[str, str], cwd: Path) -> int:
    log(f"--> {name}: {' '.join(argv[1:])}")
    proc = spawn(argv, env, cwd)
    try:
        return proc.wait()
    except Stop:
        stop_processes([(name, proc)], grace=STOP_GRACE_SECONDS)
        raise


def run_dev(port: int, data_dir: Path) -> int:
    """``devserver run``: services, migrations, demo data, then web + worker + beat."""
    cwd = repo_root()
    if not port_is_free(port):
        log(f"error: port {port} is already in use (another dev server?); try --port")
        return 2
    router = SignalRouter()
    router.raise_stop()
    state_file = data_dir / f"devserver-{port}.json"
    try:
        with ExitStack() as stack:
            extra = stack.enter_context(embedded_services(data_dir, before_teardown=router.hold))
            env = {**child_environ(), **extra, "PYTHONUNBUFFERED": "1", "MSO_DEV_PORT": str(port)}
            for name, argv in setup_steps():
                returncode = run_step(name, argv, env, cwd)
                if returncode != 0:
                    log(f"error: {name} {_describe_exit(returncode)}; stopping")
                    return 1
            info = fetch_demo_info(env, cwd)

            children: list[tuple[str, subprocess.Popen[bytes]]] = []
            output = _Output(width=max(len(n) for n, _ in long_running(port, data_dir)))
            stack.callback(state_file.unlink, missing_ok=True)
            stack.callback(output.join, 5)
            stack.callback(stop_processes, children, STOP_GRACE_SECONDS)
            stack.callback(router.hold)  # runs first on the way out
            for name, argv in long_running(port, data_dir):
                log(f"--> {name}: {' '.join(argv[1:])}")
                children.append((name, spawn(argv, env, cwd, capture=True)))
            for name, proc in children:  # threads only after every fork (see spawn's preexec)
                assert proc.stdout is not None
                output.pump(name, proc.stdout)
            router.record()
            services = {k: env[k] for k in ("DATABASE_URL", "REDIS_URL") if env.get(k)}
            return _supervise(port, info, children, output, router, state_file, data_dir, services)
    except Stop as stop:
        log(f"interrupted by {signal.Signals(stop.signum).name} during start-up")
        return 128 + stop.signum
    except ServiceError as exc:
        log(f"error: {exc}")
        return 1


def _supervise(
    port: int,
    info: dict[str, Any] | None,
    children: list[tuple[str, subprocess.Popen[bytes]]],
    output: _Output,
    router: SignalRouter,
    state_file: Path,
    data_dir: Path,
    services: dict[str, str],
) -> int:
    started = time.monotonic()
    healthy = warned = False
    next_probe = started
    while True:
        if router.requested is not None:
            log(f"received {signal.Signals(router.requested).name}; stopping everything")
            return 0
        dead = [(name, proc.returncode) for name, proc in children if proc.poll() is not None]
        if dead:
            time.sleep(0.3)  # a crash often takes its siblings along: name them all
            dead = [(name, proc.returncode) for name, proc in children if proc.poll() is not None]
            what = ", ".join(f"{name} {_describe_exit(code)}" for name, code in dead)
            log(f"error: {what}; stopping everything")
            return 1
        now = time.monotonic()
        if not healthy and now >= next_probe:
            next_probe = now + 0.5
            if healthz_ok(port):
                healthy = True
                output.write(
                    format_banner(port, info, services=services, data_dir_text=str(data_dir))
                )
                _write_state(
                    state_file,
                    {
                        "pid": os.getpid(),
                        "port": port,
                        "portal": portal_url(port),
                        "practices": [
                            {**p, "url": practice_url(p["slug"], port)}
                            for p in practices_from(info)
                        ],
                        "signins": (info or {}).get("signins") or [],
                        "children": {name: proc.pid for name, proc in children},
                        "services": services,
                    },
                )
            elif not warned and now - started > HEALTH_WARN_AFTER_SECONDS:
                warned = True
                log(f"warning: http://localhost:{port}/healthz has not answered 200 yet")
        time.sleep(0.1)
