"""The practice's bank account, from which the MSO collects its fees by ACH debit.
The account number is encrypted at rest (mso.crypto) and leaves this module only masked."""

from dataclasses import dataclass

from django.db import transaction

from mso.audit.services import audit_record
from mso.crypto.sensitive import reveal
from mso.errors import FieldErrors
from mso.identifiers import aba_routing_is_valid, bank_account_is_valid, normalize_digits

from .models import Practice

ACCOUNT_TYPES = ("checking", "savings")


class BankAccountError(FieldErrors):
    """Bank details the rules refuse. Messages never repeat the numbers."""


@dataclass(frozen=True)
class BankAccountInput:
    holder: str
    routing_number: str
    account_type: str
    account_number: str


def bank_account_errors(data: BankAccountInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.holder.strip():
        errors["holder"] = ["Enter the account holder's name."]
    elif len(data.holder.strip()) > 22:
        errors["holder"] = ["ACH carries at most 22 characters of the holder's name."]
    if not aba_routing_is_valid(normalize_digits(data.routing_number)):
        errors["routing_number"] = ["Enter a 9-digit ABA routing number with a valid checksum."]
    if data.account_type not in ACCOUNT_TYPES:
        errors["account_type"] = ["Choose checking or savings."]
    if not bank_account_is_valid(reveal(data.account_number)):
        errors["account_number"] = ["Enter the account number: 4 to 17 digits."]
    return errors


@transaction.atomic
def practice_bank_account_set(*, actor, practice: Practice, data: BankAccountInput) -> Practice:
    if errors := bank_account_errors(data):
        raise BankAccountError(errors)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    new = {
        "bank_account_holder": data.holder.strip(),
        "bank_routing_number": normalize_digits(data.routing_number),
        "bank_account_type": data.account_type,
        "bank_account_number": normalize_digits(reveal(data.account_number)),
    }
    # The audit event names what changed, never the values (minimum necessary).
    changes = {name: "changed" for name, value in new.items() if getattr(practice, name) != value}
    for name, value in new.items():
        setattr(practice, name, value)
    practice.save(update_fields=list(new))
    audit_record(
        actor=actor,
        action="practice.bank_account.update",
        obj=practice,
        practice=practice,
        changes=changes,
    )
    return practice
