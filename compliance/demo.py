"""Demo data: a synthetic exclusion list (no real person), each demo practice's monthly
screening (one name match left for a reviewer to decide) and its providers' credentials."""

from datetime import date, timedelta

from django_tenants.utils import schema_context

from mso.reference.leie import write_leie
from mso.reference.services import exclusion_list_current, exclusion_list_import
from practices.models import Provider

from .choices import CredentialKind
from .models import Credential, ExclusionScreening
from .services import credential_create, exclusion_screen_monthly
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


def seed(*, actor, practices, today: date) -> None:
    if exclusion_list_current() is None:
        exclusion_list_import(actor=actor, file_name="LEIE-demo.csv", content=demo_leie())
    for practice in practices:
        with schema_context(practice.schema_name):
            if not ExclusionScreening.objects.exists():
                exclusion_screen_monthly(month=today)
            if not Credential.objects.exists():
                _credentials(actor=actor, state=practice.state, today=today)
