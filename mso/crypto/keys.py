"""The field key ring. Keys live outside the database: in settings read from the environment
(`MSO_FIELD_KEYS`, newest first, and `MSO_FIELD_HASH_KEY`) or in a JSON key file
(`MSO_FIELD_KEYS_FILE`). Every stored value names the key that encrypted it, so old keys keep
decrypting until `rotate_field_keys` has re-encrypted everything with the newest one."""

import base64
import binascii
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

# Stored form: "enc1:<key id>:<Fernet token>". The token is URL-safe base64 (no colons).
PREFIX = "enc1:"
_SETTINGS = ("MSO_FIELD_KEYS", "MSO_FIELD_HASH_KEY", "MSO_FIELD_KEYS_FILE")


class FieldKeyError(ImproperlyConfigured):
    """The key ring is missing or malformed, or a stored value cannot be decrypted with it.
    Messages name key ids and fields, never plaintext or ciphertext."""


def key_id(key: str) -> str:
    """A short public fingerprint of a key (not the key): 8 hex digits."""
    return hashlib.sha256(b"mso-field-key-id:" + key.encode()).hexdigest()[:8]


def generate_key() -> str:
    return Fernet.generate_key().decode()


def _key_bytes(key: str, what: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise FieldKeyError(
            f"{what} is not a valid key: expected 32 bytes in URL-safe base64 "
            "(generate one with `python manage.py rotate_field_keys --generate-key`)."
        )
    return raw


@dataclass(frozen=True)
class KeyRing:
    """Fernet keys (newest first, by key id) and the HMAC key of lookup hashes."""

    fernets: tuple[tuple[str, Fernet], ...]
    hash_key: bytes

    @property
    def primary_id(self) -> str:
        return self.fernets[0][0]

    def encrypt(self, plaintext: str) -> str:
        kid, fernet = self.fernets[0]
        return f"{PREFIX}{kid}:{fernet.encrypt(plaintext.encode()).decode()}"

    def key_id_of(self, stored: str) -> str:
        if not stored.startswith(PREFIX) or stored.count(":") != 2:
            raise FieldKeyError("A stored value is not in the encrypted format (enc1:<key>:...).")
        return stored.split(":", 2)[1]

    def decrypt(self, stored: str, *, label: str = "an encrypted field") -> str:
        kid = self.key_id_of(stored)
        fernet = dict(self.fernets).get(kid)
        if fernet is None:
            raise FieldKeyError(
                f"Cannot decrypt {label}: it was encrypted with key {kid}, which is not in "
                f"MSO_FIELD_KEYS (configured: {', '.join(k for k, _ in self.fernets)})."
            )
        try:
            return fernet.decrypt(stored.split(":", 2)[2].encode()).decode()
        except InvalidToken:
            raise FieldKeyError(
                f"Cannot decrypt {label} with key {kid}: the key is wrong or the value was altered."
            ) from None

    def lookup_hash(self, plaintext: str) -> str:
        """Keyed hash (HMAC-SHA256) for equality lookups on an encrypted value."""
        return hmac.new(self.hash_key, plaintext.encode(), hashlib.sha256).hexdigest()


def build_ring(keys: list[str], hash_key: str) -> KeyRing:
    keys = [k.strip() for k in keys if k.strip()]
    if not keys:
        raise FieldKeyError(
            "No field encryption key is configured: set MSO_FIELD_KEYS (comma-separated Fernet "
            "keys, newest first) or MSO_FIELD_KEYS_FILE. See docs/security.md (encryption)."
        )
    if not hash_key.strip():
        raise FieldKeyError(
            "No lookup hash key is configured: set MSO_FIELD_HASH_KEY (or put `hash_key` in "
            "MSO_FIELD_KEYS_FILE)."
        )
    fernets = []
    for position, key in enumerate(keys, start=1):
        _key_bytes(key, f"MSO_FIELD_KEYS entry {position}")
        fernets.append((key_id(key), Fernet(key.encode())))
    return KeyRing(
        fernets=tuple(fernets), hash_key=_key_bytes(hash_key.strip(), "MSO_FIELD_HASH_KEY")
    )


def read_key_file(path: str | Path) -> tuple[list[str], str]:
    """A key file is JSON: {"keys": [newest, ...], "hash_key": "..."}."""
    try:
        data = json.loads(Path(path).read_text())
        return list(data["keys"]), str(data["hash_key"])
    except (OSError, ValueError, KeyError, TypeError):
        raise FieldKeyError(
            f"MSO_FIELD_KEYS_FILE {path} cannot be read as "
            '{"keys": [newest, ...], "hash_key": "..."}.'
        ) from None


def ring_from(*, keys: list[str], hash_key: str, key_file: str = "") -> KeyRing:
    if key_file:
        keys, hash_key = read_key_file(key_file)
    return build_ring(keys, hash_key)


@cache
def key_ring() -> KeyRing:
    """The ring of the running settings, built once (rebuilt when a test changes settings)."""
    from django.conf import settings

    return ring_from(
        keys=list(getattr(settings, "MSO_FIELD_KEYS", [])),
        hash_key=getattr(settings, "MSO_FIELD_HASH_KEY", ""),
        key_file=getattr(settings, "MSO_FIELD_KEYS_FILE", ""),
    )


@receiver(setting_changed)
def _forget_ring(*, setting, **kwargs):
    if setting in _SETTINGS:
        key_ring.cache_clear()


# --- Settings helpers: defaults for development and tests, refusal in production ----------


def require_configured_keys(*, keys: list[str], hash_key: str, key_file: str) -> None:
    """Production settings call this: no keys (or bad keys) means the process does not start."""
    ring_from(keys=keys, hash_key=hash_key, key_file=key_file)


def ensure_dev_key_file(path: Path) -> str:
    """Development only: create a random key file under the local data directory once."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        content = json.dumps({"keys": [generate_key()], "hash_key": generate_key()})
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
    return str(path)


def derived_test_key(label: str) -> str:
    """Tests only: a fixed key derived from a label, so runs are reproducible."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"mso-test:{label}".encode()).digest()).decode()
