"""Undo what an e2e module committed (the live server only sees committed data)."""

from django.db import connection


def empty_practice_tables(schema_name: str) -> None:
    """Leave a practice as the session found it: later tests (the isolation matrix) rely on
    practice B holding none of the names and ids that practice A's objects get."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename <> %s",
            [schema_name, "django_migrations"],
        )
        tables = [f'"{schema_name}"."{name}"' for (name,) in cursor.fetchall()]
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
