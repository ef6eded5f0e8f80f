"""Per-practice backup and restore (HIPAA 164.308(a)(7)(ii)(A),(B); 164.312(c)(1)).

An archive (tar, optionally gzip) holds:

* ``schema.dump``: ``pg_dump --format=custom`` of the practice's schema (structure and data),
* ``public.json``: the practice's rows in the public schema (see PUBLIC_ROWS),
* ``manifest.json``: source practice, app version, the schema's migration state, per table
  the row count and a SHA-256 of its rows in primary-key order, the same for the public rows,
  and the SHA-256 of the two files above,
* ``manifest.sig``: an HMAC of the manifest keyed by SECRET_KEY (``django.core.signing``), so
  an archive edited after the fact, manifest included, is refused.

The dump, the checksums and the public rows are read in one REPEATABLE READ snapshot
(``pg_dump --snapshot``), so they describe the same instant.

Restore makes a *new* practice (new slug, new schema) in one transaction: the practice row,
its owners and memberships, a schema cloned from the template at the current migration state,
the dumped rows loaded into it, sequences set, then every table's row count and checksum
compared with the manifest. Any mismatch, a newer (or older) migration state or a foreign key
to a shared row that no longer exists rolls everything back: no half practice is left.
"""

import getpass
import hashlib
import io
import json
import os
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.apps import apps
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone

from mso.audit.services import audit_context_reset, audit_context_set, audit_record

from . import provisioning
from .choices import RESERVED_SLUGS, PracticeStatus
from .models import Domain, Practice
from .pgtools import pg_env, pg_program
from .rules import SLUG_PATTERN, schema_name_for
from .services import practice_host

FORMAT = 1
SIGNING_SALT = "mso.tenancy.backup"
MEMBERS = ("manifest.json", "manifest.sig", "public.json", "schema.dump")

# Every public model with a foreign key to Practice must be listed here: copied into the
# restored practice, or left out for the reason given. An unlisted one stops the export.
PUBLIC_ROWS: dict[str, str | None] = {
    "tenancy.owner": None,  # copied: the PC's physician owners and licenses
    "accounts.membership": None,  # copied: who may work in the practice, and as what
    "tenancy.domain": "made anew from the new slug",
    "accounts.apitoken": "credentials are reissued for a restored practice, never copied",
    "accounts.invitation": "pending invitations carry one-time links; invite again",
    "accounts.signinhandoff": "short-lived sign-in hand-offs",
    "jobs.jobrun": "history of background jobs of the source practice",
    "contracts.agreement": "the MSO's contract with the source PC (whole-database backup)",
    "contracts.costentry": "MSO cost records of the source PC (whole-database backup)",
    "contracts.invoice": "MSO invoices to the source PC; copying them would bill twice",
    "audit.emergencygrant": "break-glass grants are reviewed in the source's audit trail",
}
# Practice columns that identify the source; the restored practice gets its own.
PRACTICE_IDENTITY = ("id", "slug", "schema_name", "name", "status", "created_at", "ready_at")


class BackupError(Exception):
    """An export or restore was refused; nothing was written."""


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def app_version() -> str:
    try:
        return version("mso")
    except PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------- what belongs to a practice


