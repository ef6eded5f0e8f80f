"""Billing documents: appeal letters and patient statements."""

from django.utils import timezone

from billing.models import DenialCase
from billing.x12.carc import carc_text, group_text, rarc_text
from mso.documents import render_pdf
from mso.tenancy.context import current_practice
from practices.models import Location


def appeal_letter_pdf(case: DenialCase, *, argument: str, author) -> bytes:
    claim = case.claim
    practice = current_practice()
    return render_pdf(
        "billing/documents/appeal_letter.html",
        {
            "practice": practice,
            "location": Location.objects.filter(is_active=True).order_by("pk").first(),
            "case": case,
            "claim": claim,
            "patient": claim.encounter.patient,
            "lines": list(claim.lines.all()),
            "argument": argument,
            "author": author,
            "today": timezone.localdate(),
            "reasons": [(code, carc_text(code)) for code in case.reason_codes],
            "remarks": [(code, rarc_text(code)) for code in case.remark_codes],
            "groups": [(code, group_text(code)) for code in case.group_codes],
        },
    )


def statement_pdf(*, practice, patient, snapshot: dict, dunning_level: int) -> bytes:
    return render_pdf(
        "billing/documents/statement.html",
        {
            "practice": practice,
            "patient": patient,
            "s": snapshot,
            "dunning_level": dunning_level,
            "location": Location.objects.filter(is_active=True).order_by("pk").first(),
        },
    )
