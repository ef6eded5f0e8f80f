"""Reading uploaded X12 files: plain ASCII text, not binary, not oversized."""

from billing.exceptions import BillingError

MAX_BYTES = 20 * 1024 * 1024


class UploadError(BillingError):
    """An uploaded file that is not X12 text; nothing was read from it."""


def x12_text(raw: bytes, name: str) -> str:
    if len(raw) > MAX_BYTES:
        raise UploadError({"file": [f"{name} is larger than {MAX_BYTES // 1024 // 1024} MB."]})
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
        if upload.size > MAX_BYTES:
            raise UploadError(
                {"file": [f"The file is larger than {MAX_BYTES // 1024 // 1024} MB."]}
            )
        return upload.name[:200], x12_text(upload.read(), upload.name)
    if data.get("content"):
        name = (data.get("file_name") or "upload")[:200]
        return name, x12_text(data["content"].encode("utf-8", "replace"), name)
    raise UploadError({"file": ["Upload an X12 file."]})
