"""Providers' credentials: recorded, renewed, verified at the primary source, and expiry
notices sent to the people who run the practice."""

import logging
import re
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance import expiry
from compliance.choices import CredentialKind
from compliance.models import Credential, CredentialAlert
from mso.audit.services import audit_record
from mso.geo import US_STATES
from mso.locking import lock_fresh

from .notify import current_practice_row, recipients, tell_managers
from .screening import ComplianceError

logger = logging.getLogger(__name__)

CREDENTIAL_FIELDS = (
    "provider",
    "kind",
    "number",
    "state",
    "issuer",
    "issued_on",
    "expires_on",
)
_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{1,59}$")
# A DEA number: a registrant-type letter, a letter (or 9), seven digits, the last a check digit.
_DEA = re.compile(r"^[A-Z][A-Z9]\d{7}$")
_NEEDS_STATE = {CredentialKind.STATE_LICENSE, CredentialKind.STATE_CSR}
_EXPIRES = {CredentialKind.STATE_LICENSE, CredentialKind.DEA, CredentialKind.MALPRACTICE}


def dea_check_digit(six_digits: str) -> int:
    d = [int(c) for c in six_digits]
    return (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10


def dea_is_valid(number: str) -> bool:
    return bool(_DEA.match(number)) and dea_check_digit(number[2:8]) == int(number[8])


def credential_errors(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.get("provider"):
        errors["provider"] = ["Choose the provider."]
    kind = data.get("kind")
    if kind not in CredentialKind.values:
        errors["kind"] = ["Choose what kind of credential this is."]
    number = str(data.get("number") or "").strip()
    if not _NUMBER.match(number):
        errors["number"] = ["Enter the number as issued (2-60 letters, digits, spaces, . / -)."]
    elif kind == CredentialKind.DEA and not dea_is_valid(number.upper()):
        errors["number"] = [
            "A DEA number is two letters and seven digits with a valid check digit."
        ]
    state = data.get("state") or ""
    if state and state not in US_STATES:
        errors["state"] = ["Choose a US state."]
    elif kind in _NEEDS_STATE and not state:
        errors["state"] = ["A state license or registration needs its state."]
    issued, expires = data.get("issued_on"), data.get("expires_on")
    if issued and issued > timezone.localdate():
        errors["issued_on"] = ["The issue date cannot be in the future."]
    if issued and expires and expires < issued:
        errors["expires_on"] = ["The credential cannot expire before it was issued."]
    if kind in _EXPIRES and not expires:
        errors.setdefault("expires_on", []).append("This kind of credential expires: enter when.")
    return errors


def _saved(credential: Credential) -> Credential:
    try:
        with transaction.atomic():
            credential.save()
    except IntegrityError:
        raise ComplianceError(
            {"number": ["This provider already has this credential; renew it instead."]}
        ) from None
    return credential


@transaction.atomic
def credential_create(*, actor, data: dict) -> Credential:
    values = {
        k: data.get(k) or ("" if k in ("state", "issuer") else None) for k in CREDENTIAL_FIELDS
    }
    if errors := credential_errors(values):
        raise ComplianceError(errors)
    values["number"] = values["number"].strip().upper()
    credential = _saved(Credential(**values))
    audit_record(
        actor=actor,
        action="credential.create",
        obj=credential,
        changes={"provider": credential.provider_id, "kind": credential.kind},
    )
    return credential


@transaction.atomic
def credential_update(*, actor, credential: Credential, data: dict) -> Credential:
    """Correct or renew (a new expiry date restarts the notices). A renewal is verified again:
    the earlier verification was of the old document."""
    lock_fresh(credential)
    merged = {k: data[k] if k in data else getattr(credential, k) for k in CREDENTIAL_FIELDS}
    merged["state"] = merged["state"] or ""
    merged["issuer"] = merged["issuer"] or ""
    if errors := credential_errors(merged):
        raise ComplianceError(errors)
    merged["number"] = merged["number"].strip().upper()
    changes = {
        k: [str(getattr(credential, k)), str(v)]
        for k, v in merged.items()
        if k != "provider" and getattr(credential, k) != v
    }
    if merged["provider"] != credential.provider:
        raise ComplianceError({"provider": ["A credential stays with its provider."]})
    renewed = merged["expires_on"] != credential.expires_on or merged["number"] != credential.number
    for key, value in merged.items():
        setattr(credential, key, value)
    if renewed:
        credential.verified_on, credential.verified_by, credential.verification_source = (
            None,
            None,
            "",
        )
    _saved(credential)
    audit_record(actor=actor, action="credential.update", obj=credential, changes=changes)
    return credential


@transaction.atomic
def credential_verify(*, actor, credential: Credential, source: str) -> Credential:
    """Record a primary-source verification (the state board's lookup, the DEA, the carrier)."""
    if not (source or "").strip():
        raise ComplianceError(
            {"source": ["Say where you verified it (e.g. NY Office of the Professions lookup)."]}
        )
    credential.verified_on = timezone.localdate()
    credential.verified_by = actor
    credential.verification_source = source.strip()[:200]
    credential.save(update_fields=["verified_on", "verified_by", "verification_source"])
    audit_record(
        actor=actor,
        action="credential.verify",
        obj=credential,
        changes={"source": credential.verification_source},
    )
    return credential


def _notice(credential: Credential, days: int, today) -> str:
    when = (
        "expired"
        if credential.expires_on < today
        else f"expires on {credential.expires_on:%m/%d/%Y}"
    )
    return f"{credential.provider}: {credential} {when}" + ("" if days else " — renew it now")


def credential_alerts_send(*, today=None) -> int:
    """Send today's expiry notices for the current practice, one email listing them; each
    notice is recorded first, so a rerun (a retried task) sends nothing twice."""
    today = today or timezone.localdate()
    practice = current_practice_row()
    sent: dict[tuple[int, object], set[int]] = defaultdict(set)
    for credential_id, expires_on, days_before in CredentialAlert.objects.values_list(
        "credential_id", "expires_on", "days_before"
    ):
        sent[(credential_id, expires_on)].add(days_before)
    due: list[tuple[Credential, int]] = []
    for credential in Credential.objects.select_related("provider").exclude(expires_on=None):
        days = expiry.alert_due(
            credential.expires_on, today, sent[(credential.pk, credential.expires_on)]
        )
        if days is not None:
            due.append((credential, days))
    to = recipients(practice)
    if not due:
        return 0
    if not to:
        # Nobody to tell yet: record nothing, so tomorrow's run tells whoever is added.
        logger.warning("Credential notices due at %s, but it has no managers.", practice.slug)
        return 0
    with transaction.atomic():
        for credential, days in due:
            CredentialAlert.objects.create(
                credential=credential,
                expires_on=credential.expires_on,
                days_before=days,
                recipients=to,
            )
        lines = "\n".join(f"- {_notice(c, d, today)}" for c, d in due)
        tell_managers(
            practice=practice,
            to=to,
            subject=f"[Credentials] {len(due)} need attention at {practice.name}",
            body=(
                f"These credentials at {practice.name} expire soon or have expired:\n\n"
                f"{lines}\n\nRecord renewals on the practice's Credentials page."
            ),
            action="credential.alerts_sent",
            changes={"credentials": [c.pk for c, _ in due]},
        )
    return len(due)
