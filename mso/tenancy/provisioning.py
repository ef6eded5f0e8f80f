"""Creating a practice's schema fast.

django-tenants' default path (CREATE SCHEMA, then every migration one by one) takes seconds
per practice and grows with every migration we add. Instead we keep one *template* schema,
migrated the normal way, and clone its structure:

1. read the template's tables, foreign keys and migration rows from the catalog (once per
   process and template state; the "plan"),
2. in one transaction: CREATE SCHEMA, `CREATE TABLE .. (LIKE template.t INCLUDING DEFAULTS
   INCLUDING IDENTITY ...)` for every table (columns, NOT NULL, defaults, identity), then every
   primary key, unique, check and exclusion constraint and every other index under its
   template name (later migrations drop indexes and constraints by name), the foreign keys
   re-pointed at the new schema, rows that data migrations put in the template, and the
   template's django_migrations rows in bulk.

Stand-alone sequences (X12 control numbers) are created anew with the template's options.
Objects the cloner does not understand (views, functions, serial defaults) make `plan_build`
refuse, and provisioning falls back to the default path. A test
compares a cloned schema with a migrated one, column by column and index by index.
"""

import functools
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_exists

from .rules import SCHEMA_PATTERN

log = logging.getLogger(__name__)


class ProvisioningError(Exception):
    pass


class UnsupportedTemplateError(ProvisioningError):
    """The template holds an object kind the cloner cannot copy."""


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _checked(schema_name: str) -> str:
    if not SCHEMA_PATTERN.match(schema_name) or schema_name.startswith("pg_"):
        raise ProvisioningError(f"Invalid schema name {schema_name!r}.")
    return schema_name


def template_name() -> str:
    return _checked(settings.PRACTICE_TEMPLATE_SCHEMA)


# ---------------------------------------------------------------- template upkeep


@functools.cache
def migration_keys() -> frozenset[tuple[str, str]]:
    """Every migration the code defines (what a fully migrated schema has recorded). The code
    does not change under a running process, so this is read from disk once."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def recorded_migrations(schema_name: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {_q(schema_name)}.django_migrations")  # noqa: S608
        return set(cursor.fetchall())


def template_is_current() -> bool:
    name = template_name()
    return schema_exists(name) and migration_keys() <= recorded_migrations(name)


def migrate_schema_default(schema_name: str, *, verbosity: int = 0) -> None:
    """django-tenants' default path: create the schema and replay every migration."""
    _checked(schema_name)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {_q(schema_name)}")
    call_command(
        "migrate_schemas",
        tenant=True,
        schema_name=schema_name,
        interactive=False,
        verbosity=verbosity,
    )
    connection.set_schema_to_public()


def template_ensure(*, verbosity: int = 0) -> bool:
    """Create or migrate the template schema. Returns True if it had to change."""
    if template_is_current():
        return False
    log.info("Migrating practice template schema %s", template_name())
    migrate_schema_default(template_name(), verbosity=verbosity)
    _plan_cache.clear()
    return True


# ---------------------------------------------------------------- clone plan


@dataclass
class ClonePlan:
    tables: list[str] = field(default_factory=list)
    # (table, constraint name, definition as pg_get_constraintdef prints it unqualified)
    constraints: list[tuple[str, str, str]] = field(default_factory=list)
    # CREATE INDEX statements (unqualified) for indexes that back no constraint
    indexes: list[str] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)
    tables_with_rows: list[str] = field(default_factory=list)
    identity_columns: list[tuple[str, str]] = field(default_factory=list)
    # CREATE SEQUENCE options (unqualified name) for sequences no identity column owns
    sequences: list[tuple[str, str]] = field(default_factory=list)


_plan_cache: dict[frozenset, ClonePlan] = {}


