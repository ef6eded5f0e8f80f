"""Pure helpers of the dev server: paths, ports, URLs and the start-up banner.

Nothing in here starts a process or imports Django, so it is cheap to import and to test.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

#: Database that the embedded PostgreSQL always has (created on first start).
DEFAULT_DB_NAME = "mso"
#: Superuser that pgserver's initdb creates (trust auth, no password).
PG_SUPERUSER = "postgres"
#: PostgreSQL's default port: also the suffix of its unix socket file (``.s.PGSQL.5432``).
PG_DEFAULT_PORT = 5432
#: Environment variable that moves the data directory (default: ``<repo>/.data``).
DATA_DIR_ENV = "MSO_DATA_DIR"

ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - runserver is meant to be reachable as *.localhost


def repo_root() -> Path:
    """The checkout this package lives in (the directory holding ``pyproject.toml``)."""
    here = Path(__file__).resolve()
    for candidate in here.parents:
        if (candidate / "pyproject.toml").is_file():
            return candidate
    return Path.cwd()


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the embedded services keep their data: ``$MSO_DATA_DIR`` or ``<repo>/.data``."""
    env = os.environ if environ is None else environ
    configured = env.get(DATA_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    return repo_root() / ".data"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that nothing listens on right now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = ALL_INTERFACES) -> bool:
    """Whether a server could bind ``host:port`` now (with SO_REUSEADDR, like runserver)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def postgres_url(
    socket_dir: str | os.PathLike[str],
    dbname: str = DEFAULT_DB_NAME,
    *,
    user: str = PG_SUPERUSER,
    port: int | None = None,
) -> str:
    """URL of a PostgreSQL server that listens on a unix socket in ``socket_dir``.

    The socket directory travels in the ``host`` query parameter
    (``postgres://postgres@/mso?host=/abs/dir``), the one form that both libpq/psycopg2
    and django-environ read correctly: libpq takes ``host`` from the query string, and
    django-environ puts it into ``OPTIONS['host']``, which Django hands to psycopg2 as a
    connection keyword. (The percent-encoded ``%2Fdir`` host form is kept undecoded by
    django-environ 0.14 and therefore breaks Django.)
    """
    netloc = f"{quote(user, safe='')}@"
    if port is not None and port != PG_DEFAULT_PORT:
        netloc += f":{int(port)}"
    query = "host=" + quote(os.fspath(socket_dir), safe="/")
    return f"postgres://{netloc}/{quote(dbname, safe='')}?{query}"


def redis_url(port: int, host: str = "127.0.0.1", db: int = 0) -> str:
    return f"redis://{host}:{int(port)}/{int(db)}"


def portal_url(port: int) -> str:
    return f"http://localhost:{int(port)}"


def practice_url(slug: str, port: int) -> str:
    """Practice sites are subdomains of localhost, which browsers and curl resolve to loopback."""
    return f"http://{slug}.localhost:{int(port)}"


def host_url(host: str, port: int) -> str:
    """Turn a host as ``seed_demo --list-json`` reports it into a URL on *our* port.

    Accepts ``alpha.localhost``, ``alpha.localhost:8000`` or a full URL; keeps the path.
    """
    text = host.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    hostname = parts.hostname or "localhost"
    path = "" if parts.path in ("", "/") else parts.path
    return urlunsplit((parts.scheme or "http", f"{hostname}:{int(port)}", path, parts.query, ""))


def parse_list_json(output: str) -> dict[str, Any]:
    """The JSON object printed by ``manage.py seed_demo --list-json``.

    Tolerates other lines around it (warnings, log lines): tries the whole text, then
    each line from the last one up, then the span from the first ``{`` to the last ``}``.
    """
    candidates = [output.strip()]
    candidates += [line.strip() for line in reversed(output.splitlines()) if "{" in line]
    start, end = output.find("{"), output.rfind("}")
    if 0 <= start < end:
        candidates.append(output[start : end + 1])
    for text in candidates:
        if not text.startswith("{"):
            continue
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    raise ValueError("no JSON object found in seed_demo --list-json output")


def practices_from(info: dict[str, Any] | None) -> list[dict[str, str]]:
    """``[{"slug", "name"}, ...]`` from the ``seed_demo --list-json`` payload (may be None)."""
    result: list[dict[str, str]] = []
    for item in (info or {}).get("practices") or []:
        if isinstance(item, dict) and item.get("slug"):
            result.append({"slug": str(item["slug"]), "name": str(item.get("name") or "")})
    return result


def format_banner(
    port: int,
    info: dict[str, Any] | None,
    *,
    services: dict[str, str] | None = None,
    data_dir_text: str | None = None,
) -> str:
    """The text printed once the web process answers ``/healthz``."""
    rule = "=" * 78
    lines = [rule, "  MSO platform is running", ""]
    lines.append(f"  MSO portal        {portal_url(port)}")
    practices = practices_from(info)
    if practices:
        lines.append("  Practices")
        width = max(len(p["slug"]) for p in practices)
        for practice in practices:
            url = practice_url(practice["slug"], port)
            label = f"  ({practice['name']})" if practice["name"] else ""
            lines.append(f"    {practice['slug']:<{width}}  {url}{label}")
    elif info is None:
        lines.append("  Practices         (unknown: `seed_demo --list-json` gave nothing)")
    signins = [s for s in (info or {}).get("signins") or [] if isinstance(s, dict)]
    if signins:
        passwords = {str(s.get("password", "")) for s in signins}
        shared = passwords.pop() if len(passwords) == 1 else None
        lines.append(f"  Demo sign-ins     (password: {shared})" if shared else "  Demo sign-ins")
        rows = []
        for signin in signins:
            who = str(signin.get("email", "?"))
            if shared is None:
                who += f" / {signin.get('password', '?')}"
            where = host_url(str(signin["host"]), port) if signin.get("host") else ""
            rows.append((who, str(signin.get("role") or ""), where))
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        for who, role, where in rows:
            lines.append(f"    {who:<{widths[0]}}  {role:<{widths[1]}}  {where}".rstrip())
    if services:
        lines.append("  Services")
        for name, url in services.items():
            lines.append(f"    {name:<13} {url}")
    if data_dir_text:
        lines.append(f"  Data              {data_dir_text}")
    lines += ["", "  Press Ctrl-C to stop everything.", rule]
    return "\n".join(lines)


def exit_code(returncode: int) -> int:
    """A shell-style exit status for a Popen return code (signal N becomes 128+N)."""
    return 128 - returncode if returncode < 0 else returncode
