"""Re-encrypt every stored value of every EncryptedTextField with the newest key, in the
public schema and in every practice schema. Idempotent: values already under the newest key
(with a current lookup hash) are left alone. One transaction per model and schema."""

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import schema_context, schema_exists

from .fields import EncryptedTextField, encrypted_fields
from .keys import key_ring

BATCH = 500


@dataclass
class RotationCount:
    schema: str
    field: str
    rotated: int = 0
    rehashed: int = 0
    current: int = 0


@dataclass
class RotationReport:
    counts: list[RotationCount] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # practices without a schema yet
    failed: list[tuple[str, str]] = field(default_factory=list)  # (schema, error)

    @property
    def rotated(self) -> int:
        return sum(c.rotated for c in self.counts)

    @property
    def rehashed(self) -> int:
        return sum(c.rehashed for c in self.counts)

    @property
    def current(self) -> int:
        return sum(c.current for c in self.counts)


def _is_tenant_model(model) -> bool:
    return apps.get_app_config(model._meta.app_label).name in settings.TENANT_APPS


def _models_with_encrypted_fields(*, tenant: bool) -> list:
    return [
        model
        for model in apps.get_models()
        if encrypted_fields(model) and _is_tenant_model(model) == tenant
    ]


def _rotate_field(model, fld: EncryptedTextField, schema: str) -> RotationCount:
    """Read the raw ciphertext (not through the ORM, which would decrypt), re-encrypt the
    values whose key is not the newest, recompute lookup hashes that differ."""
    ring = key_ring()
    count = RotationCount(schema=schema, field=fld.label)
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    column = connection.ops.quote_name(fld.column)
    hash_column = (
        connection.ops.quote_name(model._meta.get_field(fld.hash_field).column)
        if fld.hash_field
        else None
    )
    select_hash = hash_column or "NULL"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk}, {column}, {select_hash} FROM {table} "  # noqa: S608 - quoted names
            f"WHERE {column} <> '' ORDER BY {pk} FOR UPDATE"
        )
        rows = cursor.fetchall()
        updates = []
        for row_id, stored, stored_hash in rows:
            plaintext = ring.decrypt(stored, label=fld.label)
            new_stored = stored
            if ring.key_id_of(stored) != ring.primary_id:
                new_stored = ring.encrypt(plaintext)
                count.rotated += 1
            new_hash = ring.lookup_hash(plaintext) if hash_column else None
            if hash_column and new_hash != stored_hash:
                count.rehashed += 1
            if new_stored == stored and new_hash == stored_hash:
                count.current += 1
                continue
            updates.append((new_stored, new_hash, row_id) if hash_column else (new_stored, row_id))
        set_clause = f"{column} = %s" + (f", {hash_column} = %s" if hash_column else "")
        for start in range(0, len(updates), BATCH):
            cursor.executemany(
                f"UPDATE {table} SET {set_clause} WHERE {pk} = %s",  # noqa: S608
                updates[start : start + BATCH],
            )
    return count


def rotate_schema(schema: str, *, tenant: bool) -> list[RotationCount]:
    with schema_context(schema):
        return [
            _rotate_field(model, fld, schema)
            for model in _models_with_encrypted_fields(tenant=tenant)
            for fld in encrypted_fields(model)
        ]


def rotate_all(practices) -> RotationReport:
    """`practices`: the tenants whose schemas to rotate (public is always rotated). A practice
    still being provisioned has no schema (nothing to rotate) and is reported as skipped; a
    schema that fails is reported and the others go on (each field commits on its own, and a
    re-run finishes the job)."""
    report = RotationReport()
    report.counts += rotate_schema("public", tenant=False)
    for practice in practices:
        if not schema_exists(practice.schema_name):
            report.skipped.append(practice.schema_name)
            continue
        try:
            report.counts += rotate_schema(practice.schema_name, tenant=True)
        except Exception as exc:
            report.failed.append((practice.schema_name, f"{type(exc).__name__}: {exc}"))
    return report
