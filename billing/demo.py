"""Revenue-cycle demo data for one practice (visits arrive from the EHR's integration user;
the MSO admin builds and batches the claims): synthetic providers, patients, coverage, a fee
schedule and a few months of encounters built into claims. Most claims are clean; some fail
the scrubber for reasons a billing team meets every week (late filing, incomplete subscriber
data, duplicates). Deterministic per practice, and run once per practice."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from billing.choices import ClaimStatus
from billing.era_builder import claim_outcome, era_text
from billing.models import (
    Claim,
    ClaimStatusChange,
    Encounter,
    FeeSchedule,
    FeeScheduleItem,
    Remittance,
)
from billing.selectors_ar import patient_balances
from billing.services.batches import batch_build_all
from billing.services.claims import claim_build
from billing.services.encounters import encounter_create
from billing.services.patient_billing import patient_payment_record
from billing.services.remittances import era_post
from mso.identifiers import npi_check_digit
from mso.reference.models import Payer
from practices.models import Coverage, Location, Patient, Provider

PAYERS = [
    # name, payer id, filing indicator, timely filing days
    ("Medicare Part B (demo)", "DMCRB", "MB", 365),
    ("State Medicaid (demo)", "DMCD1", "MC", 180),
    ("BlueShield Demo", "DBSD1", "BL", 180),
    ("Northstar Health Plan", "DNSHP", "CI", 180),
    ("Summit Care HMO", "DSCHM", "HM", 90),
    ("TriCounty PPO", "DTCPP", "12", 365),
]
FEES = {
    "99202": "110.00",
    "99203": "165.00",
    "99204": "245.00",
    "99212": "85.00",
    "99213": "130.00",
    "99214": "190.00",
    "99215": "260.00",
    "99395": "220.00",
    "99396": "235.00",
    "G0439": "175.00",
    "36415": "15.00",
    "81002": "12.00",
    "85025": "28.00",
    "80053": "42.00",
    "93000": "55.00",
    "90471": "30.00",
    "90686": "38.00",
    "96127": "18.00",
    "99406": "35.00",
    "20610": "140.00",
    "93306": "520.00",
    "93015": "310.00",
    "93224": "240.00",
    "11102": "150.00",
}
DIAGNOSES = [
    "E119",
    "I10",
    "E785",
    "J069",
    "M5450",
    "K219",
    "F411",
    "N390",
    "J45909",
    "I2510",
    "I4891",
    "R0789",
    "Z0000",
    "Z23",
    "E6601",
    "G4733",
    "M170",
    "R519",
]
VISITS = [
    # procedures, number of diagnoses
    (["99213"], 2),
    (["99214"], 3),
    (["99212"], 1),
    (["99215"], 3),
    (["99203"], 2),
    (["99214", "36415", "80053"], 3),
    (["99213", "81002"], 2),
    (["99396"], 1),
    (["99213", "93000"], 2),
    (["90471", "90686"], 1),
    (["G0439", "96127"], 1),
    (["99214", "20610"], 2),
]
FIRST = [
    "Avery",
    "Jordan",
    "Riley",
    "Casey",
    "Morgan",
    "Quinn",
    "Harper",
    "Rowan",
    "Elliot",
    "Sage",
    "Skyler",
    "Reese",
    "Dakota",
    "Emerson",
    "Finley",
    "Hayden",
    "Kendall",
    "Logan",
]
LAST = [
    "Alder",
    "Birch",
    "Cedar",
    "Dune",
    "Elm",
    "Fenwick",
    "Garnet",
    "Hollis",
    "Ivory",
    "Juniper",
    "Keswick",
    "Larkin",
    "Marlow",
    "Norwood",
    "Oakley",
    "Prescott",
    "Quill",
    "Redfern",
    "Sorrel",
    "Thistle",
    "Underhill",
    "Vale",
    "Whitlock",
    "Yardley",
]
STREETS = ["Maple Ave", "Oak St", "Pine Rd", "Lakeview Dr", "Hillcrest Ln", "River Rd"]


def ensure_payers() -> list[Payer]:
    payers = []
    for name, payer_id, indicator, days in PAYERS:
        payer, _ = Payer.objects.get_or_create(
            payer_id=payer_id,
            defaults={"name": name, "filing_indicator": indicator, "timely_filing_days": days},
        )
        payers.append(payer)
    return payers


def _npi(seed: int) -> str:
    body = f"{seed:09d}"
    return body + str(npi_check_digit(body))


def _zip9(rng: random.Random, location: Location) -> str:
    return f"{location.zip_code[:5]}-{rng.randint(1000, 9999)}"


@transaction.atomic
def seed_practice(
    *, actor, provider_user, ehr_user, npi_base: int, today: date, encounters_count: int = 200
) -> dict:
    if Encounter.objects.exists():
        return {"skipped": True}
    rng = random.Random(connection.schema_name)  # noqa: S311 - synthetic demo data
    payers = ensure_payers()
    location = Location.objects.filter(is_active=True).order_by("pk").first()
    # Claims need the billing provider's ZIP+4.
    for loc in Location.objects.all():
        if len(loc.zip_code) == 5:
            loc.zip_code = _zip9(rng, loc)
            loc.save(update_fields=["zip_code"])
    location.refresh_from_db()
    schedule = FeeSchedule.objects.create(
        name="Standard charges", effective_from=date(today.year - 1, 1, 1)
    )
    FeeScheduleItem.objects.bulk_create(
        FeeScheduleItem(schedule=schedule, procedure_code=code, amount=Decimal(amount))
        for code, amount in FEES.items()
    )
    providers = [
        Provider.objects.create(
            first_name=first,
            last_name=last,
            credential=cred,
            npi=_npi(npi_base + i),
            taxonomy=taxonomy,
            user=provider_user if i == 0 else None,
        )
        for i, (first, last, cred, taxonomy) in enumerate(
            [
                ("Amara", "Okafor", "MD", "207Q00000X"),
                ("Leo", "Brandt", "DO", "207R00000X"),
                ("Nina", "Patel", "NP", "363LF0000X"),
            ]
        )
    ]
    patients = []
    for n in range(60):
        patient = Patient.objects.create(
            mrn=f"{connection.schema_name[:3].upper()}{n + 1:05d}",
            external_id=f"EHR-P{n + 1}",
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            birth_date=date(rng.randint(1940, 2018), rng.randint(1, 12), rng.randint(1, 28)),
            sex=rng.choice("FM"),
            address_line1=f"{rng.randint(10, 9999)} {rng.choice(STREETS)}",
            city=location.city,
            state=location.state,
            zip_code=_zip9(rng, location),
        )
        patients.append(patient)
        if n % 12 == 11:
            continue  # self-pay
        payer = rng.choice(payers)
        dependant = patient.birth_date.year > 2005 and n % 2 == 0
        Coverage.objects.create(
            patient=patient,
            payer=payer,
            priority=1,
            member_id=f"M{rng.randint(10**8, 10**9)}",
            group_number=f"G{rng.randint(1000, 9999)}" if payer.filing_indicator == "CI" else "",
            relationship="19" if dependant else "18",
            subscriber_first_name=rng.choice(FIRST) if dependant else "",
            subscriber_last_name=patient.last_name if dependant else "",
            # Some dependants' subscriber birth dates were never captured at registration.
            subscriber_birth_date=None
            if dependant and n % 3 == 0
            else (date(rng.randint(1965, 1990), 5, 17) if dependant else None),
            subscriber_sex=rng.choice("FM") if dependant else "",
            effective_from=date(today.year - 1, 1, 1),
        )
        if n % 7 == 3:
            Coverage.objects.create(
                patient=patient,
                payer=rng.choice([p for p in payers if p != payer]),
                priority=2,
                member_id=f"S{rng.randint(10**8, 10**9)}",
                effective_from=date(today.year - 1, 1, 1),
            )
    created = []
    for n in range(encounters_count):
        patient = rng.choice(patients)
        procedures, n_dx = rng.choice(VISITS)
        diagnoses = rng.sample(DIAGNOSES, n_dx)
        if "90686" in procedures or "G0439" in procedures:
            diagnoses = ["Z23"] if "90686" in procedures else ["Z0000"]
        dos = today - timedelta(days=rng.randint(1, 140))
        lines = [
            {
                "procedure_code": code,
                "modifiers": [],
                "units": Decimal("1"),
                "charge": None,
                "diagnosis_pointers": list(range(1, min(len(diagnoses), 4) + 1)),
            }
            for code in procedures
        ]
        if len(procedures) > 1 and procedures[0].startswith("992"):
            lines[0]["modifiers"] = ["25"]
        encounter, _ = encounter_create(
            actor=ehr_user,
            data={
                "external_id": f"EHR-V{n + 1}",
                "patient": patient,
                "provider": providers[n % len(providers)],
                "location": location,
                "date_of_service": dos,
                "place_of_service": "11",
                "diagnosis_codes": diagnoses,
                "lines": lines,
            },
        )
        created.append(encounter)
        if n % 40 == 7:  # the same visit posted twice under another visit id: a duplicate
            twin, _ = encounter_create(
                actor=ehr_user,
                data={
                    "external_id": f"EHR-V{n + 1}-dup",
                    "patient": patient,
                    "provider": providers[n % len(providers)],
                    "location": location,
                    "date_of_service": dos,
                    "place_of_service": "11",
                    "diagnosis_codes": diagnoses,
                    "lines": lines,
                },
            )
            created.append(twin)
    # Older visits were billed already; the last ten days' claims wait in the queue.
    cutoff = today - timedelta(days=10)
    insured = [e for e in created if e.patient.coverages.exists()]
    for encounter in (e for e in insured if e.date_of_service < cutoff):
        claim_build(actor=actor, encounter=encounter)
    batches = batch_build_all(actor=actor)
    _backdate_submissions()
    remittances = _remit(rng, actor=actor, today=today)
    _patient_payments(rng, actor=actor, today=today)
    for encounter in (e for e in insured if e.date_of_service >= cutoff):
        claim_build(actor=actor, encounter=encounter)
    return {
        "encounters": len(created),
        "claims": len(insured),
        "batches": len(batches),
        "remittances": remittances,
    }


OUTCOMES = (
    ["paid"] * 14
    + ["deductible"] * 2
    + ["partial"] * 2
    + ["denied:97", "denied:16", "denied:50", "denied:29"]
)


def _remit(rng: random.Random, *, actor, today: date) -> int:
    """Payers answer the batched claims older than three weeks: one ERA per payer."""
    posted = 0
    claims = (
        Claim.objects.filter(
            status=ClaimStatus.BATCHED, encounter__date_of_service__lt=today - timedelta(days=21)
        )
        .select_related("payer", "coverage", "encounter__patient")
        .prefetch_related("lines")
        .order_by("pk")
    )
    by_payer: dict[tuple, list] = {}
    for claim in claims:
        month = claim.encounter.date_of_service.replace(day=1)
        by_payer.setdefault((claim.payer_id, month), []).append(claim)
    for number, ((_, month), payer_claims) in enumerate(sorted(by_payer.items()), start=1):
        adjudicated = [
            claim_outcome(
                claim,
                rng.choice(OUTCOMES)
                if len(claim.lines.all()) > 1
                else rng.choice([o for o in OUTCOMES if o != "partial"]),
                payer_claim_number=f"{payer_claims[0].payer.payer_id}{claim.pk:08d}",
            )
            for claim in payer_claims
        ]
        content = era_text(
            payer=payer_claims[0].payer,
            claims=adjudicated,
            trace_number=f"EFT{connection.schema_name[:4].upper()}{number:05d}",
            payment_date=today - timedelta(days=7),
            control=number,
            interest=Decimal("3.17") if number == 1 else Decimal("0"),
        )
        remittance, _ = era_post(actor=actor, file_name=f"era-{number}.835", content=content)
        # Demo history: the payer answered about five weeks after the month of service.
        paid_on = min(month + timedelta(days=38), today - timedelta(days=1))
        Remittance.objects.filter(pk=remittance.pk).update(
            posted_at=timezone.make_aware(datetime.combine(paid_on, time(9)))
        )
        posted += 1
    return posted


def _backdate_submissions() -> None:
    """Demo history: claims went out two days after the visit, not all on the day of seeding."""
    for change in ClaimStatusChange.objects.filter(to_status=ClaimStatus.BATCHED).select_related(
        "claim__encounter"
    ):
        sent = change.claim.encounter.date_of_service + timedelta(days=2)
        ClaimStatusChange.objects.filter(pk=change.pk).update(
            at=timezone.make_aware(datetime.combine(sent, time(18)))
        )


def _patient_payments(rng: random.Random, *, actor, today: date) -> None:
    """About half the patients who owe something pay some or all of it."""
    for patient_id, balance in sorted(patient_balances().items()):
        if balance <= 0 or rng.random() < 0.5:
            continue
        amount = balance if rng.random() < 0.6 else (balance / 2).quantize(Decimal("0.01"))
        patient_payment_record(
            actor=actor,
            patient=Patient.objects.get(pk=patient_id),
            amount=amount,
            kind="payment",
            received_on=today - timedelta(days=rng.randint(1, 5)),
            method=rng.choice(["card", "check", "cash"]),
        )
