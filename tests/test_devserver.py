"""The dev server (mso.devserver): pure helpers, the `env` wrapper, the embedded services.

No Django here: what needs django-environ runs in a subprocess (it imports Django).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psycopg2.extensions
import pytest

from mso.devserver import runner, util

REPO = Path(__file__).resolve().parent.parent
DEVSERVER = [sys.executable, "-m", "mso.devserver"]


def devserver_env(tmp_data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"MSO_DATA_DIR": str(tmp_data), "PYTHONUNBUFFERED": "1", **extra}
    for name in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE"):
        env.pop(name, None)
    return env


def run_env(args: list[str], env: dict[str, str], timeout: float = 60):
    return subprocess.run(
        [*DEVSERVER, "env", "--", *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# --- pure helpers -----------------------------------------------------------------------------


def test_postgres_url_is_read_by_libpq():
    url = util.postgres_url("/srv/my data/pg", "mso")
    assert url == "postgres://postgres@/mso?host=/srv/my%20data/pg"
    assert psycopg2.extensions.parse_dsn(url) == {
        "user": "postgres",
        "dbname": "mso",
        "host": "/srv/my data/pg",
    }


def test_postgres_url_names_a_non_default_port_only():
    assert ":5433/" in util.postgres_url("/s", port=5433)
    assert psycopg2.extensions.parse_dsn(util.postgres_url("/s", port=5433))["port"] == "5433"
    assert util.postgres_url("/s", port=5432) == util.postgres_url("/s")


def test_postgres_url_is_read_by_django_environ():
    url = util.postgres_url("/srv/my data/pg", "mso")
    code = "import environ, json, sys; print(json.dumps(environ.Env.db_url_config(sys.argv[1])))"
    out = subprocess.run(
        [sys.executable, "-c", code, url], capture_output=True, text=True, check=True
    ).stdout
    config = json.loads(out)
    assert config["NAME"] == "mso"
    assert config["USER"] == "postgres"
    # Django passes OPTIONS to psycopg2.connect(), and HOST only when non-empty.
    assert config["HOST"] == ""
    assert config["OPTIONS"] == {"host": "/srv/my data/pg"}
    assert config["ENGINE"] == "django.db.backends.postgresql"


def test_redis_and_site_urls():
    assert util.redis_url(6380) == "redis://127.0.0.1:6380/0"
    assert util.portal_url(8001) == "http://localhost:8001"
    assert util.practice_url("alpha", 8001) == "http://alpha.localhost:8001"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("alpha.localhost", "http://alpha.localhost:8123"),
        ("alpha.localhost:8000", "http://alpha.localhost:8123"),
        ("localhost:8000", "http://localhost:8123"),
        ("http://alpha.localhost:8000/", "http://alpha.localhost:8123"),
        (
            "http://alpha.localhost:8000/accounts/login/",
            "http://alpha.localhost:8123/accounts/login/",
        ),
    ],
)
def test_host_url_moves_to_our_port(host, expected):
    assert util.host_url(host, 8123) == expected


def test_free_port_can_be_bound_and_port_is_free_sees_listeners():
    port = util.free_port()
    assert util.port_is_free(port, "127.0.0.1")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
        listener.listen()
        assert not util.port_is_free(port, "127.0.0.1")
        assert not util.port_is_free(port)  # 0.0.0.0 clashes with a 127.0.0.1 listener


LIST_JSON = {
    "portal": "http://localhost:8000",
    "practices": [
        {"slug": "alpha", "url": "http://alpha.localhost:8000", "name": "Alpha Medical"},
        {"slug": "bravo", "url": "http://bravo.localhost:8000", "name": ""},
    ],
    "signins": [
        {"email": "admin@mso.test", "password": "pw1", "role": "mso_admin", "host": "localhost"},
        {"email": "m@alpha.test", "password": "pw2", "role": "manager", "host": "alpha.localhost"},
    ],
}


def test_parse_list_json_skips_noise():
    noisy = "Applying migrations...\nwarning: {not json}\n" + json.dumps(LIST_JSON) + "\n"
    assert util.parse_list_json(noisy) == LIST_JSON
    pretty = "note\n" + json.dumps(LIST_JSON, indent=2)
    assert util.parse_list_json(pretty) == LIST_JSON
    with pytest.raises(ValueError, match="no JSON object"):
        util.parse_list_json("nothing here\n[1, 2]\n")


def test_banner_lists_portal_practices_and_signins_on_our_port():
    banner = util.format_banner(8765, LIST_JSON, services={"REDIS_URL": "redis://x"})
    assert "http://localhost:8765" in banner
    assert "http://alpha.localhost:8765" in banner
    assert "Alpha Medical" in banner
    assert "http://bravo.localhost:8765" in banner
    assert "admin@mso.test / pw1" in banner
    assert "m@alpha.test / pw2" in banner
    assert "http://alpha.localhost:8765" in banner.split("m@alpha.test")[1]
    assert ":8000" not in banner
    assert "redis://x" in banner


def test_banner_states_a_shared_password_once():
    info = {**LIST_JSON, "signins": [{**s, "password": "same"} for s in LIST_JSON["signins"]]}
    banner = util.format_banner(8765, info)
    assert "(password: same)" in banner
    assert " / same" not in banner


def test_banner_without_demo_info():
    banner = util.format_banner(8000, None)
    assert "http://localhost:8000" in banner
    assert "seed_demo --list-json" in banner


def test_data_dir_default_and_override(tmp_path):
    assert util.data_dir({}) == REPO / ".data"
    assert util.data_dir({"MSO_DATA_DIR": str(tmp_path / "d")}) == tmp_path / "d"
    assert util.repo_root() == REPO


def test_exit_code_maps_signals_like_a_shell():
    assert util.exit_code(0) == 0
    assert util.exit_code(3) == 3
    assert util.exit_code(-signal.SIGTERM) == 128 + signal.SIGTERM


def test_run_command_lines():
    steps = [argv[1:] for _name, argv in runner.setup_steps()]
    assert steps == [
        ["manage.py", "migrate_schemas", "--noinput"],
        ["manage.py", "practice_template_refresh"],
        ["manage.py", "seed_demo"],
    ]
    procs = dict(runner.long_running(8123, Path("/data")))
    assert procs["web"][1:] == ["manage.py", "runserver", "0.0.0.0:8123", "--noreload"]
    assert procs["worker"][1:] == [
        *("-m", "celery", "-A", "mso.celery:app", "worker"),
        *("-l", "info", "--concurrency", "2"),
    ]
    assert procs["beat"][-2:] == ["--schedule", "/data/celerybeat-schedule"]
    assert all(argv[0] == sys.executable for argv in procs.values())


def test_healthz_probe():
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    seen_hosts = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen_hosts.append(self.headers["Host"])
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert runner.healthz_ok(port)
        assert seen_hosts == [f"localhost:{port}"]
    finally:
        server.shutdown()
        server.server_close()
    assert not runner.healthz_ok(port, timeout=0.5)


# --- `env` with both URLs given: nothing starts -----------------------------------------------

GIVEN = {"DATABASE_URL": "postgres://u@db.invalid:1/x", "REDIS_URL": "redis://redis.invalid:2/0"}


def test_env_passes_given_urls_through_and_starts_nothing(tmp_path):
    data = tmp_path / "data"
    code = 'import os; print(os.environ["DATABASE_URL"]); print(os.environ["REDIS_URL"])'
    result = run_env([sys.executable, "-c", code], devserver_env(data, **GIVEN), timeout=20)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [GIVEN["DATABASE_URL"], GIVEN["REDIS_URL"]]
    assert not data.exists()  # no lock file, no server, nothing
    assert "postgres" not in result.stderr
    assert "redis" not in result.stderr


def test_env_leaves_the_settings_choice_to_the_command(tmp_path):
    """Importing `mso` defaults DJANGO_SETTINGS_MODULE to local; that default must not reach
    the command (pytest would run with local settings instead of its own test settings)."""
    code = 'import os; print(os.environ.get("DJANGO_SETTINGS_MODULE", "-"))'
    env = devserver_env(tmp_path / "data", **GIVEN)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    assert run_env([sys.executable, "-c", code], env).stdout.strip() == "-"
    env["DJANGO_SETTINGS_MODULE"] = "mso.settings.test"
    assert run_env([sys.executable, "-c", code], env).stdout.strip() == "mso.settings.test"


def test_env_returns_the_command_exit_code(tmp_path):
    env = devserver_env(tmp_path / "data", **GIVEN)
    assert run_env([sys.executable, "-c", "raise SystemExit(7)"], env).returncode == 7
    missing = run_env(["mso-no-such-command-xyz"], env)
    assert missing.returncode == 127
    assert "command not found" in missing.stderr


def test_env_without_command_is_a_usage_error(tmp_path):
    result = subprocess.run(
        [*DEVSERVER, "env", "--"],
        cwd=REPO,
        env=devserver_env(tmp_path, **GIVEN),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "needs a command" in result.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_env_forwards_stop_signals_to_the_command(tmp_path, signum):
    child = textwrap.dedent(
        """
        import signal, sys, time
        def stop(n, _):
            print("child got", signal.Signals(n).name, flush=True)
            sys.exit(42)
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        print("ready", flush=True)
        time.sleep(30)
        """
    )
    proc = subprocess.Popen(
        [*DEVSERVER, "env", "--", sys.executable, "-c", child],
        cwd=REPO,
        env=devserver_env(tmp_path / "data", **GIVEN),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        proc.send_signal(signum)
        out, _err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 42
    assert f"child got {signal.Signals(signum).name}" in out


# --- embedded PostgreSQL + Redis --------------------------------------------------------------

USE_SERVICES = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path
    import psycopg2, redis

    def use():
        with psycopg2.connect(os.environ["DATABASE_URL"]) as conn, conn.cursor() as cur:
            cur.execute("SELECT current_database(), current_user")
            db = cur.fetchone()
        hits = redis.Redis.from_url(os.environ["REDIS_URL"]).incr("devserver-test")
        return db, hits

    db, hits = use()
    if len(sys.argv) > 1:  # hold the services until told to go on
        ready, go = Path(sys.argv[1]), Path(sys.argv[2])
        ready.write_text("x")
        deadline = time.monotonic() + 30
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        db, hits = use()
    print(json.dumps({"db": db, "hits": hits, "DATABASE_URL": os.environ["DATABASE_URL"],
                      "REDIS_URL": os.environ["REDIS_URL"]}))
    """
)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def fresh_data_dir():
    # Not under pytest's tmp_path: as root, pgserver makes the data dir's parents
    # world-traversable, and pytest's basetemp is meant to stay private.
    path = Path(tempfile.mkdtemp(prefix="mso-devserver-test-"))
    yield path / "data"
    shutil.rmtree(path, ignore_errors=True)