def plan_build(template: str) -> ClonePlan:
    plan = ClonePlan()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relkind FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
            ORDER BY c.relname
            """,
            [template],
        )
        relations = cursor.fetchall()
        cursor.execute(
            """
            SELECT s.relname, q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcycle,
                   EXISTS (SELECT 1 FROM pg_depend d
                           WHERE d.objid = s.oid AND d.deptype IN ('a', 'i'))
            FROM pg_class s
            JOIN pg_namespace n ON n.oid = s.relnamespace
            JOIN pg_sequence q ON q.seqrelid = s.oid
            WHERE n.nspname = %s AND s.relkind = 'S'
            ORDER BY s.relname
            """,
            [template],
        )
        for name, start, increment, minimum, maximum, cycle, owned in cursor.fetchall():
            if owned:
                # Owned by a column (identity or serial): an owned serial default would still
                # point at the template's sequence, so only identity ones are supported.
                continue
            options = (
                f"INCREMENT {increment} MINVALUE {minimum} MAXVALUE {maximum} "
                f"START {start} {'CYCLE' if cycle else 'NO CYCLE'}"
            )
            plan.sequences.append((name, options))
        cursor.execute(
            """
            SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = %s
            """,
            [template],
        )
        functions = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT count(*) FROM pg_attrdef d
            JOIN pg_class c ON c.oid = d.adrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%%'
            """,
            [template],
        )
        serial_defaults = cursor.fetchone()[0]
        unsupported = [name for name, kind in relations if kind in ("v", "m", "f")]
        if unsupported or functions or serial_defaults:
            raise UnsupportedTemplateError(
                f"template has views {unsupported}, {functions} functions and "
                f"{serial_defaults} serial defaults"
            )
        plan.tables = [name for name, kind in relations if kind in ("r", "p")]
        # With only the template on the search path, references to its own tables print
        # unqualified and references to shared (public) tables print as public.x.
        cursor.execute(f"SET LOCAL search_path TO {_q(template)}")
        cursor.execute(
            """
            SELECT cl.relname, co.conname, pg_get_constraintdef(co.oid), co.contype = 'f'
            FROM pg_constraint co
            JOIN pg_class cl ON cl.oid = co.conrelid
            JOIN pg_namespace n ON n.oid = cl.relnamespace
            WHERE n.nspname = %s AND co.contype IN ('p', 'u', 'c', 'x', 'f')
            ORDER BY co.contype = 'f', co.contype <> 'p', cl.relname, co.conname
            """,
            [template],
        )
        for table, name, definition, is_fk in cursor.fetchall():
            (plan.foreign_keys if is_fk else plan.constraints).append((table, name, definition))
        cursor.execute(
            """
            SELECT pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = ic.relnamespace
            WHERE n.nspname = %s
              AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid)
            ORDER BY ic.relname
            """,
            [template],
        )
        # pg_get_indexdef always qualifies the table; drop the template's name so the
        # statement applies to whichever schema is first on the search path.
        plan.indexes = [
            row[0]
            .replace(f" ON {template}.", " ON ", 1)
            .replace(f" ON ONLY {template}.", " ON ONLY ", 1)
            for row in cursor.fetchall()
        ]
        cursor.execute(
            """
            SELECT c.relname, a.attname FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND a.attidentity IN ('a', 'd') AND NOT a.attisdropped
            """,
            [template],
        )
        plan.identity_columns = list(cursor.fetchall())
        for table in plan.tables:
            if table == "django_migrations":
                continue
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_q(template)}.{_q(table)})")  # noqa: S608
            if cursor.fetchone()[0]:
                plan.tables_with_rows.append(table)
    return plan


def plan_for(template: str) -> ClonePlan:
    key = frozenset(recorded_migrations(template))
    if key not in _plan_cache:
        with transaction.atomic():
            _plan_cache[key] = plan_build(template)
    return _plan_cache[key]


def schema_clone(schema_name: str) -> None:
    """Create `schema_name` as a structural copy of the template, atomically."""
    target = _checked(schema_name)
    template = template_name()
    connection.set_schema_to_public()
    plan = plan_for(template)
    t, s = _q(template), _q(target)
    # The DDL goes to the server as one script: one round trip instead of hundreds.
    script = [f"CREATE SCHEMA {s}"]
    script += [f"CREATE SEQUENCE {s}.{_q(name)} {options}" for name, options in plan.sequences]
    script += [
        f"CREATE TABLE {s}.{_q(table)} (LIKE {t}.{_q(table)} INCLUDING DEFAULTS "
        "INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)"
        for table in plan.tables
    ]
    script.append(f"SET LOCAL search_path TO {s}, public")
    script += [
        f"ALTER TABLE {s}.{_q(table)} ADD CONSTRAINT {_q(name)} {definition}"
        for table, name, definition in plan.constraints + plan.foreign_keys
    ]
    script += plan.indexes
    script += [
        f"INSERT INTO {s}.{_q(table)} SELECT * FROM {t}.{_q(table)}"  # noqa: S608
        for table in plan.tables_with_rows
    ]
    script.append(
        f"INSERT INTO {s}.django_migrations (app, name, applied) "  # noqa: S608
        f"SELECT app, name, now() FROM {t}.django_migrations"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(";\n".join(script))
        for table, column in plan.identity_columns:
            if table in plan.tables_with_rows:
                highest = f"SELECT max({_q(column)}) FROM {s}.{_q(table)}"  # noqa: S608
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(({highest}), 1))",
                    [f"{target}.{table}", column],
                )
        cursor.execute("SET LOCAL search_path TO public")


def schema_provision(schema_name: str) -> str:
    """Make a ready-to-use practice schema. Returns the path taken: 'clone' or 'migrate'."""
    template_ensure()
    try:
        schema_clone(schema_name)
    except UnsupportedTemplateError as exc:
        log.warning("Cloning unavailable (%s); migrating %s the slow way", exc, schema_name)
        migrate_schema_default(schema_name)
        return "migrate"
    return "clone"


def schema_drop(schema_name: str) -> None:
    target = _checked(schema_name)
    if target in ("public", template_name()):
        raise ProvisioningError(f"Refusing to drop {target}.")
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {_q(target)} CASCADE")
