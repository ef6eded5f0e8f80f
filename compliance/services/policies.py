"""Written policies: created, republished as new versions, attested by everyone who must
follow them. Clinical protocols are the physicians' decision (CPOM): only a provider of the
practice publishes them; the record says which provider did."""

import re
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from compliance.choices import PolicyCategory
from compliance.models import Attestation, Policy, PolicyVersion
from compliance.services.screening import ComplianceError
from mso.accounts import policy as access
from mso.accounts.policy import Action
from mso.audit.services import audit_record
from mso.tenancy.context import current_practice
from practices.models import Provider

EARLIEST_EFFECTIVE = date(1990, 1, 1)
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,29}$")


class PolicyDecisionError(ComplianceError):
    """The actor may not publish this policy (a clinical protocol needs a provider)."""


def may_publish(actor, category: str) -> bool:
    """Managers and MSO staff publish policies; clinical protocols, a provider only: a user
    with the provider role who is the sign-in of an active provider of the practice."""
    practice = current_practice()
    if category == PolicyCategory.CLINICAL:
        return access.can(actor, Action.CLINICAL_DECIDE, practice) and (
            Provider.objects.filter(user_id=getattr(actor, "pk", None), is_active=True).exists()
        )
    return access.can(actor, Action.COMPLIANCE_MANAGE, practice)


def _check_publisher(actor, category: str) -> None:
    if may_publish(actor, category):
        return
    if category == PolicyCategory.CLINICAL:
        raise PolicyDecisionError(
            "Clinical protocols are the physicians' decision: a provider of the practice "
            "publishes them. Send your draft to a provider."
        )
    raise PolicyDecisionError("Only the practice's managers and MSO staff publish policies.")


def _version_errors(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len(str(data.get("body") or "").strip()) < 20:
        errors["body"] = ["Write the policy text (at least a few sentences)."]
    effective = data.get("effective_on")
    latest = timezone.localdate() + timedelta(days=730)
    if not effective:
        errors["effective_on"] = ["Enter when this version takes effect."]
    elif not EARLIEST_EFFECTIVE <= effective <= latest:
        errors["effective_on"] = [
            f"Enter a date from {EARLIEST_EFFECTIVE:%m/%d/%Y} to {latest:%m/%d/%Y}."
        ]
    return errors


@transaction.atomic
def policy_create(*, actor, data: dict) -> Policy:
    """A new policy with its first version."""
    errors = _version_errors(data)
    code = str(data.get("code") or "").strip().upper()
    if not _CODE.match(code):
        errors["code"] = ["A code is 2-30 capital letters, digits or hyphens, e.g. HIPAA-PRIV-01."]
    elif Policy.objects.filter(code=code).exists():
        errors["code"] = ["A policy with this code exists; publish a new version of it instead."]
    if not str(data.get("title") or "").strip():
        errors["title"] = ["This field is required."]
    if data.get("category") not in PolicyCategory.values:
        errors["category"] = ["Choose the kind of policy."]
    months = data.get("review_months")
    months = 12 if months is None else months
    if not 1 <= months <= 36:
        errors["review_months"] = ["Review at least every 36 months."]
    if errors:
        raise ComplianceError(errors)
    _check_publisher(actor, data["category"])
    try:
        with transaction.atomic():
            policy = Policy.objects.create(
                code=code,
                title=data["title"].strip(),
                category=data["category"],
                review_months=months,
            )
    except IntegrityError:  # the same code, created a moment ago by someone else
        raise ComplianceError({"code": ["A policy with this code exists."]}) from None
    version = PolicyVersion.objects.create(
        policy=policy,
        number=1,
        body=data["body"].strip(),
        changes="First version",
        effective_on=data["effective_on"],
        published_by=actor,
    )
    audit_record(
        actor=actor,
        action="policy.create",
        obj=policy,
        changes={"code": code, "version": version.number, "category": policy.category},
    )
    return policy


@transaction.atomic
def policy_publish(*, actor, policy: Policy, data: dict) -> PolicyVersion:
    """A new version: everyone attests again."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    if errors := _version_errors(data):
        raise ComplianceError(errors)
    _check_publisher(actor, policy.category)
    latest = policy.versions.aggregate(n=Max("number"))["n"] or 0
    version = PolicyVersion.objects.create(
        policy=policy,
        number=latest + 1,
        body=data["body"].strip(),
        changes=str(data.get("changes") or "").strip()[:300],
        effective_on=data["effective_on"],
        published_by=actor,
    )
    audit_record(
        actor=actor,
        action="policy.publish",
        obj=policy,
        changes={"version": version.number, "changes": version.changes},
    )
    return version


def policy_attest(*, actor, version: PolicyVersion | None) -> Attestation:
    """The actor read and will follow this version; attesting twice keeps the first."""
    if version is None:
        raise ComplianceError("This policy has no published version to attest to.")
    latest = version.policy.versions.order_by("-number").first()
    if latest != version:
        raise ComplianceError("A newer version was published: attest to that one.")
    try:
        with transaction.atomic():
            attestation = Attestation.objects.create(version=version, user=actor)
            audit_record(
                actor=actor,
                action="policy.attest",
                obj=version.policy,
                changes={"version": version.number},
            )
    except IntegrityError:
        return Attestation.objects.get(version=version, user=actor)
    return attestation