def test_env_starts_shares_and_stops_embedded_services(fresh_data_dir):
    """Two concurrent `env` runs share one PostgreSQL and one Redis; the last one stops them."""
    data = fresh_data_dir
    env = devserver_env(data)
    ready, go = data.parent / "ready", data.parent / "go"
    first = subprocess.Popen(
        [*DEVSERVER, "env", "--", sys.executable, "-c", USE_SERVICES, str(ready), str(go)],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "first `env` never reached its command"
            time.sleep(0.05)

        second = run_env([sys.executable, "-c", USE_SERVICES], env)
        assert second.returncode == 0, second.stderr
        assert "reusing" in second.stderr
        seen = json.loads(second.stdout)
        assert seen["db"] == ["mso", "postgres"]
        assert seen["hits"] == 2
        assert seen["REDIS_URL"].startswith("redis://127.0.0.1:")

        # The second one left; the first still uses both servers, so they still run.
        pg_pid = int((data / "pg" / "postmaster.pid").read_text().split()[0])
        redis_pid = json.loads((data / "redis" / "server.json").read_text())["pid"]
        assert _pid_alive(pg_pid)
        assert _pid_alive(redis_pid)

        go.write_text("x")
        out, err = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    assert first.returncode == 0, err
    result = json.loads(out)
    assert result["hits"] == 3
    assert result["DATABASE_URL"] == seen["DATABASE_URL"]
    assert psycopg2.extensions.parse_dsn(result["DATABASE_URL"])["host"] == str(data / "pg")

    # The last user stopped both, and Redis saved its data under the data dir.
    deadline = time.monotonic() + 10
    while (_pid_alive(pg_pid) or _pid_alive(redis_pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _pid_alive(pg_pid)
    assert not _pid_alive(redis_pid)
    assert not (data / "pg" / "postmaster.pid").exists()
    assert not (data / "redis" / "server.json").exists()
    assert (data / "redis" / "dump.rdb").exists()
