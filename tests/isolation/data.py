"""Practice A's objects, made on demand through the real services (each test builds only what
its route needs, inside the test's rolled-back transaction)."""

from datetime import date
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.era_builder import claim_outcome, era_text
from billing.models import DenialCase, Statement
from billing.services import acks, batches, coding, patient_billing
from billing.services.remittances import era_post
from mso.accounts.services import handoff_create, invitation_create, token_create
from mso.jobs.services import job_create
from tests.billing.ackfiles import ack_999
from tests.billing.conftest import encounter_body, make_clinic
from tests.billing.test_remittances import _submitted_claim

TRACE = "ISOTRACE77"
PAYER_CLAIM_NUMBER = "ISO-PCN-4411"
PAID_TRACE = "ISOPAID55"
TOKEN_NAME = "alpha-iso-token"


def _renamed(clinic):
    clinic.location.name = "Alpha Iso Clinic"
    clinic.location.save(update_fields=["name"])
    for patient, mrn in ((clinic.patient, "ISO-A-0001"), (clinic.dependant, "ISO-A-0002")):
        patient.last_name, patient.mrn = "Isoalphaname", mrn
        patient.save(update_fields=["last_name", "mrn"])
    for coverage in (clinic.coverage, clinic.dependant_coverage):
        coverage.member_id = "ISOMEM4411"
        coverage.subscriber_last_name = "Isoalphaname"
        coverage.save(update_fields=["member_id", "subscriber_last_name"])
    return clinic


