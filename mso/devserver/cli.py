"""Command line of ``python -m mso.devserver``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .util import data_dir


def _port(text: str) -> int:
    port = int(text)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {text}")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mso.devserver",
        description="Embedded PostgreSQL + Redis for development, and the dev stack on top.",
        epilog="Data directory: $MSO_DATA_DIR, default <repo>/.data.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    env = commands.add_parser(
        "env",
        help="run a command with DATABASE_URL/REDIS_URL set (embedded servers if unset)",
        description="Run CMD with DATABASE_URL and REDIS_URL set, starting embedded "
        "PostgreSQL/Redis for whichever is unset; exits with CMD's exit code.",
    )
    env.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- CMD [ARGS...]")
    run = commands.add_parser(
        "run",
        help="migrate, seed demo data, then run web + celery worker + beat",
        description="Start the services, migrate_schemas, practice_template_refresh, "
        "seed_demo, then runserver, a Celery worker and Celery beat together.",
    )
    run.add_argument("--port", type=_port, default=8000, help="runserver port (default 8000)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Imported here so that `--help` stays instant.
    from .runner import run_dev, run_env

    if args.command == "env":
        command = list(args.argv)
        if command and command[0] == "--":
            command = command[1:]
        if not command:
            parser.error("env needs a command: python -m mso.devserver env -- CMD [ARGS...]")
        return run_env(command, data_dir())
    return run_dev(args.port, data_dir())