def practice_relations() -> list[tuple[str, str, str]]:
    """(model label, table, column) of every public model with a foreign key to Practice."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if (field.many_to_one or field.one_to_one) and field.related_model is Practice:
                found.append((model._meta.label_lower, model._meta.db_table, field.column))
    return sorted(found)


def copied_relations() -> list[tuple[str, str, str]]:
    relations = practice_relations()
    unknown = [label for label, _, _ in relations if label not in PUBLIC_ROWS]
    if unknown:
        raise BackupError(
            f"{', '.join(unknown)} point at Practice; decide in PUBLIC_ROWS whether a practice "
            "backup carries them."
        )
    return [r for r in relations if PUBLIC_ROWS[r[0]] is None]


def _canonical(row: dict, drop: tuple[str, ...]) -> str:
    return json.dumps(
        {k: v for k, v in row.items() if k not in drop}, sort_keys=True, separators=(",", ":")
    )


def _public_digest(label: str, rows: list[dict], fk_column: str) -> dict:
    """Rows without their ids and practice reference (a restore gives them new ones)."""
    drop = PRACTICE_IDENTITY if label == "tenancy.practice" else ("id", fk_column)
    lines = sorted(_canonical(row, drop) for row in rows)
    return {
        "rows": len(rows),
        "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest(),
    }


def _public_rows(cursor, practice_id: int) -> dict[str, dict]:
    """{label: {"table", "column", "rows"}} of the practice row and the rows copied with it."""
    out = {}
    practice_row = ("tenancy.practice", "tenancy_practice", "id")
    for label, table, column in [practice_row, *copied_relations()]:
        cursor.execute(
            f"SELECT row_to_json(t)::text FROM {_q(table)} t "  # noqa: S608
            f"WHERE {_q(column)} = %s ORDER BY id",
            [practice_id],
        )
        rows = [json.loads(text) for (text,) in cursor.fetchall()]
        out[label] = {"table": table, "column": column, "rows": rows}
    return out


def public_digests(public: dict[str, dict]) -> dict[str, dict]:
    return {
        label: _public_digest(label, entry["rows"], entry["column"])
        for label, entry in public.items()
    }


# ---------------------------------------------------------------- schema checksums


class _Hasher(io.RawIOBase):
    """A file COPY writes into: hashes the rows and counts them (one line per row)."""

    def __init__(self):
        self.digest = hashlib.sha256()
        self.rows = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = data.encode() if isinstance(data, str) else bytes(data)
        self.digest.update(data)
        self.rows += data.count(b"\n")
        return len(data)


def schema_tables(cursor, schema: str) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema]
    )
    return [name for (name,) in cursor.fetchall()]


def table_digest(cursor, schema: str, table: str) -> dict:
    """Row count and SHA-256 of COPY text of the rows, columns by name, in key order."""
    cursor.execute(
        "SELECT a.attname, COALESCE(a.attnum = ANY(i.indkey), false) "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary "
        "WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attname",
        [schema, table],
    )
    columns = cursor.fetchall()
    names = ", ".join(_q(name) for name, _ in columns)
    key = ", ".join(_q(name) for name, primary in columns if primary) or names
    hasher = _Hasher()
    cursor.copy_expert(
        f"COPY (SELECT {names} FROM {_q(schema)}.{_q(table)} ORDER BY {key}) TO STDOUT",  # noqa: S608
        hasher,
    )
    return {"rows": hasher.rows, "sha256": hasher.digest.hexdigest()}


def schema_digests(cursor, schema: str) -> dict[str, dict]:
    return {table: table_digest(cursor, schema, table) for table in schema_tables(cursor, schema)}


# ---------------------------------------------------------------- export


def practice_export(*, practice: Practice, path: Path) -> dict:
    """Write the practice's archive to `path` (mode 0600; it holds ePHI). Returns the manifest."""
    if practice.schema_name == "public" or not practice.is_ready:
        raise BackupError(f"{practice.slug} has no ready practice schema to export.")
    copied_relations()  # refuse early if a new public model is unclassified
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="mso-export-") as tmp:
        work = Path(tmp)
        raw = connection.get_new_connection(connection.get_connection_params())
        try:
            raw.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with raw.cursor() as cursor:
                cursor.execute("SET TIME ZONE 'UTC'")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                dump = work / "schema.dump"
                program = pg_program("pg_dump")
                result = subprocess.run(  # noqa: S603 - fixed arguments, checked schema name
                    [
                        str(program),
                        "--format=custom",
                        f"--schema={provisioning._checked(practice.schema_name)}",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        f"--file={dump}",
                    ],
                    env=pg_env(),
                    capture_output=True,
                    text=True,
                )
                if result.returncode:
                    raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
                tables = schema_digests(cursor, practice.schema_name)
                cursor.execute(
                    f"SELECT app, name FROM {_q(practice.schema_name)}.django_migrations "  # noqa: S608
                    "ORDER BY app, name"
                )
                migrations = [list(row) for row in cursor.fetchall()]
                public = _public_rows(cursor, practice.pk)
            raw.rollback()
        finally:
            raw.close()
        (work / "public.json").write_text(json.dumps(public, sort_keys=True))
        manifest = {
            "format": FORMAT,
            "app_version": app_version(),
            "created_at": timezone.now().isoformat(),
            "source": {
                "practice_id": practice.pk,
                "slug": practice.slug,
                "schema_name": practice.schema_name,
                "name": practice.name,
            },
            "pg_dump": str(program),
            "migrations": migrations,
            "tables": tables,
            "public": public_digests(public),
            "files": {name: _sha256_file(work / name) for name in ("public.json", "schema.dump")},
        }
        text = json.dumps(manifest, indent=2, sort_keys=True)
        (work / "manifest.json").write_text(text)
        (work / "manifest.sig").write_text(_signer().sign(text).rsplit(":", 1)[1])
        partial = path.with_name(path.name + ".partial")
        mode = "w:gz" if path.name.endswith(".gz") else "w"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode=mode) as tar:
            for name in MEMBERS:
                tar.add(work / name, arcname=name)
        partial.replace(path)
    audit_record(
        actor=None,
        action="practice.export",
        obj=practice,
        practice=practice,
        changes={
            "archive": path.name,
            "sha256": _sha256_file(path),
            "tables": len(tables),
            "rows": sum(t["rows"] for t in tables.values()),
            "operator": getpass.getuser(),
        },
    )
    return manifest


