"""Malformed uploads (tests/fixtures/malformed, built by its build.py) through every channel:
the page form, the API and the management commands. Each is rejected with a reason (the
segment and line where there is one), nothing is written, and no uploaded file is left on
disk."""

import html
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from .conftest import signed_in_client
from .isolation.probes import practice_state

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "fixtures" / "malformed"
MANIFEST = json.loads((CORPUS / "MANIFEST.json").read_text())
CASES = sorted(MANIFEST.items())
PAGE = {"835": "/remittances/", "ack": "/acknowledgements/"}
API = {"835": "/api/v1/remittances/", "ack": "/api/v1/acknowledgements/"}
COMMAND = {"835": "era_post", "ack": "x12_ack"}
CHANNELS = ["page", "api", "command"]


@pytest.fixture
def upload_dir(tmp_path, settings):
    """Every upload spooled to disk (no in-memory shortcut), in a folder the test watches."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return folder


def submit(world, channel: str, kind: str, name: str, raw: bytes, tmp_path) -> str:
    """Send the file through one channel; return the reason it was refused with."""
    if channel == "command":
        path = tmp_path / name
        path.write_bytes(raw)
        with pytest.raises(CommandError) as refused:
            call_command(COMMAND[kind], "--practice", world.a.slug, str(path), stdout=StringIO())
        return str(refused.value)
    client = signed_in_client(world.staff, world.a)
    url = PAGE[kind] if channel == "page" else API[kind]
    response = client.post(url, {"file": SimpleUploadedFile(name, raw)})
    if channel == "page":
        assert response.status_code == 200, response.status_code  # the form, with its error
        page = html.unescape(response.content.decode())
        assert 'class="field-errors"' in page, "the page shows no error beside the file field"
        return page
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["errors"].get("file"), body
    return " ".join(body["errors"]["file"])


# An empty multipart file is refused by the form field itself: see the test after this one.
RUNS = [
    (name, case, channel)
    for name, case in CASES
    for channel in CHANNELS
    if channel == "command" or (CORPUS / name).stat().st_size
]


@pytest.mark.parametrize(
    ("name", "case", "channel"), RUNS, ids=[f"{name}-{channel}" for name, _, channel in RUNS]
)
def test_malformed_upload_is_rejected_whole(world, upload_dir, tmp_path, channel, name, case):
    raw = (CORPUS / name).read_bytes()
    before = practice_state(world.a)
    reason = submit(world, channel, case["channel"], name, raw, tmp_path)
    assert case["reason"] in reason, reason[-2000:]
    if "segment" in case["reason"] or case["reason"] in ("ISA", "SE", "GE", "IEA"):
        assert "line " in reason, "an X12 error names the line"
    assert practice_state(world.a) == before, "a rejected file wrote something"
    assert list(upload_dir.iterdir()) == [], "the upload was left on disk"


@pytest.mark.parametrize("kind", ["835", "ack"])
@pytest.mark.parametrize("channel", ["page", "api"])
def test_empty_multipart_file_is_refused(world, upload_dir, tmp_path, channel, kind):
    before = practice_state(world.a)
    reason = submit(world, channel, kind, "empty.txt", b"", tmp_path)
    assert "empty" in reason
    assert practice_state(world.a) == before


@pytest.mark.parametrize("kind", ["835", "ack"])
@pytest.mark.parametrize("channel", CHANNELS)
def test_oversized_upload_is_refused_with_the_limit(
    world, upload_dir, tmp_path, settings, channel, kind
):
    settings.MSO_MAX_UPLOAD_BYTES = 64 * 1024
    base = (
        CORPUS.parent.parent / "billing" / "fixtures" / "x12" / "835" / "835_full.txt"
    ).read_text()
    raw = (base * (settings.MSO_MAX_UPLOAD_BYTES // len(base) + 2)).encode()
    assert len(raw) > settings.MSO_MAX_UPLOAD_BYTES
    before = practice_state(world.a)
    reason = submit(world, channel, kind, "big.835", raw, tmp_path)
    assert "the upload limit is 65,536 bytes" in reason, reason[-1000:]
    assert practice_state(world.a) == before
    assert list(upload_dir.iterdir()) == []


def test_default_upload_limit_is_20_mb(settings):
    from billing.uploads import max_upload_bytes

    assert max_upload_bytes() == settings.MSO_MAX_UPLOAD_BYTES == 20 * 1024 * 1024
