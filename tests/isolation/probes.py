"""What the matrix looks at besides the answer: practice A's rows and states before and after,
and the cache entries other practices hold."""

import re

from django.core.cache import cache
from django.db import connection

from mso.accounts.models import ApiToken, Invitation, Membership
from mso.jobs.models import JobRun

# (table, columns) whose values a refused request must not change, beyond the row counts.
_STATES = [
    ("billing_claim", "id, status"),
    ("billing_denialcase", "id, status, assigned_to_id"),
    ("billing_claimbatchfile", "id, status"),
    ("practices_location", "id, name, city"),
]


def practice_state(practice) -> dict:
    """Row counts of every table in the practice's schema, a few status columns, and the
    practice's rows in shared tables (memberships, tokens, invitations, jobs)."""
    schema = practice.schema_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name",
            [schema],
        )
        tables = [row[0] for row in cursor.fetchall()]
        union = " UNION ALL ".join(
            f'SELECT \'{t}\', count(*) FROM "{schema}"."{t}"' for t in tables
        )
        cursor.execute(union)
        state = {f"rows:{t}": n for t, n in cursor.fetchall()}
        for table, columns in _STATES:
            cursor.execute(f'SELECT {columns} FROM "{schema}"."{table}" ORDER BY id')
            state[f"state:{table}"] = cursor.fetchall()
    state["memberships"] = sorted(
        Membership.objects.filter(practice=practice).values_list("pk", "user_id", "role")
    )
    state["tokens"] = sorted(
        ApiToken.objects.filter(practice=practice).values_list("pk", "revoked_at")
    )
    state["invitations"] = Invitation.objects.filter(practice=practice).count()
    state["jobs"] = JobRun.objects.filter(practice=practice).count()
    return state


def foreign_cache_leaks(own_schema: str, markers: set[str]) -> list[str]:
    """Cache keys of other schemas (django-tenants' make_key puts the schema first) whose
    stored value holds one of the markers."""
    client = cache._cache.get_client(None)
    prefix = cache.key_prefix
    leaks = []
    for key in client.scan_iter(match=f"*:{prefix}:*"):
        name = key.decode()
        if name.startswith(f"{own_schema}:"):
            continue
        value = client.get(key) or b""
        leaks += [f"{name} holds {m!r}" for m in markers if m.encode() in value]
    return leaks


def _marker_pattern(marker: str) -> re.Pattern:
    """The marker as a whole token: a claim number "5-1" must not match inside "2025-11-27"
    or an icon's path data "1.5-1.5". A marker that starts or ends with a letter or digit must
    not touch another one (or a decimal point and digit) there."""
    left = r"(?<![\w-])(?<!\d\.)" if re.match(r"\w", marker[0]) else ""
    right = r"(?![\w-]|\.\d)" if re.match(r"\w", marker[-1]) else ""
    return re.compile((left + re.escape(marker) + right).encode())


def leaked(content: bytes, markers: set[str]) -> list[str]:
    return sorted(m for m in markers if _marker_pattern(m).search(content))
