"""Friendly PC rules for onboarding a practice. Pure: plain data in, field errors out."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from mso.geo import US_STATES
from mso.identifiers import normalize_tin, npi_is_valid, tin_is_valid

from .choices import RESERVED_SLUGS

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
SCHEMA_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
HUNDRED = Decimal("100")

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class OwnerInput:
    full_name: str
    license_state: str
    license_number: str
    license_expiry: date | None
    share_percent: Decimal | None
    npi: str = ""


@dataclass(frozen=True)
class PracticeInput:
    name: str
    slug: str
    state: str
    group_npi: str
    tin: str
    owners: list[OwnerInput] = field(default_factory=list)


def schema_name_for(slug: str) -> str:
    return slug.replace("-", "_")


def practice_errors(data: PracticeInput) -> Errors:
    """Errors of the practice's own fields (not its owners)."""
    errors: Errors = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.name.strip():
        add("name", "Enter the practice's legal name.")
    if not SLUG_PATTERN.match(data.slug):
        add("slug", "Use 2-40 lowercase letters, digits or hyphens, starting with a letter.")
    elif data.slug in RESERVED_SLUGS or data.slug.startswith("pg-"):
        add("slug", f"'{data.slug}' is reserved; choose another sub-domain.")
    elif not SCHEMA_PATTERN.match(schema_name_for(data.slug)):
        add("slug", "This sub-domain cannot be used as a schema name.")
    if data.state not in US_STATES:
        add("state", "Choose the state where the practice is incorporated.")
    if not npi_is_valid(data.group_npi):
        add("group_npi", "Enter a 10-digit NPI with a valid check digit.")
    if not tin_is_valid(normalize_tin(data.tin)):
        add("tin", "Enter a valid 9-digit TIN (EIN), e.g. 12-3456789.")
    return errors


def owner_errors(owner: OwnerInput, *, as_of: date) -> Errors:
    errors: Errors = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not owner.full_name.strip():
        add("full_name", "Enter the owner's full name.")
    if owner.license_state not in US_STATES:
        add("license_state", "Choose the state that issued the medical license.")
    if not owner.license_number.strip():
        add("license_number", "Enter the medical license number.")
    if owner.license_expiry is None:
        add("license_expiry", "Enter the license expiry date.")
    elif owner.license_expiry < as_of:
        add("license_expiry", "This license has expired; only licensed physicians may own a PC.")
    if owner.share_percent is None:
        add("share_percent", "Enter the ownership share.")
    elif not (Decimal("0") < owner.share_percent <= HUNDRED):
        add("share_percent", "A share must be more than 0% and at most 100%.")
    if owner.npi and not npi_is_valid(owner.npi):
        add("npi", "Enter a 10-digit NPI with a valid check digit, or leave it blank.")
    return errors


def ownership_errors(owners: list[OwnerInput], *, practice_state: str, as_of: date) -> list[str]:
    """Errors about the owners as a whole: the Friendly PC must be 100% physician-owned."""
    if not owners:
        return ["A Friendly PC needs at least one physician owner."]
    errors = []
    shares = [o.share_percent for o in owners if o.share_percent is not None]
    total = sum(shares, Decimal("0"))
    if len(shares) == len(owners) and total != HUNDRED:
        errors.append(
            f"Ownership shares must total exactly 100%; they total {total.normalize():f}%."
        )
    licensed_here = [
        o
        for o in owners
        if o.license_state == practice_state and o.license_expiry and o.license_expiry >= as_of
    ]
    if practice_state and not licensed_here:
        errors.append(
            f"At least one owner must hold an active medical license in {practice_state}, "
            "the practice's state."
        )
    keys = [(o.license_state, o.license_number.strip().upper()) for o in owners]
    if len(set(keys)) != len(keys):
        errors.append("The same license is listed for more than one owner.")
    return errors


@dataclass
class OnboardingErrors:
    practice: Errors = field(default_factory=dict)
    owners: list[Errors] = field(default_factory=list)
    ownership: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.practice or any(self.owners) or self.ownership)

    def as_field_dict(self) -> Errors:
        """Flattened for API bodies: `owners[1].share_percent`, `owners` for set-level errors."""
        flat: Errors = dict(self.practice)
        for index, row in enumerate(self.owners):
            for name, messages in row.items():
                flat[f"owners[{index}].{name}"] = list(messages)
        if self.ownership:
            flat["owners"] = list(self.ownership)
        return flat


def onboarding_errors(data: PracticeInput, *, as_of: date) -> OnboardingErrors:
    return OnboardingErrors(
        practice=practice_errors(data),
        owners=[owner_errors(o, as_of=as_of) for o in data.owners],
        ownership=ownership_errors(data.owners, practice_state=data.state, as_of=as_of),
    )