def _signer() -> signing.Signer:
    return signing.Signer(salt=SIGNING_SALT, algorithm="sha256")


# ---------------------------------------------------------------- restore


class _Archive:
    """The members of an archive, checked against its signed manifest before any use."""

    def __init__(self, path: Path, work: Path):
        try:
            with tarfile.open(path, "r:*") as tar:
                for name in MEMBERS:
                    member = tar.getmember(name)
                    if not member.isfile():
                        raise BackupError(f"{name} in the archive is not a file.")
                    with tar.extractfile(member) as src, (work / name).open("wb") as dst:
                        for chunk in iter(lambda src=src: src.read(1 << 20), b""):
                            dst.write(chunk)
        except (tarfile.TarError, KeyError, OSError) as exc:
            raise BackupError(f"Not a practice archive: {exc}") from exc
        text = (work / "manifest.json").read_text()
        signature = (work / "manifest.sig").read_text().strip()
        try:
            _signer().unsign(f"{text}:{signature}")
        except signing.BadSignature as exc:
            raise BackupError(
                "The archive's manifest signature does not match: it was altered, or made "
                "with another SECRET_KEY. Refused."
            ) from exc
        self.manifest = json.loads(text)
        if self.manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown archive format {self.manifest.get('format')!r}.")
        for name, expected in self.manifest["files"].items():
            if _sha256_file(work / name) != expected:
                raise BackupError(f"Checksum mismatch for {name}: the archive was altered.")
        self.dump = work / "schema.dump"
        self.public = json.loads((work / "public.json").read_text())


def _check_migrations(manifest: dict) -> None:
    archive = {tuple(m) for m in manifest["migrations"]}
    unknown = archive - provisioning.migration_keys()
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in sorted(unknown)[:5])
        raise BackupError(
            f"The archive comes from a newer release (migrations unknown here: {names}). "
            "Upgrade this installation first."
        )
    provisioning.template_ensure()
    current = provisioning.recorded_migrations(provisioning.template_name())
    if archive != current:
        missing = ", ".join(f"{app}.{name}" for app, name in sorted(current - archive)[:5])
        raise BackupError(
            f"The archive comes from an older release (it lacks {missing}). Restore it with "
            f"the release that made it ({manifest['app_version']}), then upgrade."
        )


def _check_target(slug: str) -> str:
    schema = schema_name_for(slug)
    if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS or slug.startswith("pg-"):
        raise BackupError(f"{slug!r} is not a usable practice slug.")
    if (
        Practice.objects.filter(slug=slug).exists()
        or Practice.objects.filter(schema_name=schema).exists()
    ):
        raise BackupError(f"A practice {slug!r} exists already; choose a new slug.")
    if provisioning.schema_exists(schema):
        raise BackupError(f"Schema {schema} exists already.")
    return schema


def _insert_row(cursor, table: str, row: dict) -> int:
    columns = ", ".join(_q(c) for c in row)
    cursor.execute(
        f"INSERT INTO {_q(table)} ({columns}) SELECT {columns} "  # noqa: S608
        f"FROM json_populate_record(NULL::{_q(table)}, %s::json) RETURNING id",
        [json.dumps(row)],
    )
    return cursor.fetchone()[0]


def _restore_public(cursor, public: dict, *, slug: str, schema: str, name: str | None) -> int:
    (source,) = public["tenancy.practice"]["rows"]
    now = timezone.now().isoformat()
    row = {k: v for k, v in source.items() if k != "id"}
    row |= {"slug": slug, "schema_name": schema, "name": name or source["name"]}
    row |= {"status": PracticeStatus.READY, "created_at": now, "ready_at": now}
    practice_id = _insert_row(cursor, "tenancy_practice", row)
    for label, entry in public.items():
        if label == "tenancy.practice":
            continue
        if PUBLIC_ROWS.get(label, "unknown") is not None:
            raise BackupError(f"The archive carries {label} rows, which a restore never copies.")
        for item in entry["rows"]:
            copy = {k: v for k, v in item.items() if k != "id"} | {entry["column"]: practice_id}
            _insert_row(cursor, entry["table"], copy)
    return practice_id


_COPY = re.compile(
    r'^COPY (?:"(?:[^"]|"")+"|[^".\s]+)\.(?P<table>"(?:[^"]|"")+"|[^".\s]+) '
    r"(?P<columns>\(.*\)) FROM stdin;$"
)
_SETVAL = re.compile(
    r"^SELECT pg_catalog\.setval\('(?:\"(?:[^\"]|\"\")+\"|[^'.]+)\.(?P<sequence>[^']+)', "
    r"(?P<value>-?\d+), (?P<called>true|false)\);$"
)
# Comments, session settings, and psql's \restrict guard (PostgreSQL 17.6/16.10/15.14 on).
_IGNORED = re.compile(
    r"^(--.*|SET .*|SELECT pg_catalog\.set_config\(.*|\\(un)?restrict [A-Za-z0-9]+)?$"
)


