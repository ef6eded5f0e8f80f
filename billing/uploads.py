"""Reading uploaded X12 files: plain ASCII text, not binary, not over the upload limit
(settings.MSO_MAX_UPLOAD_BYTES, the same for the page, the API and the commands)."""

from django.conf import settings

from billing.exceptions import BillingError


class UploadError(BillingError):
    """An uploaded file that is not X12 text; nothing was read from it."""


def max_upload_bytes() -> int:
    return settings.MSO_MAX_UPLOAD_BYTES


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _check_size(size: int, name: str) -> None:
    limit = max_upload_bytes()
    if size > limit:
        raise UploadError(
            {"file": [f"{name} is {_size(size)}; the upload limit is {_size(limit)}."]}
        )


def x12_text(raw: bytes, name: str) -> str:
    _check_size(len(raw), name)
    if not raw.strip():
        raise UploadError({"file": [f"{name} is empty."]})
    if b"\x00" in raw:
        raise UploadError({"file": [f"{name} is a binary file, not an X12 text file."]})
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise UploadError(
            {
                "file": [
                    f"{name}: byte {exc.start + 1} is not ASCII; X12 files are plain ASCII text."
                ]
            }
        ) from None


def upload_text(data: dict) -> tuple[str, str]:
    """The name and text of an upload: a multipart `file`, or a `content` string."""
    upload = data.get("file")
    if upload is not None:
        _check_size(upload.size, upload.name)
        return upload.name[:200], x12_text(upload.read(), upload.name)
    if data.get("content"):
        name = (data.get("file_name") or "upload")[:200]
        return name, x12_text(data["content"].encode("utf-8", "replace"), name)
    raise UploadError({"file": ["Upload an X12 file."]})
