"""Reads of billing data, and the assembly of claims into the plain claim model."""

from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from billing import claimdata as cd
from billing.choices import LIVE_STATUSES
from billing.models import Claim, ClaimLine, ClaimPayment
from billing.scrubber.edits import claim_key as scrub_claim_key
from mso.tenancy.context import current_practice
from practices.choices import PRIORITY_CODE
from practices.models import Coverage, Location


def claim_queryset() -> QuerySet[Claim]:
    return Claim.objects.select_related(
        "payer",
        "coverage",
        "encounter__patient",
        "encounter__provider",
        "encounter__location",
        "batch",
        "clinical_decided_by",
    ).prefetch_related(
        Prefetch("lines", queryset=ClaimLine.objects.order_by("line_number")), "findings"
    )


def _address(obj) -> cd.Address:
    return cd.Address(
        line1=obj.address_line1,
        line2=obj.address_line2 or "",
        city=obj.city,
        state=obj.state,
        zip_code=obj.zip_code.replace("-", ""),
    )


def _payer(payer) -> cd.Payer:
    address = None
    if payer.address_line1:
        address = cd.Address(
            line1=payer.address_line1,
            city=payer.city,
            state=payer.state,
            zip_code=payer.zip_code.replace("-", ""),
        )
    return cd.Payer(
        name=payer.name,
        payer_id=payer.payer_id,
        filing_indicator=payer.filing_indicator,
        timely_filing_days=payer.timely_filing_days,
        address=address,
    )


def _subscriber(coverage: Coverage) -> cd.Subscriber:
    patient = coverage.patient
    if coverage.patient_is_subscriber:
        person = cd.Person(
            last_name=patient.last_name,
            first_name=patient.first_name,
            middle_name=patient.middle_name,
            birth_date=patient.birth_date,
            sex=patient.sex,
            address=_address(patient),
            member_id=coverage.member_id,
        )
    else:
        # Dependants usually live with the subscriber: the patient's address stands in.
        person = cd.Person(
            last_name=coverage.subscriber_last_name,
            first_name=coverage.subscriber_first_name,
            birth_date=coverage.subscriber_birth_date,
            sex=coverage.subscriber_sex or "U",
            address=_address(patient),
            member_id=coverage.member_id,
        )
    return cd.Subscriber(
        person=person,
        payer=_payer(coverage.payer),
        responsibility=PRIORITY_CODE.get(coverage.priority, "P"),
        relationship=coverage.relationship,
        group_number=coverage.group_number,
    )


def _provider(provider) -> cd.Provider:
    return cd.Provider(
        last_name=provider.last_name,
        first_name=provider.first_name,
        npi=provider.npi,
        taxonomy=provider.taxonomy,
    )


def billing_provider(location: Location | None = None) -> cd.Party:
    practice = current_practice()
    location = location or Location.objects.filter(is_active=True).order_by("pk").first()
    return cd.Party(
        name=practice.name,
        identifier=practice.group_npi,
        tax_id=practice.tin,
        address=_address(location) if location else None,
    )


def _paid_by(encounter, coverage) -> Decimal | None:
    """What the earlier payer paid on this encounter's claim (its latest remittance)."""
    payment = (
        ClaimPayment.objects.filter(claim__encounter=encounter, claim__coverage=coverage)
        .exclude(status_code="22")
        .order_by("-remittance__posted_at", "-id")
        .first()
    )
    return payment.paid if payment else None


def claim_data(claim: Claim) -> cd.Claim:
    """The plain claim the scrubber checks and the 837P writer prints."""
    encounter = claim.encounter
    patient = encounter.patient
    coverage = claim.coverage
    other = []
    if coverage.priority > 1:
        others = Coverage.objects.select_related("payer", "patient").filter(
            patient=patient, priority__lt=coverage.priority, is_active=True
        )
        other = [
            cd.OtherCoverage(subscriber=_subscriber(c), paid_amount=_paid_by(encounter, c))
            for c in others
            if c.covers(encounter.date_of_service)
        ]
    patient_person = None
    if not coverage.patient_is_subscriber:
        patient_person = cd.Person(
            last_name=patient.last_name,
            first_name=patient.first_name,
            middle_name=patient.middle_name,
            birth_date=patient.birth_date,
            sex=patient.sex,
            address=_address(patient),
        )
    lines = tuple(
        cd.ServiceLine(
            procedure_code=line.procedure_code,
            charge=line.charge,
            units=line.units,
            service_date=line.service_date,
            diagnosis_pointers=tuple(line.diagnosis_pointers),
            modifiers=tuple(line.modifiers),
            line_control_number=line.line_control_number,
        )
        for line in claim.lines.all()
    )
    return cd.Claim(
        patient_control_number=claim.patient_control_number,
        total_charge=claim.total_charge,
        place_of_service=claim.place_of_service,
        frequency_code=claim.frequency_code,
        subscriber=_subscriber(coverage),
        diagnoses=tuple(cd.Diagnosis(code) for code in claim.diagnosis_codes),
        lines=lines,
        patient=patient_person,
        rendering_provider=_provider(encounter.provider),
        payer_claim_number=claim.payer_claim_number,
        other_coverage=tuple(other),
        prior_authorization=encounter.prior_authorization,
    )


def duplicate_keys(claim: Claim) -> frozenset:
    """Duplicate-detection keys (the scrubber's own key function) of the patient's other live
    original claims, excluding this claim's correction chain."""
    chain = [pk for pk in (claim.pk, claim.original_claim_id) if pk]
    others = (
        claim_queryset()
        .filter(
            encounter__patient_id=claim.encounter.patient_id,
            status__in=LIVE_STATUSES,
            frequency_code="1",
        )
        .exclude(pk__in=chain)
    )
    patient_key = str(claim.encounter.patient_id)
    return frozenset(scrub_claim_key(claim_data(other), patient_key) for other in others)


def submitter() -> cd.Party:
    conf = settings.X12_SUBMITTER
    return cd.Party(
        name=conf["name"],
        identifier=conf["id"],
        contact_name=conf["contact_name"],
        contact_phone=conf["contact_phone"],
    )


def receiver() -> cd.Party:
    conf = settings.X12_RECEIVER
    return cd.Party(name=conf["name"], identifier=conf["id"])
