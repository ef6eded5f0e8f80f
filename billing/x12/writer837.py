"""837 Professional claim writer, 005010X222A1.

`write_837p(batch, control)` prints one interchange (ISA/IEA) holding one functional group
(GS/GE) and one transaction set (ST/SE) with every claim of the batch:

    ISA GS ST BHT
    1000A submitter (NM1*41, PER*IC)        1000B receiver (NM1*40)
    2000A billing provider HL*1**20*1, PRV*BI*PXC, 2010AA NM1*85*2 .. XX, N3, N4, REF*EI
      2000B subscriber HL 22, SBR, 2010BA NM1*IL (+ N3 N4 DMG when the patient), 2010BB NM1*PR
        2000C patient HL 23 (only when the patient is not the subscriber): PAT, NM1*QC, N3, N4, DMG
          2300 claim CLM, DTP*431, REF*G1, REF*F8, HI (ABK, ABF...)
            2310B rendering provider NM1*82 + PRV*PE; 2320/2330A/2330B other payers
            2400 lines LX, SV1, DTP*472, REF*6R; 2420A line rendering provider when different
    SE GE IEA

Consecutive claims of the same subscriber and patient share one 2000B/2000C level. Every
segment ends with "~" followed by a line break ("~\\n"): pyx12 and clearinghouses accept it
and the file stays readable; pass `line_breaks=False` for a single-line file. The ISA is
fixed-width (106 characters with its terminator). Control numbers: ISA13 = IEA02 (9 digits),
GS06 = GE02, ST02 = SE02 (at least 4 digits).

Claim data that would make an invalid file (missing NPI, totals that do not add up, a void
without the payer's claim number, ...) raises `X12WriteError` naming the field.
"""

from collections.abc import Sequence
from decimal import Decimal

from billing.claimdata import (
    Address,
    Claim,
    ClaimBatch,
    ControlNumbers,
    OtherCoverage,
    Party,
    Payer,
    Person,
    Provider,
    ServiceLine,
    Subscriber,
)
from billing.x12 import layout837
from billing.x12.errors import X12WriteError
from billing.x12.segments import (
    DEFAULT_DELIMITERS,
    Delimiters,
    SegmentWriter,
    amount,
    d8,
    hhmm,
    ident,
    quantity,
    text,
    yymmdd,
)

IMPLEMENTATION = "005010X222A1"
FILING_INDICATORS = frozenset(layout837.FILING_INDICATORS.split())
RESPONSIBILITY_CODES = frozenset(layout837.RESPONSIBILITY.split())
PATIENT_RELATIONSHIPS = frozenset(layout837.PATIENT_RELATIONSHIP.split())
FREQUENCY_CODES = frozenset({"1", "7", "8"})
MAX_DIAGNOSES = 12
MAX_LINES = 50
MAX_CLAIMS_PER_LEVEL = 100

__all__ = ["IMPLEMENTATION", "X12WriteError", "npi_is_valid", "write_837p"]


def npi_is_valid(value: str) -> bool:
    """Luhn check over "80840" + the NPI (kept here so this module needs nothing from mso)."""
    if len(value) != 10 or not value.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed("80840" + value)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


