"""Secret generation and hashing for API tokens and invitations.

Secrets are 256-bit random values, so a fast SHA-256 digest is enough (no salt or slow
hash needed: there is nothing to brute-force)."""

import hashlib
import secrets

TOKEN_PREFIX = "mso"  # noqa: S105 - a public marker, not a secret


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token() -> tuple[str, str, str]:
    """Returns (full token shown once, lookup prefix, hash to store)."""
    prefix = secrets.token_hex(5)
    secret = secrets.token_urlsafe(32)
    token = f"{TOKEN_PREFIX}_{prefix}_{secret}"
    return token, prefix, digest(token)


def split_token(token: str) -> str | None:
    """The lookup prefix of a presented token, or None if it is not one of ours."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 10:
        return None
    return parts[1]


def new_invitation_secret() -> tuple[str, str]:
    secret = secrets.token_urlsafe(32)
    return secret, digest(secret)