class PracticeAData:
    """Lazily built objects of practice A. `markers` collects the values that identify them:
    none may appear in an answer given to practice B's credentials."""

    def __init__(self, world):
        self.world = world
        self.markers: set[str] = {"@alpha.test", "Alpha Medical Group"}

    def _in_a(self, build):
        """Run a build in A's schema; builds nest (a claim needs the clinic first)."""
        if connection.schema_name == self.world.a.schema_name:
            return build()
        with schema_context(self.world.a.schema_name):
            connection.tenant = self.world.a
            try:
                return build()
            finally:
                connection.set_schema_to_public()

    @cached_property
    def clinic(self):
        """The billing clinic, renamed so that its values are A's alone: other tests (the
        browser tests) commit a clinic with make_clinic's default names into practice B."""
        clinic = self._in_a(lambda: _renamed(make_clinic(self.world)))
        self.markers |= {"Isoalphaname", "ISOMEM4411", "ISO-A-0001", "Alpha Iso Clinic"}
        return clinic

    @cached_property
    def claim(self):
        claim = self._in_a(lambda: _submitted_claim(self.world, self.clinic))
        self.markers |= {claim.patient_control_number, f"{claim.total_charge:.2f}"}
        return claim

    @cached_property
    def patient(self):
        return self.clinic.patient

    def encounter_body(self) -> dict:
        return encounter_body(self.clinic, external_id="ISO-EHR-1")

    @property
    def remittance_content(self) -> str:
        """A's remittance file (payee: A's group NPI), as another upload would carry it."""
        self.remittance  # noqa: B018 - made when the remittance is posted
        return self._remittance_content

    @cached_property
    def ack_content(self) -> str:
        return ack_999(self.batch.group_control_number)

    @cached_property
    def invitation_secret(self) -> str:
        self.markers.add("iso-invitee-a@nowhere.test")
        _, secret = invitation_create(
            actor=self.world.manager_a,
            email="iso-invitee-a@nowhere.test",
            practice=self.world.a,
            role="provider",
        )
        return secret

    @cached_property
    def handoff_secret(self) -> str:
        return handoff_create(user=self.world.staff, practice=self.world.a)

    @cached_property
    def encounter(self):
        return self.claim.encounter

    @cached_property
    def batch(self):
        claim = self.claim
        (batch,) = self._in_a(lambda: batches.batch_build_all(actor=None))
        self.markers |= {batch.file_name, f"ISA*00*{' ' * 10}*00"}
        assert self._in_a(lambda: batch.claims.filter(pk=claim.pk).exists())
        return batch

    @cached_property
    def remittance(self):
        """The claim denied (CARC 50), which opens a denial case."""
        batch = self.batch

        def post():
            content = era_text(
                payer=self.clinic.payer,
                trace_number=TRACE,
                payment_date=timezone.localdate(),
                claims=[
                    claim_outcome(
                        batch.claims.get(), "denied:50", payer_claim_number=PAYER_CLAIM_NUMBER
                    )
                ],
            )
            self._remittance_content = content
            return era_post(actor=self.world.staff, file_name="iso.835", content=content)[0]

        remittance = self._in_a(post)
        self.markers |= {TRACE, PAYER_CLAIM_NUMBER}
        return remittance

    @cached_property
    def denial(self):
        self.remittance  # noqa: B018 - the remittance opens the case
        return self._in_a(lambda: DenialCase.objects.get())

    @cached_property
    def exclusion_match(self):
        """A's provider, renamed to a name only A has, matched by name on the exclusion list
        (shared) and screened in A."""
        from compliance.services import exclusion_screen
        from mso.reference.services import exclusion_list_import
        from tests.compliance.leie_files import leie_csv, person

        provider = self.clinic.provider

        def screen():
            provider.first_name, provider.last_name = "Iso", "Isoalphaprov"
            provider.save(update_fields=["first_name", "last_name"])
            return exclusion_screen(actor=self.world.staff)

        exclusion_list_import(
            actor=self.world.admin,
            file_name="iso-leie.csv",
            content=leie_csv(person("Isoalphaprov", "Iso", CITY="ISOVILLE")),
        )
        screening = self._in_a(screen)
        self.markers |= {"Isoalphaprov", "ISOVILLE"}
        return self._in_a(lambda: screening.matches.get(subject_kind="provider"))

    @cached_property
    def credential(self):
        from compliance.services import credential_create

        credential = self._in_a(
            lambda: credential_create(
                actor=self.world.staff,
                data={
                    "provider": self.clinic.provider,
                    "kind": "state_license",
                    "number": "ISOLIC4411",
                    "state": "NY",
                    "expires_on": date(2030, 1, 31),
                },
            )
        )
        self.markers.add("ISOLIC4411")
        return credential

    @cached_property
    def incident(self):
        from compliance.services import incident_report

        incident = self._in_a(
            lambda: incident_report(
                actor=self.world.staff,
                data={
                    "title": "Isoincident laptop",
                    "description": "Isolation probe: a laptop left in a taxi.",
                    "category": "loss",
                    "discovered_on": timezone.localdate(),
                },
            )
        )
        self.markers.add("Isoincident")
        return incident

    @cached_property
    def policy(self):
        from compliance.services import policy_create

        created = self._in_a(
            lambda: policy_create(
                actor=self.world.staff,
                data={
                    "code": "ISOPOL-1",
                    "title": "Isopolicy privacy",
                    "category": "privacy",
                    "effective_on": timezone.localdate(),
                    "body": "Isolation probe: the minimum necessary standard applies to all.",
                },
            )
        )
        self.markers |= {"ISOPOL-1", "Isopolicy"}
        return created

    @cached_property
    def employee(self):
        from hr.services import employee_hire

        hired = self._in_a(
            lambda: employee_hire(
                actor=self.world.staff,
                data={
                    "first_name": "Iso",
                    "last_name": "Isoemployee",
                    "birth_date": date(1990, 5, 5),
                    "job_title": "Front desk",
                    "department": "front_desk",
                    "employment_type": "full_time",
                    "hire_date": date(2024, 1, 2),
                },
            )
        )
        self.markers.add("Isoemployee")
        return hired

    @cached_property
    def acknowledgement(self):
        content = self.ack_content
        return self._in_a(
            lambda: acks.ack_apply(
                actor=self.world.staff, file_name="iso-ack.999", content=content
            )[0]
        )

    @cached_property
    def coding_query(self):
        encounter = self.encounter
        self.markers.add("Isolation probe question")
        return self._in_a(
            lambda: coding.coding_query_raise(
                actor=self.world.staff,
                encounter=encounter,
                question="Isolation probe question",
                proposed_diagnosis_codes=["E11.65"],
            )
        )

    @cached_property
    def patient_payment(self):
        patient = self.clinic.patient
        self.markers.add("7.31")
        return self._in_a(
            lambda: patient_billing.patient_payment_record(
                actor=self.world.staff,
                patient=patient,
                amount=Decimal("7.31"),
                kind="payment",
                received_on=timezone.localdate(),
            )
        )

    @cached_property
    def paid_claim(self):
        """A second claim, paid with a patient share, so that A's patient owes money."""

        def post():
            claim = _submitted_claim(self.world, self.clinic, days_ago=9)
            batches.batch_build_all(actor=None)
            claim.refresh_from_db()
            content = era_text(
                payer=self.clinic.payer,
                trace_number=PAID_TRACE,
                payment_date=timezone.localdate(),
                claims=[claim_outcome(claim, "paid", payer_claim_number="ISO-PAID-1")],
            )
            era_post(actor=self.world.staff, file_name="iso-paid.835", content=content)
            return claim

        claim = self._in_a(post)
        self.markers |= {PAID_TRACE, "ISO-PAID-1", claim.patient_control_number}
        return claim

    @cached_property
    def statement(self):
        self.paid_claim  # noqa: B018 - the patient share is what the statement asks for

        def run():
            patient_billing.statement_run(actor=self.world.staff, as_of=timezone.localdate())
            return Statement.objects.select_related("patient").get()

        return self._in_a(run)

    @cached_property
    def job(self):
        self.markers.add("alpha-iso-job")
        return job_create(kind="alpha-iso-job", actor=self.world.manager_a, practice=self.world.a)

    @cached_property
    def token(self):
        self.markers.add(TOKEN_NAME)
        token, _ = token_create(
            actor=self.world.manager_a,
            practice=self.world.a,
            user=self.world.integrator_a,
            name=TOKEN_NAME,
            scopes=["practice:read"],
        )
        return token

    @cached_property
    def membership(self):
        return self.world.provider_a.memberships.get(practice=self.world.a)

    @cached_property
    def location(self):
        return self.clinic.location

    @cached_property
    def emergency_grant(self):
        """A's provider asked for break-glass access to A."""
        from mso.audit.emergency import grant_request

        return grant_request(
            user=self.world.provider_a,
            practice=self.world.a,
            reason="Isolation probe: covering the front desk during an outage",
            minutes=30,
        )

    @cached_property
    def invoice(self):
        """An MSA fee invoice for A (fixed fee), issued by a fee run."""
        from contracts.models import Invoice
        from contracts.services import agreement_create, fee_run_approve, fee_run_execute

        agreement_create(
            actor=self.world.admin,
            practice=self.world.a,
            data={
                "effective_date": date(2025, 1, 1),
                "term_months": 36,
                "auto_renew": True,
                "fee_model": "fixed",
                "fixed_amount": Decimal("9876.54"),
                "fmv_valuer": "Valuer LLC",
                "fmv_opinion_date": date(2025, 1, 1),
                "fmv_annual_low": Decimal("100000"),
                "fmv_annual_high": Decimal("150000"),
                "fmv_expires_on": date(2030, 1, 1),
                "services": ["revenue_cycle"],
            },
        )
        run = fee_run_execute(actor=self.world.admin, period=timezone.localdate().replace(day=1))
        fee_run_approve(actor=self.world.admin, run=run)
        invoice = Invoice.objects.get(practice=self.world.a)
        self.markers |= {invoice.number, "9,876.54", "9876.54"}
        return invoice

    @cached_property
    def fee_run(self):
        return self.invoice.calculation.run

    @cached_property
    def fee_calculation(self):
        return self.invoice.calculation
