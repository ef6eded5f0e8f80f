"""Written policies: versions, attestations by everyone who works in the practice, review
cycles, and the CPOM rule that clinical protocols are published by a provider only."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from compliance.models import Attestation, Policy
from compliance.selectors import attesters, policy_list
from compliance.services import (
    ComplianceError,
    PolicyDecisionError,
    exclusion_screen,
    policy_attest,
    policy_create,
    policy_publish,
)
from mso.accounts.exceptions import AccountsError
from mso.accounts.services import membership_grant
from mso.audit.models import AuditEvent
from mso.reference.services import exclusion_list_import
from tests.compliance.leie_files import leie_csv, person
from tests.conftest import user_for_role

pytestmark = pytest.mark.django_db

TEXT = "Workforce members use and disclose only the minimum necessary PHI for each task."


@pytest.fixture
def in_a(world):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        yield


def _policy(actor, **more):
    data = {
        "code": "hipaa-priv-01",
        "title": "Minimum necessary",
        "category": "privacy",
        "effective_on": date(2025, 11, 30),
        "body": TEXT,
        **more,
    }
    return policy_create(actor=actor, data=data)


def test_policy_rules_and_versions(world, in_a):
    cases = [
        ({"code": "bad code!"}, "code"),
        ({"title": " "}, "title"),
        ({"category": "astrology"}, "category"),
        ({"body": "short"}, "body"),
        ({"effective_on": None}, "effective_on"),
        ({"review_months": 48}, "review_months"),
    ]
    for more, field in cases:
        with pytest.raises(ComplianceError) as error:
            _policy(world.staff, **more)
        assert field in error.value.errors, more
    created = _policy(world.staff)
    assert created.code == "HIPAA-PRIV-01"
    with pytest.raises(ComplianceError, match="publish a new version"):
        _policy(world.staff)
    second = policy_publish(
        actor=world.manager_a,
        policy=created,
        data={"effective_on": date(2026, 12, 1), "changes": "Adds texting", "body": TEXT * 2},
    )
    assert second.number == 2
    assert AuditEvent.objects.filter(action="policy.publish", object_id=str(created.pk)).exists()


def test_everyone_who_works_here_attests_each_version(world, in_a):
    created = _policy(world.staff, effective_on=date(2024, 1, 31), review_months=1)
    people = {u.email for u in attesters(world.a)}
    assert world.manager_a.email in people and world.provider_a.email in people
    assert world.integrator_a.email not in people and world.admin.email not in people
    v1 = created.versions.get()
    policy_attest(actor=world.provider_a, version=v1)
    policy_attest(actor=world.provider_a, version=v1)  # twice: the first stays
    assert Attestation.objects.count() == 1
    (listed,) = policy_list(world.provider_a, world.a)
    assert listed.mine and listed.attested == 1 and listed.required == len(people)
    # The review is due a month after the version took effect (the month's last day).
    assert listed.review_due == date(2024, 2, 29) and listed.review_overdue
    v2 = policy_publish(
        actor=world.staff,
        policy=created,
        data={"effective_on": timezone.localdate(), "changes": "Annual review", "body": TEXT},
    )
    (listed,) = policy_list(world.provider_a, world.a)
    assert not listed.mine and listed.must_attest and listed.attested == 0
    with pytest.raises(ComplianceError, match="newer version"):
        policy_attest(actor=world.provider_a, version=v1)
    policy_attest(actor=world.provider_a, version=v2)


def test_clinical_protocols_are_published_by_providers_only(world, clinic, in_a):
    """CPOM: MSO staff and practice managers may not set clinical protocols."""
    protocol = {"code": "CLIN-01", "title": "Standing order: flu vaccine", "category": "clinical"}
    for manager in (world.staff, world.manager_a, world.admin):
        with pytest.raises(PolicyDecisionError, match="physicians' decision"):
            _policy(manager, **protocol)
    assert not Policy.objects.exists()
    # Nobody makes themselves a provider to get round it...
    with pytest.raises(AccountsError, match="your own role"):
        membership_grant(actor=world.staff, user=world.staff, practice=world.a, role="provider")
    # ...and a provider role alone is not enough: the sign-in of an active provider is.
    clinic.provider.is_active = False
    clinic.provider.save(update_fields=["is_active"])
    with pytest.raises(PolicyDecisionError):
        _policy(world.provider_a, **protocol)
    clinic.provider.is_active = True
    clinic.provider.save(update_fields=["is_active"])
    created = _policy(world.provider_a, **protocol)
    assert created.versions.get().published_by == world.provider_a
    with pytest.raises(PolicyDecisionError):
        policy_publish(
            actor=world.staff,
            policy=created,
            data={"effective_on": timezone.localdate(), "changes": "x", "body": TEXT},
        )
    # ...and a provider does not publish the practice's administrative policies.
    with pytest.raises(PolicyDecisionError, match="managers"):
        _policy(world.provider_a)


# --- pages and API ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("mso_admin", 200),
        ("mso_staff", 200),
        ("practice_manager", 200),
        ("provider", 200),
        ("integrator", 403),
        ("outsider", 403),
    ],
)
def test_policy_pages_and_api_roles(world, client_for, in_a, role, status):
    created = _policy(world.staff)
    client = client_for(user_for_role(world, role), world.a)
    assert client.get("/compliance/policies/").status_code == status
    assert client.get(f"/compliance/policies/{created.pk}/").status_code == status
    assert client.get("/api/v1/compliance/policies/").status_code == status
    attest = client.post(f"/api/v1/compliance/policies/{created.pk}/attest/")
    assert attest.status_code == status


def test_attest_and_publish_through_the_pages(world, client_for, in_a):
    created = _policy(world.staff)
    provider = client_for(world.provider_a, world.a)
    page = provider.get(f"/compliance/policies/{created.pk}/").content.decode()
    assert "I have read and will follow this version" in page
    assert "Publish a new version" not in page  # an administrative policy
    provider.post(f"/compliance/policies/{created.pk}/attest/")
    assert "You attested" in provider.get(f"/compliance/policies/{created.pk}/").content.decode()
    refused = provider.post(
        f"/compliance/policies/{created.pk}/publish/",
        {"effective_on": "2026-12-01", "changes": "x", "body": TEXT},
    )
    assert refused.status_code == 403
    manager = client_for(world.manager_a, world.a)
    bad = manager.post(
        f"/compliance/policies/{created.pk}/publish/",
        {"effective_on": "2026-12-01", "changes": "x", "body": "tiny"},
    )
    assert bad.status_code == 200 and "Write the policy text" in bad.content.decode()
    manager.post(
        f"/compliance/policies/{created.pk}/publish/",
        {"effective_on": "2026-12-01", "changes": "Texting rules", "body": TEXT + " Also SMS."},
    )
    assert created.versions.count() == 2
    response = manager.post(
        "/compliance/policies/",
        {
            "code": "CLIN-2",
            "title": "Protocol",
            "category": "clinical",
            "review_months": 12,
            "effective_on": "2026-12-01",
            "body": TEXT,
        },
    )
    assert response.status_code == 200 and "physicians" in response.content.decode()


def test_policy_api_create_and_publish(world, client_for, in_a):
    staff = client_for(world.staff, world.a)
    body = {
        "code": "SEC-01",
        "title": "Workstation security",
        "category": "security",
        "effective_on": str(timezone.localdate() - timedelta(days=3)),
        "body": TEXT,
    }
    created = staff.post("/api/v1/compliance/policies/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["current"]["number"] == 1
    again = staff.post("/api/v1/compliance/policies/", body, content_type="application/json")
    assert again.status_code == 400 and "code" in again.json()["errors"]
    clinical = staff.post(
        "/api/v1/compliance/policies/",
        {**body, "code": "CLIN-9", "category": "clinical"},
        content_type="application/json",
    )
    assert clinical.status_code == 403
    pk = created.json()["id"]
    published = staff.post(
        f"/api/v1/compliance/policies/{pk}/publish/",
        {"effective_on": str(timezone.localdate()), "changes": "Screens lock", "body": TEXT},
        content_type="application/json",
    )
    assert published.status_code == 200 and published.json()["current"]["number"] == 2
    assert (
        client_for(world.manager_b, world.b).get(f"/api/v1/compliance/policies/{pk}/").status_code
        == 404
    )


def test_practice_home_lists_each_persons_compliance_to_do(world, client_for, in_a):
    created = _policy(world.staff)
    exclusion_list_import(
        actor=world.admin, file_name="L.csv", content=leie_csv(person("Owner", "Test"))
    )
    exclusion_screen(actor=world.staff)  # an open match: a compliance manager's to-do
    provider_home = client_for(world.provider_a, world.a).get("/").content.decode()
    assert "1 policy version(s) to read and attest" in provider_home
    assert "exclusion match" not in provider_home  # not a compliance manager's list
    policy_attest(actor=world.provider_a, version=created.versions.get())
    assert "Compliance to do" not in client_for(world.provider_a, world.a).get("/").content.decode()
    manager_home = client_for(world.manager_a, world.a).get("/").content.decode()
    assert "policy version(s) to read and attest" in manager_home
    assert "1 exclusion match(es) to review" in manager_home
    integrator_home = client_for(world.integrator_a, world.a).get("/").content.decode()
    assert "Compliance to do" not in integrator_home


def test_bad_versions_are_refused_and_lists_do_not_grow_per_policy(
    world, client_for, in_a, django_assert_max_num_queries
):
    for effective in (date(1900, 1, 1), date(9999, 6, 1)):
        with pytest.raises(ComplianceError) as error:
            _policy(world.staff, effective_on=effective)
        assert "effective_on" in error.value.errors
    with pytest.raises(ComplianceError) as error:
        _policy(world.staff, review_months=0)
    assert "review_months" in error.value.errors
    bare = Policy.objects.create(code="BARE-1", title="No version", category="privacy")
    client = client_for(world.manager_a, world.a)
    assert client.get(f"/compliance/policies/{bare.pk}/").status_code == 404
    assert client.post(f"/api/v1/compliance/policies/{bare.pk}/attest/").status_code == 400
    assert client.get("/compliance/policies/").status_code == 200
    for n in range(5):
        _policy(world.staff, code=f"P-{n}")
    with django_assert_max_num_queries(25):
        listing = client.get("/api/v1/compliance/policies/")
    assert listing.status_code == 200 and listing.json()["count"] == 6
