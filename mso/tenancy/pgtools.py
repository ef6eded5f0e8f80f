"""PostgreSQL client programs (pg_dump, pg_restore) for the database Django uses.

pg_dump refuses a server newer than itself, so the program is chosen by the server's major
version among: $MSO_PG_BIN (a directory), the binaries bundled with pgserver (embedded mode,
PostgreSQL 16), and those on PATH or under /usr/lib/postgresql/*/bin (Debian's client)."""

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.db import connection


class PgToolError(RuntimeError):
    pass


def _candidates(name: str) -> list[Path]:
    dirs: list[Path] = []
    if custom := os.environ.get("MSO_PG_BIN"):
        dirs.append(Path(custom))
    try:
        from pgserver import _commands

        dirs.append(Path(_commands.POSTGRES_BIN_PATH))
    except ImportError:
        pass
    if found := shutil.which(name):
        dirs.append(Path(found).resolve().parent)
    dirs += [Path(d) for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    return [d / name for d in dict.fromkeys(dirs) if (d / name).is_file()]


def _major(program: Path) -> int:
    out = subprocess.run(  # noqa: S603 - a program path we found ourselves
        [str(program), "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else 0


def pg_program(name: str) -> Path:
    """The `name` client program that can talk to our server (same major version preferred)."""
    server = connection.pg_version // 10000
    usable = sorted(
        ((major, path) for path in _candidates(name) if (major := _major(path)) >= server),
        key=lambda item: (item[0] != server, item[0]),
    )
    if not usable:
        raise PgToolError(f"No {name} for PostgreSQL {server} found (set MSO_PG_BIN).")
    return usable[0][1]


def pg_env() -> dict[str, str]:
    """libpq environment for Django's database (HOST may be a socket directory)."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env
