"""Demo data: a synthetic exclusion list (no real person), each demo practice's monthly
screening (one name match left for a reviewer to decide), its providers' credentials and two
incidents (one closed, one breach with a notice still due) and two policies."""

from datetime import date, timedelta

from django_tenants.utils import schema_context

from mso.accounts.choices import Role
from mso.reference.leie import write_leie
from mso.reference.services import exclusion_list_current, exclusion_list_import
from practices.models import Provider

from .choices import CredentialKind
from .models import Credential, ExclusionScreening, Policy, SecurityIncident
from .services import (
    breach_notice_record,
    credential_create,
    exclusion_screen_monthly,
    incident_assess,
    incident_close,
    incident_report,
    policy_attest,
    policy_create,
)
from .services.credentials import dea_check_digit

_PEOPLE = [
    # (last, first, specialty, city, state, exclusion type, exclusion date)
    ("BRANDT", "LEO", "NURSE/NURSES AIDE", "RENO", "NV", "1128a1", "20190611"),
    ("ASHWORTH", "DELIA", "PHARMACY", "TUCSON", "AZ", "1128b4", "20200102"),
    ("QUILLAN", "MARCUS", "CHIROPRACTOR", "DAYTON", "OH", "1128a3", "20171120"),
    ("VERHOEVEN", "ILSE", "BILLING SERVICE", "OGDEN", "UT", "1128b7", "20220315"),
    ("TANAKA-ROSS", "EVELYN", "DME COMPANY", "MOBILE", "AL", "1128b5", "20210930"),
]


def demo_leie() -> bytes:
    return write_leie(
        [
            {
                "LASTNAME": last,
                "FIRSTNAME": first,
                "GENERAL": "INDIVIDUAL",
                "SPECIALTY": specialty,
                "CITY": city,
                "STATE": state,
                "EXCLTYPE": kind,
                "EXCLDATE": since,
            }
            for last, first, specialty, city, state, kind, since in _PEOPLE
        ]
    )


def _credentials(*, actor, state: str, today: date) -> None:
    """Each provider's license, DEA registration and malpractice cover: one license due for
    renewal within 45 days, one malpractice policy lapsed 10 days ago."""
    for n, provider in enumerate(Provider.objects.filter(is_active=True).order_by("pk")):
        license_expiry = today + timedelta(days=45 if n == 0 else 400 + 30 * n)
        malpractice_expiry = today - timedelta(days=10) if n == 1 else today + timedelta(days=200)
        for kind, number, where, expires in (
            (CredentialKind.STATE_LICENSE, f"{state}{280000 + n:06d}", state, license_expiry),
            (CredentialKind.DEA, _dea(n), "", today + timedelta(days=700)),
            (CredentialKind.MALPRACTICE, f"MPL-{provider.npi[-6:]}", "", malpractice_expiry),
        ):
            credential_create(
                actor=actor,
                data={
                    "provider": provider,
                    "kind": kind,
                    "number": number,
                    "state": where,
                    "issuer": "Synthetic Mutual" if kind == CredentialKind.MALPRACTICE else "",
                    "issued_on": date(2015, 7, 1),
                    "expires_on": expires,
                },
            )


def _dea(n: int) -> str:
    """A synthetic DEA number with a valid check digit."""
    body = f"{314159 + n * 1111:06d}"
    return f"FD{body}{dea_check_digit(body)}"


def _incidents(*, actor, today: date) -> None:
    """A misdirected fax assessed as no breach and closed; a lost USB drive, a breach of 23
    people, whose individual notices went out and whose HHS log entry is still due."""
    fax = incident_report(
        actor=actor,
        data={
            "title": "Referral faxed to a wrong number",
            "description": "One referral was faxed to a dental office; it confirmed shredding.",
            "category": "misdirected",
            "discovered_on": today - timedelta(days=41),
        },
    )
    factors = {
        "factor_phi": "Name, date of birth and referral reason of one patient.",
        "factor_recipient": "A HIPAA covered entity (dental office).",
        "factor_acquired": "Read only to identify the error.",
        "factor_mitigation": "Written attestation of destruction received the same day.",
    }
    incident_assess(
        actor=actor,
        incident=fax,
        data={
            **factors,
            "outcome": "not_a_breach",
            "phi_involved": True,
            "individuals_affected": 1,
        },
    )
    incident_close(actor=actor, incident=fax)
    usb = incident_report(
        actor=actor,
        data={
            "title": "Unencrypted USB drive lost",
            "description": "A drive with an appointment export was lost at a conference.",
            "category": "loss",
            "discovered_on": today - timedelta(days=20),
        },
    )
    incident_assess(
        actor=actor,
        incident=usb,
        data={
            "factor_phi": "Names, phone numbers and appointment dates of 23 patients.",
            "factor_recipient": "Unknown.",
            "factor_acquired": "Cannot be ruled out.",
            "factor_mitigation": "None possible; the drive was not recovered.",
            "outcome": "breach",
            "phi_involved": True,
            "individuals_affected": 23,
        },
    )
    breach_notice_record(
        actor=actor,
        incident=usb,
        data={
            "audience": "individuals",
            "sent_on": today - timedelta(days=6),
            "method": "First-class mail",
            "recipients": 23,
        },
    )


_MINIMUM_NECESSARY = (
    "Workforce members use, disclose and request only the minimum protected health "
    "information needed for the task at hand. Role-based access in the EHR and the billing "
    "system enforces it; exceptions are approved by the privacy officer and logged."
)
_FLU_ORDER = (
    "Adults without contraindications may receive the seasonal influenza vaccine from a "
    "nurse under this standing order, after screening with the practice's checklist. The "
    "vaccine given, lot and site are documented in the EHR."
)


def _policies(*, actor, provider_user, manager, today: date) -> None:
    """An administrative policy published by the MSO, attested by the manager; a clinical
    standing order published by the practice's physician (CPOM), not yet attested."""
    privacy = policy_create(
        actor=actor,
        data={
            "code": "HIPAA-PRIV-01",
            "title": "Minimum necessary use and disclosure",
            "category": "privacy",
            "review_months": 12,
            "effective_on": today - timedelta(days=200),
            "body": _MINIMUM_NECESSARY,
        },
    )
    policy_attest(actor=manager, version=privacy.versions.get())
    if provider_user is not None:
        policy_create(
            actor=provider_user,
            data={
                "code": "CLIN-01",
                "title": "Standing order: seasonal influenza vaccine",
                "category": "clinical",
                "review_months": 12,
                "effective_on": today - timedelta(days=30),
                "body": _FLU_ORDER,
            },
        )


def seed(*, actor, practices, today: date) -> None:
    if exclusion_list_current() is None:
        exclusion_list_import(actor=actor, file_name="LEIE-demo.csv", content=demo_leie())
    for practice in practices:
        with schema_context(practice.schema_name):
            if not ExclusionScreening.objects.exists():
                exclusion_screen_monthly(month=today)
            if not Credential.objects.exists():
                _credentials(actor=actor, state=practice.state, today=today)
            if not SecurityIncident.objects.exists():
                _incidents(actor=actor, today=today)
            if not Policy.objects.exists():
                members = practice.memberships.select_related("user")
                by_role = {m.role: m.user for m in members}
                _policies(
                    actor=actor,
                    provider_user=by_role.get(Role.PROVIDER),
                    manager=by_role.get(Role.PRACTICE_MANAGER) or actor,
                    today=today,
                )
