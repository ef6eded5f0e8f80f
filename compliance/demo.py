"""Demo data: a synthetic exclusion list (no real person) and each demo practice's monthly
screening, which leaves one name match for a reviewer to decide."""

from datetime import date

from django_tenants.utils import schema_context

from mso.reference.leie import write_leie
from mso.reference.services import exclusion_list_current, exclusion_list_import

from .models import ExclusionScreening
from .services import exclusion_screen_monthly

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


def seed(*, actor, practices, today: date) -> None:
    if exclusion_list_current() is None:
        exclusion_list_import(actor=actor, file_name="LEIE-demo.csv", content=demo_leie())
    for practice in practices:
        with schema_context(practice.schema_name):
            if not ExclusionScreening.objects.exists():
                exclusion_screen_monthly(month=today)
