"""Operators' commands for the exclusion list and screening, and the monthly practice task."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context

from compliance.models import ExclusionScreening
from compliance.tasks import exclusion_screen_task
from mso.reference.models import ExclusionList

from .leie_files import leie_csv, person

pytestmark = pytest.mark.django_db


def _json(*args) -> dict:
    out = StringIO()
    call_command(*args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_leie_import_command(world, tmp_path):
    path = tmp_path / "UPDATED.csv"
    path.write_bytes(leie_csv(person("Owner", "Test"), person("Someone", "Else")))
    assert _json("leie_import", str(path)) == {
        "file": "UPDATED.csv",
        "entries": 2,
        "already_imported": False,
    }
    assert _json("leie_import", str(path))["already_imported"] is True
    bad = tmp_path / "bad.csv"
    bad.write_bytes(leie_csv(person("Bad", "Date", EXCLDATE="2020")))
    with pytest.raises(CommandError, match="Line 2: EXCLDATE '2020' is not a date"):
        call_command("leie_import", str(bad), stdout=StringIO())
    with pytest.raises(CommandError, match="No such file"):
        call_command("leie_import", str(tmp_path / "missing.csv"), stdout=StringIO())
    assert ExclusionList.objects.count() == 1


def test_exclusion_screen_command(world, tmp_path):
    with pytest.raises(CommandError, match="No exclusion list"):
        call_command("exclusion_screen", "--practice", world.a.slug, stdout=StringIO())
    path = tmp_path / "UPDATED.csv"
    path.write_bytes(leie_csv(person("Owner", "Test")))
    call_command("leie_import", str(path), stdout=StringIO())
    result = _json("exclusion_screen", "--practice", world.a.slug)
    assert result["practice"] == world.a.slug and result["open"] == 1
    assert result["matches"][0]["kind"] == "owner"
    assert result["matches"][0]["strength"] == "name"
    with pytest.raises(CommandError, match="No practice"):
        call_command("exclusion_screen", "--practice", "nowhere", stdout=StringIO())


def test_monthly_task_screens_the_callers_practice_once(world, tmp_path):
    path = tmp_path / "UPDATED.csv"
    path.write_bytes(leie_csv(person("Owner", "Test")))
    call_command("leie_import", str(path), stdout=StringIO())
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        first = exclusion_screen_task.apply(args=["2026-11-01"], throw=True).get()
        again = exclusion_screen_task.apply(args=["2026-11-01"], throw=True).get()
        assert first == again
        assert ExclusionScreening.objects.get().trigger == "monthly"
    with schema_context(world.b.schema_name):
        assert not ExclusionScreening.objects.exists()
