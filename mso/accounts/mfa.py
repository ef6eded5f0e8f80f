"""Second factor: enrolment, verification, recovery codes. Every write is audited.

MFA is required for MSO roles (they see every practice's PHI) and optional for practice
roles; a user who enrolled is always asked for it."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mso.audit.services import audit_record
from mso.crypto.sensitive import reveal

from . import policy, totp
from .exceptions import AccountsError
from .models import RecoveryCode, TotpDevice, User
from .secrets import digest

WRONG_CODE = "That code is not valid. Enter the current 6-digit code from your app."


def _now_ts() -> float:
    return timezone.now().timestamp()


def confirmed_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def has_device(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def mfa_required(user: User) -> bool:
    """Must this user pass a second factor to get a session?"""
    return bool(policy.mso_roles(user)) or has_device(user)


def mfa_mandatory(user: User) -> bool:
    """Is MFA compulsory for this user's roles (so it cannot be switched off)?"""
    return bool(policy.mso_roles(user))


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at=None).count()


@transaction.atomic
def totp_enrol_start(*, user: User) -> TotpDevice:
    """A fresh pending device (any earlier pending one is discarded)."""
    TotpDevice.objects.filter(user=user, confirmed_at=None).delete()
    device = TotpDevice.objects.create(user=user, secret=totp.new_secret())
    audit_record(actor=user, action="mfa.enrol_start", obj=device, practice=None)
    return device


def totp_pending_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at=None).first()


def enrolment_view_data(device: TotpDevice) -> dict:
    uri = totp.provisioning_uri(
        reveal(device.secret), account=device.user.email, issuer=settings.MFA_ISSUER
    )
    secret = reveal(device.secret)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return {"qr_svg": totp.qr_svg(uri), "secret": grouped, "uri": uri}


def _recovery_codes_replace(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = totp.new_recovery_codes()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=digest(totp.normalize_recovery_code(code)))
        for code in codes
    )
    return codes


@transaction.atomic
def totp_enrol_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the pending device with its first code; it replaces any earlier device.
    Returns the new recovery codes (shown once)."""
    device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at=None).first()
    if device is None:
        raise AccountsError({"code": ["Start the set-up again: no authenticator is pending."]})
    step = totp.matching_step(reveal(device.secret), code, timestamp=_now_ts(), after_step=0)
    if step is None:
        raise AccountsError({"code": [WRONG_CODE]})
    replaced = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).delete()[0]
    device.confirmed_at = timezone.now()
    device.last_step = step
    device.save(update_fields=["confirmed_at", "last_step"])
    codes = _recovery_codes_replace(user)
    audit_record(
        actor=user,
        action="mfa.enrol",
        obj=device,
        practice=None,
        changes={"replaced_device": bool(replaced), "recovery_codes": len(codes)},
    )
    return codes


@transaction.atomic
def mfa_verify(*, user: User, code: str) -> str | None:
    """Check a TOTP code or an unused recovery code. Returns the method that passed
    ("totp" or "recovery") or None. Each code works once."""
    device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False)
    device = device.first()
    method = None
    if device is not None and not totp.looks_like_recovery_code(code):
        step = totp.matching_step(
            reveal(device.secret), code, timestamp=_now_ts(), after_step=device.last_step
        )
        if step is not None:
            device.last_step = step
            device.save(update_fields=["last_step"])
            method = "totp"
    elif device is not None:
        recovery = (
            RecoveryCode.objects.select_for_update()
            .filter(user=user, used_at=None, code_hash=digest(totp.normalize_recovery_code(code)))
            .first()
        )
        if recovery is not None:
            recovery.used_at = timezone.now()
            recovery.save(update_fields=["used_at"])
            method = "recovery"
    audit_record(
        actor=user,
        action="mfa.verify" if method else "mfa.verify_failed",
        object_type="accounts.user",
        object_id=str(user.pk),
        practice=None,
        changes={"method": method} if method else {},
    )
    return method


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    if not has_device(user):
        raise AccountsError("Set up an authenticator app first.")
    codes = _recovery_codes_replace(user)
    audit_record(
        actor=user,
        action="mfa.recovery_codes_regenerate",
        object_type="accounts.user",
        object_id=str(user.pk),
        practice=None,
    )
    return codes


@transaction.atomic
def mfa_disable(*, user: User, actor: User) -> None:
    """Remove the authenticator and recovery codes. Refused for MSO roles (MFA is required
    for them) unless an MSO admin resets a colleague who lost their device."""
    if mfa_mandatory(user) and not (actor.pk != user.pk and policy.is_mso_admin(actor)):
        raise AccountsError("Two-step verification is required for MSO roles.")
    devices = TotpDevice.objects.filter(user=user).delete()[0]
    RecoveryCode.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        action="mfa.disable",
        object_type="accounts.user",
        object_id=str(user.pk),
        practice=None,
        changes={"user": user.email, "devices": devices},
    )