class _Writer:
    def __init__(
        self,
        batch: ClaimBatch,
        control: ControlNumbers,
        *,
        delimiters: Delimiters,
        reference: str | None,
        line_breaks: bool,
    ) -> None:
        self.batch = batch
        self.control = control
        self.d = delimiters
        self.reference = reference
        self.out = SegmentWriter(delimiters, line_breaks=line_breaks)
        self.hl = 0

    # ------------------------------------------------------------------ value helpers

    def id_(
        self,
        value: str | None,
        field: str,
        *,
        max_len: int | None = None,
        min_len: int = 1,
        pattern: str | None = None,
    ) -> str:
        return ident(
            value,
            field=field,
            max_len=max_len,
            min_len=min_len,
            pattern=pattern,
            delimiters=self.d,
        )

    def txt(self, value: str | None, max_len: int) -> str:
        return text(value, max_len=max_len, delimiters=self.d)

    def npi(self, value: str, field: str) -> str:
        npi = self.id_(value, field)
        if not npi_is_valid(npi):
            raise X12WriteError(field, f"{npi!r} is not a valid NPI (10 digits, Luhn check)")
        return npi

    def name(self, value: str, field: str, max_len: int) -> str:
        cleaned = self.txt(value, max_len)
        if not cleaned:
            raise X12WriteError(field, "is required")
        return cleaned

    def address(self, address: Address | None, field: str, *, zip9: bool = False) -> None:
        if address is None:
            raise X12WriteError(field, "is required")
        line1 = self.name(address.line1, f"{field}.line1", 55)
        self.out.add("N3", line1, self.txt(address.line2, 55))
        zip_code = (address.zip_code or "").replace("-", "").strip()
        pattern = r"\d{9}" if zip9 else r"\d{5}(\d{4})?"
        state = self.id_(address.state, f"{field}.state", pattern=r"[A-Z]{2}")
        zip_code = self.id_(zip_code, f"{field}.zip_code", pattern=pattern)
        self.out.add("N4", self.name(address.city, f"{field}.city", 30), state, zip_code)

    def person_name(self, person: Person | Provider, field: str) -> tuple[str, str, str]:
        middle = getattr(person, "middle_name", "")
        return (
            self.name(person.last_name, f"{field}.last_name", 60),
            self.txt(person.first_name, 35),
            self.txt(middle, 25),
        )

    def demographics(self, person: Person, field: str) -> None:
        if person.birth_date is None:
            raise X12WriteError(f"{field}.birth_date", "is required for the patient")
        sex = (person.sex or "U").upper()
        if sex not in ("M", "F", "U"):
            raise X12WriteError(f"{field}.sex", f"{person.sex!r} must be M, F or U")
        self.out.add("DMG", "D8", d8(person.birth_date), sex)

    # ------------------------------------------------------------------ envelope

    def write(self) -> str:
        batch, control = self.batch, self.control
        if not batch.claims:
            raise X12WriteError("claims", "a batch needs at least one claim")
        for label, value in (
            ("control.interchange", control.interchange),
            ("control.group", control.group),
            ("control.transaction", control.transaction),
        ):
            if not isinstance(value, int) or not 1 <= value <= 999_999_999:
                raise X12WriteError(label, f"{value!r} must be an integer 1-999999999")
        usage = (batch.usage_indicator or "").upper()
        if usage not in ("P", "T"):
            raise X12WriteError("usage_indicator", f"{batch.usage_indicator!r} must be P or T")
        sender = self.id_(batch.sender_id or batch.submitter.identifier, "sender_id", max_len=15)
        receiver = self.id_(
            batch.receiver_id or batch.receiver.identifier, "receiver_id", max_len=15
        )
        time = hhmm(batch.created_time)
        isa = self.d.element.join(
            [
                "ISA",
                "00",
                " " * 10,
                "00",
                " " * 10,
                "ZZ",
                sender.ljust(15),
                "ZZ",
                receiver.ljust(15),
                yymmdd(batch.created),
                time,
                self.d.repetition,
                "00501",
                f"{control.interchange:09d}",
                "0",
                usage,
                self.d.component,
            ]
        )
        self.out.add_raw(isa)
        self.out.add(
            "GS",
            "HC",
            self.id_(batch.submitter.identifier, "submitter.identifier", max_len=15, min_len=2),
            self.id_(batch.receiver.identifier, "receiver.identifier", max_len=15, min_len=2),
            d8(batch.created),
            time,
            str(control.group),
            "X",
            IMPLEMENTATION,
        )
        st_index = len(self.out)
        st_control = f"{control.transaction:04d}"
        self.out.add("ST", "837", st_control, IMPLEMENTATION)
        reference = self.reference or f"{control.interchange:09d}"
        self.out.add(
            "BHT",
            "0019",
            "00",
            self.id_(reference, "reference", max_len=50),
            d8(batch.created),
            time,
            "CH",
        )
        self.header()
        self.billing_provider()
        self.out.add("SE", str(self.out.count_since(st_index) + 1), st_control)
        self.out.add("GE", "1", str(control.group))
        self.out.add("IEA", "1", f"{control.interchange:09d}")
        return self.out.render()

    def header(self) -> None:
        submitter, receiver = self.batch.submitter, self.batch.receiver
        self.out.add(
            "NM1",
            "41",
            "2",
            self.name(submitter.name, "submitter.name", 60),
            "",
            "",
            "",
            "",
            "46",
            self.id_(submitter.identifier, "submitter.identifier", max_len=80, min_len=2),
        )
        phone = self.id_(submitter.contact_phone, "submitter.contact_phone", pattern=r"\d{10,15}")
        self.out.add("PER", "IC", self.txt(submitter.contact_name, 60), "TE", phone)
        self.out.add(
            "NM1",
            "40",
            "2",
            self.name(receiver.name, "receiver.name", 60),
            "",
            "",
            "",
            "",
            "46",
            self.id_(receiver.identifier, "receiver.identifier", max_len=80, min_len=2),
        )

    # ------------------------------------------------------------------ hierarchy

    def billing_provider(self) -> None:
        provider: Party = self.batch.billing_provider
        self.hl += 1
        provider_hl = self.hl
        self.out.add("HL", str(provider_hl), "", "20", "1")
        if provider.taxonomy:
            taxonomy = self.id_(
                provider.taxonomy, "billing_provider.taxonomy", pattern=r"[0-9A-Z]{9}X"
            )
            self.out.add("PRV", "BI", "PXC", taxonomy)
        self.out.add(
            "NM1",
            "85",
            "2",
            self.name(provider.name, "billing_provider.name", 60),
            "",
            "",
            "",
            "",
            "XX",
            self.npi(provider.identifier, "billing_provider.identifier"),
        )
        self.address(provider.address, "billing_provider.address", zip9=True)
        tax_id = (provider.tax_id or "").replace("-", "")
        self.out.add("REF", "EI", self.id_(tax_id, "billing_provider.tax_id", pattern=r"\d{9}"))
        for start, end in _levels(self.batch.claims):
            self.subscriber_level(provider_hl, self.batch.claims[start:end], start)

    def subscriber_level(self, parent_hl: int, claims: Sequence[Claim], first_index: int) -> None:
        claim = claims[0]
        subscriber = claim.subscriber
        field = f"claims[{first_index}].subscriber"
        is_self = claim.patient is None
        if is_self and subscriber.relationship != "18":
            raise X12WriteError(
                f"{field}.relationship",
                f"is {subscriber.relationship!r} but the claim has no separate patient "
                "(a patient who is the subscriber is relationship 18)",
            )
        if not is_self and subscriber.relationship not in PATIENT_RELATIONSHIPS:
            raise X12WriteError(
                f"{field}.relationship",
                f"{subscriber.relationship!r} is not a patient relationship code "
                f"({', '.join(sorted(PATIENT_RELATIONSHIPS))}) for a patient who is not the "
                "subscriber",
            )
        self.hl += 1
        subscriber_hl = self.hl
        self.out.add("HL", str(subscriber_hl), str(parent_hl), "22", "0" if is_self else "1")
        self.sbr(subscriber, field, self_relationship=is_self)
        person = subscriber.person
        last, first, middle = self.person_name(person, f"{field}.person")
        self.out.add(
            "NM1",
            "IL",
            "1",
            last,
            first,
            middle,
            "",
            "",
            "MI",
            self.id_(person.member_id, f"{field}.person.member_id", max_len=80, min_len=2),
        )
        if is_self:
            self.address(person.address, f"{field}.person.address")
            self.demographics(person, f"{field}.person")
        elif person.address is not None:
            self.address(person.address, f"{field}.person.address")
        self.payer(subscriber.payer, f"{field}.payer")
        if is_self:
            for offset, each in enumerate(claims):
                self.claim(each, first_index + offset)
            return
        patient = claim.patient
        assert patient is not None
        self.hl += 1
        self.out.add("HL", str(self.hl), str(subscriber_hl), "23", "0")
        self.out.add("PAT", subscriber.relationship)
        patient_field = f"claims[{first_index}].patient"
        last, first, middle = self.person_name(patient, patient_field)
        self.out.add("NM1", "QC", "1", last, first, middle)
        self.address(patient.address, f"{patient_field}.address")
        self.demographics(patient, patient_field)
        for offset, each in enumerate(claims):
            self.claim(each, first_index + offset)

    def sbr(self, subscriber: Subscriber, field: str, *, self_relationship: bool) -> None:
        responsibility = subscriber.responsibility
        if responsibility not in RESPONSIBILITY_CODES:
            raise X12WriteError(
                f"{field}.responsibility", f"{responsibility!r} is not a payer responsibility code"
            )
        filing = subscriber.payer.filing_indicator
        if filing not in FILING_INDICATORS:
            raise X12WriteError(
                f"{field}.payer.filing_indicator", f"{filing!r} is not a claim filing indicator"
            )
        group_number = (
            self.id_(subscriber.group_number, f"{field}.group_number", max_len=50)
            if subscriber.group_number
            else ""
        )
        # SBR04 (group name) only when there is no group number.
        group_name = "" if group_number else self.txt(subscriber.group_name, 60)
        self.out.add(
            "SBR",
            responsibility,
            "18" if self_relationship else "",
            group_number,
            group_name,
            "",
            "",
            "",
            "",
            filing,
        )

    def payer(self, payer: Payer, field: str) -> None:
        self.out.add(
            "NM1",
            "PR",
            "2",
            self.name(payer.name, f"{field}.name", 60),
            "",
            "",
            "",
            "",
            "PI",
            self.id_(payer.payer_id, f"{field}.payer_id", max_len=80, min_len=2),
        )
        if payer.address is not None:
            self.address(payer.address, f"{field}.address")

    # ------------------------------------------------------------------ claim

    def claim(self, claim: Claim, index: int) -> None:
        field = f"claims[{index}]"
        pcn = self.id_(claim.patient_control_number, f"{field}.patient_control_number", max_len=20)
        if not claim.lines:
            raise X12WriteError(f"{field}.lines", "a claim needs at least one service line")
        if len(claim.lines) > MAX_LINES:
            raise X12WriteError(f"{field}.lines", f"at most {MAX_LINES} lines per claim")
        if not 1 <= len(claim.diagnoses) <= MAX_DIAGNOSES:
            raise X12WriteError(
                f"{field}.diagnoses", f"a claim needs 1 to {MAX_DIAGNOSES} diagnosis codes"
            )
        total = amount(claim.total_charge, field=f"{field}.total_charge")
        for position, each in enumerate(claim.lines):
            amount(each.charge, field=f"{field}.lines[{position}].charge")
        line_sum = sum((line.charge for line in claim.lines), Decimal(0))
        if line_sum != claim.total_charge:
            raise X12WriteError(
                f"{field}.total_charge",
                f"{claim.total_charge} is not the sum of the line charges ({line_sum})",
            )
        pos = self.id_(claim.place_of_service, f"{field}.place_of_service", pattern=r"\d{2}")
        frequency = claim.frequency_code
        if frequency not in FREQUENCY_CODES:
            raise X12WriteError(
                f"{field}.frequency_code", f"{frequency!r} must be 1, 7 (replacement) or 8 (void)"
            )
        if claim.accept_assignment not in ("A", "B", "C"):
            raise X12WriteError(f"{field}.accept_assignment", "must be A, B or C")
        if claim.release_of_information not in ("I", "Y"):
            raise X12WriteError(f"{field}.release_of_information", "must be I or Y")
        self.out.add(
            "CLM",
            pcn,
            total,
            "",
            "",
            (pos, "B", frequency),
            "Y" if claim.provider_signature_on_file else "N",
            claim.accept_assignment,
            "Y" if claim.assignment_of_benefits else "N",
            claim.release_of_information,
        )
        if claim.onset_date is not None:
            self.out.add("DTP", "431", "D8", d8(claim.onset_date))
        # REF order of the guide: G1 (prior authorization) comes before F8.
        if claim.prior_authorization:
            self.out.add(
                "REF",
                "G1",
                self.id_(claim.prior_authorization, f"{field}.prior_authorization", max_len=50),
            )
        if frequency in ("7", "8"):
            self.out.add(
                "REF",
                "F8",
                self.id_(
                    claim.payer_claim_number,
                    f"{field}.payer_claim_number",
                    max_len=50,
                ),
            )
        codes = []
        for position, diagnosis in enumerate(claim.diagnoses):
            code = self.id_(
                diagnosis.code, f"{field}.diagnoses[{position}]", pattern=r"[A-Z][0-9A-Z]{2,6}"
            )
            codes.append(("ABK" if position == 0 else "ABF", code))
        self.out.add("HI", *codes)
        if claim.rendering_provider is not None:
            self.provider(claim.rendering_provider, f"{field}.rendering_provider")
        for position, other in enumerate(claim.other_coverage):
            self.other_coverage(claim, other, f"{field}.other_coverage[{position}]")
        for position, line in enumerate(claim.lines):
            self.line(claim, line, position, f"{field}.lines[{position}]")

    def provider(self, provider: Provider, field: str) -> None:
        last, first, _ = self.person_name(provider, field)
        self.out.add(
            "NM1", "82", "1", last, first, "", "", "", "XX", self.npi(provider.npi, f"{field}.npi")
        )
        if provider.taxonomy:
            taxonomy = self.id_(provider.taxonomy, f"{field}.taxonomy", pattern=r"[0-9A-Z]{9}X")
            self.out.add("PRV", "PE", "PXC", taxonomy)

    def other_coverage(self, claim: Claim, other: OtherCoverage, field: str) -> None:
        subscriber = other.subscriber
        if subscriber.responsibility == claim.subscriber.responsibility:
            raise X12WriteError(
                f"{field}.subscriber.responsibility",
                f"{subscriber.responsibility!r} is also the claim's own payer responsibility",
            )
        relationship = subscriber.relationship
        if relationship != "18" and relationship not in PATIENT_RELATIONSHIPS:
            raise X12WriteError(
                f"{field}.subscriber.relationship", f"{relationship!r} is not a relationship code"
            )
        filing = subscriber.payer.filing_indicator
        if filing not in FILING_INDICATORS:
            raise X12WriteError(
                f"{field}.subscriber.payer.filing_indicator",
                f"{filing!r} is not a claim filing indicator",
            )
        group_number = (
            self.id_(subscriber.group_number, f"{field}.subscriber.group_number", max_len=50)
            if subscriber.group_number
            else ""
        )
        self.out.add(
            "SBR",
            subscriber.responsibility,
            relationship,
            group_number,
            "" if group_number else self.txt(subscriber.group_name, 60),
            "",
            "",
            "",
            "",
            filing,
        )
        if other.paid_amount is not None:
            self.out.add("AMT", "D", amount(other.paid_amount, field=f"{field}.paid_amount"))
        self.out.add(
            "OI",
            "",
            "",
            "Y" if claim.assignment_of_benefits else "N",
            "",
            "",
            claim.release_of_information,
        )
        person = subscriber.person
        last, first, middle = self.person_name(person, f"{field}.subscriber.person")
        self.out.add(
            "NM1",
            "IL",
            "1",
            last,
            first,
            middle,
            "",
            "",
            "MI",
            self.id_(
                person.member_id, f"{field}.subscriber.person.member_id", max_len=80, min_len=2
            ),
        )
        if person.address is not None:
            self.address(person.address, f"{field}.subscriber.person.address")
        payer = subscriber.payer
        self.out.add(
            "NM1",
            "PR",
            "2",
            self.name(payer.name, f"{field}.subscriber.payer.name", 60),
            "",
            "",
            "",
            "",
            "PI",
            self.id_(payer.payer_id, f"{field}.subscriber.payer.payer_id", max_len=80, min_len=2),
        )

    def line(self, claim: Claim, line: ServiceLine, index: int, field: str) -> None:
        self.out.add("LX", str(index + 1))
        code = self.id_(line.procedure_code, f"{field}.procedure_code", pattern=r"[A-Z0-9]{5}")
        if len(line.modifiers) > 4:
            raise X12WriteError(f"{field}.modifiers", "at most 4 modifiers")
        modifiers = [
            self.id_(m, f"{field}.modifiers[{i}]", pattern=r"[A-Z0-9]{2}")
            for i, m in enumerate(line.modifiers)
        ]
        pointers = line.diagnosis_pointers
        if not 1 <= len(pointers) <= 4:
            raise X12WriteError(f"{field}.diagnosis_pointers", "1 to 4 diagnosis pointers")
        if len(set(pointers)) != len(pointers):
            raise X12WriteError(f"{field}.diagnosis_pointers", "a pointer is repeated")
        for pointer in pointers:
            if not isinstance(pointer, int) or not 1 <= pointer <= len(claim.diagnoses):
                raise X12WriteError(
                    f"{field}.diagnosis_pointers",
                    f"{pointer!r} does not point to one of the claim's "
                    f"{len(claim.diagnoses)} diagnoses",
                )
        if line.unit_code not in ("UN", "MJ"):
            raise X12WriteError(f"{field}.unit_code", f"{line.unit_code!r} must be UN or MJ")
        if line.units <= 0:
            raise X12WriteError(f"{field}.units", "must be positive")
        if line.charge < 0:
            raise X12WriteError(f"{field}.charge", "must not be negative")
        line_pos = ""
        if line.place_of_service and line.place_of_service != claim.place_of_service:
            line_pos = self.id_(
                line.place_of_service, f"{field}.place_of_service", pattern=r"\d{2}"
            )
        self.out.add(
            "SV1",
            ("HC", code, *modifiers),
            amount(line.charge, field=f"{field}.charge"),
            line.unit_code,
            quantity(line.units, field=f"{field}.units"),
            line_pos,
            "",
            tuple(str(p) for p in pointers),
        )
        self.out.add("DTP", "472", "D8", d8(line.service_date))
        if line.line_control_number:
            self.out.add(
                "REF",
                "6R",
                self.id_(line.line_control_number, f"{field}.line_control_number", max_len=50),
            )
        if line.rendering_provider is not None and line.rendering_provider != (
            claim.rendering_provider
        ):
            self.provider(line.rendering_provider, f"{field}.rendering_provider")


def _levels(claims: Sequence[Claim]) -> list[tuple[int, int]]:
    """[start, end) runs of consecutive claims sharing subscriber and patient (one HL each),
    at most 100 claims per run (the 2300 loop repeat limit)."""
    runs: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(claims) + 1):
        if (
            index == len(claims)
            or claims[index].subscriber != claims[start].subscriber
            or claims[index].patient != claims[start].patient
            or index - start >= MAX_CLAIMS_PER_LEVEL
        ):
            runs.append((start, index))
            start = index
    return runs


def write_837p(
    batch: ClaimBatch,
    control: ControlNumbers,
    *,
    reference: str | None = None,
    line_breaks: bool = True,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
) -> str:
    """The 837P text of `batch`. `reference` is BHT03 (echoed in the 277CA 2200B TRN02);
    it defaults to the 9-digit interchange control number."""
    writer = _Writer(
        batch, control, delimiters=delimiters, reference=reference, line_breaks=line_breaks
    )
    return writer.write()
