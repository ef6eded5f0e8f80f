"""A scratch database for benchmarks, created beside the configured one and dropped after."""

import contextlib
import os
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mso"


@contextlib.contextmanager
def bench_database():
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    parts = urlsplit(url)
    name = (parts.path.lstrip("/") or "mso") + "_bench"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    _execute(admin_url, sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    _execute(admin_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = "mso-bench"
    try:
        yield name
    finally:
        from django.db import connections

        connections.close_all()
        _execute(admin_url, sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        os.environ["DATABASE_URL"] = url


def _execute(url: str, statement) -> None:
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()
