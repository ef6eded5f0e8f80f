"""Providers' credentials: the rules, renewals and verification, expiry notices sent once per
threshold, the scrubber's license check; pages, API and roles."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.choices import ClaimStatus
from billing.services import claims, encounters
from compliance import expiry
from compliance.models import Credential, CredentialAlert
from compliance.services import (
    ComplianceError,
    credential_alerts_send,
    credential_create,
    credential_update,
    credential_verify,
)
from compliance.services.credentials import dea_is_valid
from compliance.tasks import credential_alerts_task
from mso.accounts.models import User
from mso.audit.models import AuditEvent
from tests.conftest import user_for_role

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)
MANAGERS = ("mso_admin", "mso_staff", "practice_manager")


@pytest.fixture
def in_a(world, clinic):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        yield clinic


def _license(clinic, actor, **more):
    data = {
        "provider": clinic.provider,
        "kind": "state_license",
        "number": "123456",
        "state": "NY",
        "issued_on": date(2020, 1, 1),
        "expires_on": date(2027, 6, 30),
        **more,
    }
    return credential_create(actor=actor, data=data)


# --- pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expires_on", "expected"),
    [
        (None, "no_expiry"),
        (TODAY - timedelta(days=1), "expired"),
        (TODAY, "expiring"),
        (TODAY + timedelta(days=90), "expiring"),
        (TODAY + timedelta(days=91), "current"),
    ],
)
def test_status(expires_on, expected):
    assert expiry.status(expires_on, TODAY) == expected


@pytest.mark.parametrize(
    ("days_left", "sent", "due"),
    [
        (120, set(), None),
        (90, set(), 90),
        (75, {90}, None),
        (20, set(), 30),  # entered late: only the most urgent notice
        (20, {30}, None),
        (7, {90, 60, 30}, 7),
        (0, {7}, 0),
        (-40, {0}, None),
        (-40, set(), 0),
    ],
)
def test_alert_due(days_left, sent, due):
    assert expiry.alert_due(TODAY + timedelta(days=days_left), TODAY, sent) == due
    assert expiry.alert_due(None, TODAY, set()) is None


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("AB1234563", True),
        ("A91234563", True),  # a second character of 9 is a valid registrant form
        ("AB1234564", False),
        ("A1234563", False),
        ("9B1234563", False),
    ],
)
def test_dea_check_digit(number, valid):
    assert dea_is_valid(number) is valid


# --- services --------------------------------------------------------------------------------


def test_credential_rules_name_the_field(world, in_a):
    cases = [
        ({"kind": "state_license", "state": ""}, "state"),
        ({"kind": "dea", "number": "AB1234564", "state": ""}, "number"),
        ({"expires_on": None}, "expires_on"),
        ({"issued_on": date(2027, 1, 1), "expires_on": date(2026, 12, 1)}, "expires_on"),
        ({"issued_on": timezone.localdate() + timedelta(days=2)}, "issued_on"),
        ({"number": "!"}, "number"),
        ({"kind": "nonsense"}, "kind"),
    ]
    for more, field in cases:
        with pytest.raises(ComplianceError) as error:
            _license(in_a, world.staff, **more)
        assert field in error.value.errors, more
    assert not Credential.objects.exists()
    board = _license(in_a, world.staff, kind="board", state="", expires_on=None, number="b-77")
    assert board.number == "B-77"
    _license(in_a, world.staff)
    with pytest.raises(ComplianceError, match="already has this credential"):
        _license(in_a, world.staff)


def test_renewal_restarts_verification_and_is_audited(world, in_a):
    credential = _license(in_a, world.staff)
    credential_verify(actor=world.staff, credential=credential, source="NY OP license lookup")
    assert credential.verified_on == timezone.localdate()
    with pytest.raises(ComplianceError):
        credential_verify(actor=world.staff, credential=credential, source=" ")
    credential_update(actor=world.manager_a, credential=credential, data={"issuer": "NYSED"})
    credential.refresh_from_db()
    assert credential.verified_on is not None  # a correction keeps the verification
    credential_update(
        actor=world.manager_a, credential=credential, data={"expires_on": date(2029, 6, 30)}
    )
    credential.refresh_from_db()
    assert credential.verified_on is None and credential.verification_source == ""
    event = AuditEvent.objects.filter(action="credential.update").latest("id")
    assert event.changes == {"expires_on": ["2027-06-30", "2029-06-30"]}


def test_notices_are_sent_once_per_threshold_and_restart_on_renewal(world, in_a):
    today = timezone.localdate()
    soon = _license(in_a, world.staff, expires_on=today + timedelta(days=25))
    _license(
        in_a,
        world.staff,
        kind="malpractice",
        state="",
        number="POL-1",
        expires_on=today + timedelta(days=400),
    )
    mail.outbox.clear()
    assert credential_alerts_send() == 1
    (message,) = mail.outbox
    assert "1 need attention at Alpha Medical Group" in message.subject
    assert "123456" in message.body and "expires on" in message.body
    assert set(message.to) == {world.manager_a.email, world.staff.email}
    assert world.provider_a.email not in message.to
    assert credential_alerts_send() == 0 and len(mail.outbox) == 1  # a rerun sends nothing
    assert credential_alerts_send(today=today + timedelta(days=18)) == 1  # the 7-day notice
    assert sorted(soon.alerts.values_list("days_before", flat=True)) == [7, 30]
    credential_update(
        actor=world.staff, credential=soon, data={"expires_on": today + timedelta(days=60)}
    )
    assert credential_alerts_send() == 1  # a new expiry: notices start again (60 days)
    assert CredentialAlert.objects.filter(expires_on=today + timedelta(days=60)).count() == 1


def test_notices_wait_for_someone_to_tell(world, in_a):
    _license(in_a, world.staff, expires_on=timezone.localdate() + timedelta(days=5))
    User.objects.filter(pk__in=[world.manager_a.pk, world.staff.pk]).update(is_active=False)
    mail.outbox.clear()
    assert credential_alerts_send() == 0
    assert not CredentialAlert.objects.exists() and mail.outbox == []
    User.objects.filter(pk=world.manager_a.pk).update(is_active=True)
    assert credential_alerts_send() == 1 and mail.outbox[0].to == [world.manager_a.email]


def test_the_practice_task_sends_todays_notices(world, in_a):
    _license(in_a, world.staff, expires_on=timezone.localdate())
    assert credential_alerts_task.apply(throw=True).get() == 1
    assert credential_alerts_task.apply(throw=True).get() == 0


def test_scrubber_holds_a_service_outside_the_providers_licenses(world, in_a):
    today = timezone.localdate()
    lapsed = _license(
        in_a, world.staff, issued_on=date(2015, 1, 1), expires_on=today - timedelta(days=30)
    )

    def claim_for(days_ago):
        encounter, _ = encounters.encounter_create(
            actor=world.integrator_a,
            data={
                "external_id": f"LIC-{days_ago}",
                "patient": in_a.patient,
                "provider": in_a.provider,
                "location": in_a.location,
                "date_of_service": today - timedelta(days=days_ago),
                "place_of_service": "11",
                "diagnosis_codes": ["E119"],
                "lines": [
                    {
                        "procedure_code": "99213",
                        "units": "1",
                        "charge": None,
                        "diagnosis_pointers": [1],
                    }
                ],
            },
        )
        return claims.claim_build(actor=world.staff, encounter=encounter)

    before = claim_for(40)  # inside the lapsed license
    after = claim_for(5)
    assert before.status == ClaimStatus.READY
    assert after.status == ClaimStatus.SCRUB_FAILED
    errors = after.findings.filter(severity="error").values_list("code", flat=True)
    assert list(errors) == ["NPI004"]
    credential_update(
        actor=world.staff, credential=lapsed, data={"expires_on": today + timedelta(days=700)}
    )
    assert claims.claim_scrub(actor=world.staff, claim=after).status == ClaimStatus.READY


# --- pages and API ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*MANAGERS, "provider", "integrator", "outsider"])
def test_credential_pages_and_api_roles(world, client_for, in_a, role):
    credential = _license(in_a, world.staff)
    client = client_for(user_for_role(world, role), world.a)
    allowed = role in MANAGERS
    assert client.get("/compliance/credentials/").status_code == (200 if allowed else 403)
    assert client.get(f"/compliance/credentials/{credential.pk}/").status_code == (
        200 if allowed else 403
    )
    response = client.patch(
        f"/api/v1/compliance/credentials/{credential.pk}/",
        {"issuer": "NYSED"},
        content_type="application/json",
    )
    assert response.status_code == (200 if allowed else 403)


def test_credential_pages_add_renew_verify(world, client_for, in_a):
    client = client_for(world.manager_a, world.a)
    today = timezone.localdate()
    response = client.post(
        "/compliance/credentials/",
        {
            "provider": in_a.provider.pk,
            "kind": "dea",
            "number": "AB1234563",
            "expires_on": (today + timedelta(days=45)).isoformat(),
        },
    )
    assert response.status_code == 302
    credential = Credential.objects.get(kind="dea")
    page = client.get("/compliance/credentials/").content.decode()
    assert "AB1234563" in page and "Expiring" in page
    bad = client.post(
        "/compliance/credentials/",
        {"provider": in_a.provider.pk, "kind": "state_license", "number": "9", "state": ""},
    )
    assert bad.status_code == 200 and "needs its state" in bad.content.decode()
    client.post(f"/compliance/credentials/{credential.pk}/verify/", {"source": "DEA CSA lookup"})
    credential.refresh_from_db()
    assert credential.verification_source == "DEA CSA lookup"
    renewed = (today + timedelta(days=1095)).isoformat()
    response = client.post(
        f"/compliance/credentials/{credential.pk}/",
        {
            "provider": in_a.provider.pk,
            "kind": "dea",
            "number": "AB1234563",
            "expires_on": renewed,
        },
    )
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.expires_on.isoformat() == renewed and credential.verified_on is None


def test_api_create_and_bad_input(world, client_for, in_a):
    client = client_for(world.staff, world.a)
    response = client.post(
        "/api/v1/compliance/credentials/",
        {
            "provider": in_a.provider.pk,
            "kind": "malpractice",
            "number": "POL-9",
            "issuer": "Carrier",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "expires_on" in response.json()["errors"]
    response = client.post(
        "/api/v1/compliance/credentials/",
        {
            "provider": in_a.provider.pk,
            "kind": "malpractice",
            "number": "POL-9",
            "expires_on": "2027-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] in ("expiring", "current")
    listing = client.get("/api/v1/compliance/credentials/").json()["results"]
    assert [c["number"] for c in listing] == ["POL-9"]
    assert (
        client_for(world.manager_b, world.b)
        .get("/api/v1/compliance/credentials/")
        .json()["results"]
        == []
    )


def test_portal_overview_counts_what_waits_at_each_practice(world, client_for, in_a):
    from compliance.portfolio import compliance_overview
    from compliance.services import exclusion_screen
    from mso.reference.services import exclusion_list_import
    from tests.compliance.leie_files import leie_csv, person

    today = timezone.localdate()
    _license(in_a, world.staff, issued_on=date(2015, 1, 1), expires_on=today - timedelta(days=3))
    _license(
        in_a,
        world.staff,
        kind="dea",
        number="AB1234563",
        state="",
        expires_on=today + timedelta(days=20),
    )
    exclusion_list_import(
        actor=world.admin, file_name="L.csv", content=leie_csv(person("Owner", "Test"))
    )
    exclusion_screen(actor=world.staff)
    connection.set_schema_to_public()
    rows = {row["practice"].slug: row for row in compliance_overview([world.a, world.b], today)}
    a, b = rows[world.a.slug], rows[world.b.slug]
    assert (a["open_matches"], a["confirmed"], a["expired"], a["expiring_30"]) == (1, 0, 1, 1)
    assert a["screened_this_month"] and b["screened_on"] is None and b["expired"] == 0
    assert (a["open_incidents"], a["overdue_notices"]) == (0, 0)
    page = client_for(world.admin, None).get("/compliance/").content.decode()
    assert "Alpha Medical Group" in page and "Never" in page
