"""Reads of compliance data."""

from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from mso.accounts import policy as access
from mso.accounts.choices import Role
from mso.accounts.models import User
from mso.accounts.policy import Action

from . import breach, expiry
from .choices import CredentialKind, IncidentStatus, MatchStatus, NoticeAudience, SubjectKind
from .models import (
    Credential,
    ExclusionMatch,
    ExclusionScreening,
    Policy,
    PolicyVersion,
    SecurityIncident,
)


def screening_latest() -> ExclusionScreening | None:
    return ExclusionScreening.objects.select_related("exclusion_list", "run_by").first()


def match_list(status: str | None = None) -> QuerySet[ExclusionMatch]:
    """Matches of the latest screening (earlier screenings' decisions are carried into it)."""
    latest = screening_latest()
    if latest is None:
        return ExclusionMatch.objects.none()
    matches = latest.matches.select_related("decided_by")
    return matches.filter(status=status) if status else matches


def excluded_providers() -> dict[str, date]:
    """NPI -> exclusion date of providers whose exclusion a reviewer confirmed in the latest
    screening: the claim scrubber holds their services from that date."""
    confirmed = match_list(MatchStatus.CONFIRMED).filter(subject_kind=SubjectKind.PROVIDER)
    since: dict[str, date] = {}
    for npi, day in confirmed.values_list("subject_npi", "exclusion_date"):
        if npi:
            since[npi] = min(day, since.get(npi, day))
    return since


def credential_list() -> list[Credential]:
    """Every credential with its `status` (expired, expiring, current, no_expiry), most
    urgent first."""
    today = timezone.localdate()
    credentials = list(Credential.objects.select_related("provider", "verified_by"))
    order = {expiry.EXPIRED: 0, expiry.EXPIRING: 1, expiry.CURRENT: 2, expiry.NO_EXPIRY: 3}
    for credential in credentials:
        credential.status = expiry.status(credential.expires_on, today)
    return sorted(credentials, key=lambda c: (order[c.status], c.expires_on or today))


def license_periods() -> dict[str, tuple[tuple[str, date | None], ...]]:
    """Provider NPI -> (state, expiry) of each state license on file (the claim scrubber
    checks each service against the licenses of the service's state)."""
    licenses: dict[str, list[tuple[str, date | None]]] = defaultdict(list)
    for npi, state, expires in Credential.objects.filter(
        kind=CredentialKind.STATE_LICENSE
    ).values_list("provider__npi", "state", "expires_on"):
        licenses[npi].append((state, expires))
    return {npi: tuple(items) for npi, items in licenses.items()}


@dataclass(frozen=True)
class Obligation:
    """One notice a breach needs: by when, and whether (and when) it was given."""

    audience: str
    label: str
    due: date
    why: str
    given_on: date | None
    overdue: bool


def incident_deadlines(incident: SecurityIncident) -> list[breach.Deadline]:
    """The notices a breach needs; none for an incident that is not (or not yet) a breach."""
    if not incident.is_breach or incident.status == IncidentStatus.OPEN:
        return []
    return breach.deadlines(
        incident.discovered_on, incident.individuals_affected, incident.largest_state_count
    )


def incident_obligations(incident: SecurityIncident, today: date) -> list[Obligation]:
    given: dict[str, date] = {}
    for notice in incident.notices.all():
        given.setdefault(notice.audience, notice.sent_on)
    return [
        Obligation(
            audience=d.audience,
            label=NoticeAudience(d.audience).label,
            due=d.due,
            why=d.why,
            given_on=given.get(d.audience),
            overdue=d.audience not in given and d.due < today,
        )
        for d in incident_deadlines(incident)
    ]


def incident_list() -> list[SecurityIncident]:
    """Every incident with its `obligations` and `next_due` (the earliest notice not given)."""
    today = timezone.localdate()
    rows = SecurityIncident.objects.prefetch_related("notices").select_related("reported_by")
    incidents = list(rows)
    for incident in incidents:
        incident.obligations = incident_obligations(incident, today)
        pending = [o for o in incident.obligations if o.given_on is None]
        incident.next_due = min((o.due for o in pending), default=None)
        incident.overdue = any(o.overdue for o in pending)
    return incidents


# Who must attest to the practice's policies: the people who work in it. MSO admins act
# across every practice without a membership; integrators are API accounts, not people.
ATTESTING_ROLES = (Role.PRACTICE_MANAGER, Role.PROVIDER, Role.MSO_STAFF)


def attesters(practice) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__practice=practice,
            memberships__role__in=ATTESTING_ROLES,
        )
        .distinct()
        .order_by("email")
    )


def _review_due(policy: Policy, version: PolicyVersion) -> date:
    months = version.effective_on.month - 1 + policy.review_months
    year = version.effective_on.year + months // 12
    if year > date.max.year:
        return date.max
    month = months % 12 + 1
    day = min(version.effective_on.day, monthrange(year, month)[1])
    return date(year, month, day)


def policy_list(user, practice) -> list[Policy]:
    """Every policy with its `current` version, `review_due` date (and `review_overdue`),
    how many of `required` people attested the current version, and whether `user` did."""
    today = timezone.localdate()
    people = {u.pk for u in attesters(practice)}
    policies = list(Policy.objects.prefetch_related("versions__attestations"))
    for policy in policies:
        versions = sorted(policy.versions.all(), key=lambda v: v.number)
        policy.current = versions[-1] if versions else None
        if policy.current is None:  # made outside the services; nothing to attest or review
            policy.required, policy.attested, policy.mine, policy.must_attest = 0, 0, False, False
            policy.review_due, policy.review_overdue = None, False
            continue
        signed = {a.user_id for a in policy.current.attestations.all()} if policy.current else set()
        policy.required = len(people)
        policy.attested = len(signed & people)
        policy.mine = user.pk in signed
        policy.must_attest = user.pk in people and not policy.mine
        policy.review_due = _review_due(policy, policy.current) if policy.current else None
        policy.review_overdue = policy.review_due is not None and policy.review_due < today
    return policies


def attestation_rows(version: PolicyVersion, practice) -> list[tuple[User, object]]:
    """(person, attestation or None) for everyone who must attest to `version`."""
    signed = {a.user_id: a for a in version.attestations.all()}
    return [(person, signed.get(person.pk)) for person in attesters(practice)]


def todo_for(user, practice) -> list[tuple[str, str]]:
    """What this person should do about compliance here, as (text, URL name) lines: policies
    to attest, and for those who run compliance, matches to review, notices overdue and
    credentials expired."""
    todo = []
    if access.can(user, Action.POLICY_VIEW, practice):
        pending = sum(p.must_attest for p in policy_list(user, practice))
        if pending:
            todo.append((f"{pending} policy version(s) to read and attest", "policy-list"))
    if not access.can(user, Action.COMPLIANCE_MANAGE, practice):
        return todo
    matches = match_list(MatchStatus.OPEN).count()
    if matches:
        todo.append((f"{matches} exclusion match(es) to review", "compliance-home"))
    overdue = sum(o.overdue and o.given_on is None for i in incident_list() for o in i.obligations)
    if overdue:
        todo.append((f"{overdue} breach notice(s) overdue", "incident-list"))
    expired = sum(c.status == expiry.EXPIRED for c in credential_list())
    if expired:
        todo.append((f"{expired} credential(s) expired", "credential-list"))
    return todo


def policy_queryset() -> QuerySet[Policy]:
    """Policies with their versions prefetched newest first (the first is the current one)."""
    newest_first = PolicyVersion.objects.select_related("published_by").order_by("-number")
    return Policy.objects.prefetch_related(Prefetch("versions", queryset=newest_first))
