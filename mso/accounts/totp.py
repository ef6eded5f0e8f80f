"""TOTP (RFC 6238) and recovery codes: pure functions, no Django imports."""

import hmac
import secrets

import pyotp
import segno

STEP_SECONDS = 30
# Accept the previous and next step too: phone clocks drift.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_secret() -> str:
    """160 random bits, base32 (the size RFC 4226 recommends)."""
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG (no script, no network: CSP-safe)."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2, title="Authenticator QR code")


def step_at(timestamp: float) -> int:
    return int(timestamp // STEP_SECONDS)


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS).generate_otp(step)


def matching_step(secret: str, code: str, *, timestamp: float, after_step: int) -> int | None:
    """The step (within the drift window) whose code is `code`, if later than `after_step`.
    Steps at or before `after_step` were already used: accepting them would allow replay."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    now = step_at(timestamp)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > after_step and hmac.compare_digest(code_at_step(secret, step), code):
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Codes like ABCD-EFGH-JKLM-NPQR: 16 characters of a 32-letter alphabet, 80 bits."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    return codes


def normalize_recovery_code(code: str) -> str:
    """Case, spaces and dashes do not matter when a code is typed back."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def looks_like_recovery_code(code: str) -> bool:
    return len(normalize_recovery_code(code)) == 16