class _CopyData(io.RawIOBase):
    """The data lines of one COPY block, up to its `\\.` line, as a file for copy_expert."""

    def __init__(self, lines: Iterator[bytes]):
        self.lines, self.done = lines, False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.done:
            return b""
        line = next(self.lines, b"\\.\n")
        if line in (b"\\.\n", b"\\.\r\n"):
            self.done = True
            return b""
        return line

    readline = read


def _load_dump(cursor, dump: Path, schema: str) -> None:
    """Stream `pg_restore --data-only` of the dump into `schema` (rows and sequence values)."""
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [str(pg_program("pg_restore")), "--data-only", "--file=-", str(dump)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=pg_env(),
    )
    failed = False
    try:
        lines = iter(process.stdout.readline, b"")
        for raw_line in lines:
            line = raw_line.decode().rstrip("\r\n")
            if match := _COPY.match(line):
                cursor.copy_expert(
                    f"COPY {_q(schema)}.{match['table']} {match['columns']} FROM STDIN",
                    _CopyData(lines),
                )
            elif match := _SETVAL.match(line):
                cursor.execute(
                    "SELECT setval(%s, %s, %s)",
                    [
                        f"{_q(schema)}.{match['sequence']}",
                        int(match["value"]),
                        match["called"] == "true",
                    ],
                )
            elif not _IGNORED.match(line):
                raise BackupError(f"Unexpected statement in the dump: {line[:120]}")
    except BaseException:
        failed = True
        raise
    finally:
        process.stdout.close()
        stderr = process.stderr.read().decode()
        process.stderr.close()
        if process.wait() != 0 and not failed:
            raise BackupError(f"pg_restore failed: {stderr.strip()}")


def _compare(kind: str, expected: dict, actual: dict) -> None:
    problems = [
        f"{name}: expected {want['rows']} rows, found {have.get('rows', 'no table')}"
        if want["rows"] != have.get("rows")
        else f"{name}: checksum differs"
        for name, want in sorted(expected.items())
        if want != (have := actual.get(name, {}))
    ]
    problems += [f"{name}: not in the archive" for name in sorted(set(actual) - set(expected))]
    if problems:
        raise BackupError(f"Restored {kind} do not match the manifest: " + "; ".join(problems))


def practice_restore(*, path: Path, slug: str, name: str | None = None) -> Practice:
    """Restore an archive as a new practice `slug`. All or nothing; audited either way."""
    token = audit_context_set(ip_address=None, channel="cli")
    try:
        with tempfile.TemporaryDirectory(prefix="mso-restore-") as tmp:
            try:
                archive = _Archive(Path(path), Path(tmp))
                _check_migrations(archive.manifest)
                practice = _restore(archive, slug=slug, name=name)
            except Exception as exc:
                connection.set_schema_to_public()
                audit_record(
                    actor=None,
                    action="practice.restore_refused",
                    object_type="tenancy.practice",
                    changes={"archive": Path(path).name, "slug": slug, "reason": str(exc)[:500]},
                )
                raise
    finally:
        audit_context_reset(token)
    return practice


@transaction.atomic
def _restore(archive: _Archive, *, slug: str, name: str | None) -> Practice:
    manifest = archive.manifest
    schema = _check_target(slug)
    with connection.cursor() as cursor:
        practice_id = _restore_public(cursor, archive.public, slug=slug, schema=schema, name=name)
    Domain.objects.create(domain=practice_host(slug), tenant_id=practice_id, is_primary=True)
    provisioning.schema_clone(schema)
    with connection.cursor() as cursor:
        tables = schema_tables(cursor, schema)
        cursor.execute("TRUNCATE " + ", ".join(f"{_q(schema)}.{_q(t)}" for t in tables))
        _load_dump(cursor, archive.dump, schema)
        try:
            with transaction.atomic():
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        except Exception as exc:
            raise BackupError(
                f"The restored rows refer to shared rows missing here: {exc}"
            ) from exc
        cursor.execute("SET LOCAL TIME ZONE 'UTC'")
        _compare("tables", manifest["tables"], schema_digests(cursor, schema))
        restored_public = _public_rows(cursor, practice_id)
    _compare("public rows", manifest["public"], public_digests(restored_public))
    practice = Practice.objects.get(pk=practice_id)
    audit_record(
        actor=None,
        action="practice.restore",
        obj=practice,
        practice=practice,
        changes={
            "source": manifest["source"],
            "archive_created_at": manifest["created_at"],
            "tables": len(manifest["tables"]),
            "rows": sum(t["rows"] for t in manifest["tables"].values()),
            "operator": getpass.getuser(),
        },
    )
    return practice
