"""The public 835 samples, posted: claims matching each file's CLP01 are created first; strict
files post and balance to the cent, the others are refused with the segment and the rule."""

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from billing.exceptions import RemittanceError
from billing.models import ClaimPayment, ProviderAdjustment
from billing.services.remittances import era_post
from billing.x12.errors import X12Error
from billing.x12.reader835 import read_835
from practices.models import Provider
from tests.bench.remittances import _claims_for

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "x12-samples" / "835"
pytestmark = pytest.mark.django_db


def _files():
    if not SAMPLES.is_dir():
        return []
    return sorted(p for p in SAMPLES.iterdir() if p.is_file())


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/x12-samples not present")
@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_public_sample_posts_or_is_refused_with_reason(world, path, monkeypatch):
    text = path.read_text(errors="replace")
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        try:
            strict = read_835(text)
        except X12Error as exc:
            reason = exc.reason
            with pytest.raises(RemittanceError, match="segment") as refused:
                era_post(actor=None, file_name=path.name, content=text)
            assert reason in str(refused.value)  # the reader's exact reason reaches the user
            return
        # Valid file: make it ours (its payee is one of our providers, or our TIN) and post.
        if strict.payee.npi:
            Provider.objects.create(first_name="Sample", last_name="Payee", npi=strict.payee.npi)
        else:
            monkeypatch.setattr(world.a, "tin", strict.payee.tin)
        # Our claim ids are at most 20 characters; longer ones cannot be ours.
        ours = replace(
            strict, claims=tuple(c for c in strict.claims if len(c.patient_control_number) <= 20)
        )
        _claims_for(ours)
        remittance, created = era_post(actor=None, file_name=path.name, content=text)
        assert created
        assert sorted(remittance.summary["unmatched"]) == sorted(
            c.patient_control_number for c in strict.claims if len(c.patient_control_number) > 20
        )
        paid = sum(
            (p.paid for p in ClaimPayment.objects.filter(remittance=remittance)), Decimal("0")
        )
        plb = sum(
            (p.amount for p in ProviderAdjustment.objects.filter(remittance=remittance)),
            Decimal("0"),
        )
        assert paid - plb == strict.payment.amount
