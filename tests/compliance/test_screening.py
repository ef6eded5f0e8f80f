"""Exclusion screening end to end: the list imported whole or not at all, a practice's
providers and owners screened, reviewers' decisions recorded and carried to the next month,
confirmed exclusions holding claims, the monthly task once per month; pages, API and roles."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.choices import ClaimStatus
from billing.services import claims, encounters
from compliance.choices import MatchStatus
from compliance.models import ExclusionMatch, ExclusionScreening
from compliance.selectors import excluded_providers
from compliance.services import (
    ComplianceError,
    exclusion_match_decide,
    exclusion_screen,
    exclusion_screen_monthly,
)
from compliance.tasks import exclusion_screen_all
from mso.audit.models import AuditEvent
from mso.reference.models import ExclusionEntry, ExclusionList
from mso.reference.services import ExclusionListError, exclusion_list_import
from practices.services import provider_create, provider_update
from tests.conftest import user_for_role

from .leie_files import leie_csv, person

pytestmark = pytest.mark.django_db

MANAGERS = ("mso_admin", "mso_staff", "practice_manager")
OTHERS = ("provider", "integrator", "outsider")


def _list(world, *rows, name="UPDATED.csv"):
    imported, _ = exclusion_list_import(actor=world.admin, file_name=name, content=leie_csv(*rows))
    return imported


@pytest.fixture
def listed(world, clinic):
    """A list naming A's provider by NPI, A's owner by name, and strangers."""
    _list(
        world,
        person("Elsewhere", "Pat", NPI=clinic.provider.npi, EXCLDATE="20210610"),
        person("Owner", "Test", CITY="TROY", STATE="NY"),
        person("Stranger", "Kim", NPI="1245319599"),
        {"BUSNAME": "SYNTHETIC DME LLC"},
    )
    return clinic


@pytest.fixture
def in_a(world):
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        yield


# --- the list --------------------------------------------------------------------------------


def test_import_replaces_the_list_once_per_file(world):
    first = _list(world, person("One", "A"), person("Two", "B"))
    same = leie_csv(person("One", "A"), person("Two", "B"))
    again, created = exclusion_list_import(actor=world.admin, file_name="copy.csv", content=same)
    assert (again, created) == (first, False)
    second = _list(world, person("Three", "C"))
    assert ExclusionEntry.objects.count() == 1
    assert list(ExclusionList.objects.filter(is_current=True)) == [second]
    assert ExclusionList.objects.get(pk=first.pk).entry_count == 2  # the record stays
    # The earlier file again makes it current again, entries and all.
    restored, created = exclusion_list_import(actor=world.admin, file_name="old.csv", content=same)
    assert (restored, created) == (first, True)
    assert list(ExclusionList.objects.filter(is_current=True)) == [first]
    assert ExclusionEntry.objects.filter(exclusion_list=first).count() == 2
    event = AuditEvent.objects.filter(action="exclusion_list.import").latest("id")
    assert event.changes["entries"] == 2 and event.changes["restored"] is True
    assert event.actor_id == world.admin.pk


def test_a_bad_file_changes_nothing(world):
    current = _list(world, person("Kept", "Entry"))
    bad = leie_csv(person("Fine", "Row"), person("Bad", "Row", DOB="1960"))
    with pytest.raises(ExclusionListError) as error:
        exclusion_list_import(actor=world.admin, file_name="bad.csv", content=bad)
    assert error.value.errors["file"] == ["Line 3: DOB '1960' is not a date (YYYYMMDD)."]
    assert list(ExclusionList.objects.filter(is_current=True)) == [current]
    assert list(ExclusionEntry.objects.values_list("last_name", flat=True)) == ["Kept"]
    with pytest.raises(ExclusionListError, match="binary"):
        exclusion_list_import(actor=world.admin, file_name="x.pdf", content=b"%PDF\x00\x01")


# --- screening -------------------------------------------------------------------------------


def test_screening_finds_the_provider_by_npi_and_the_owner_by_name(world, listed, in_a):
    screening = exclusion_screen(actor=world.staff)
    assert screening.subjects_screened == 2  # one active provider, one owner
    matches = {m.subject_kind: m for m in screening.matches.all()}
    assert set(matches) == {"provider", "owner"}
    assert matches["provider"].strength == "npi"
    assert matches["provider"].listed_name == "Elsewhere, Pat"
    assert matches["provider"].exclusion_date == date(2021, 6, 10)
    assert matches["owner"].strength == "name" and matches["owner"].listed_location == "TROY, NY"
    assert all(m.status == MatchStatus.OPEN for m in matches.values())
    event = AuditEvent.objects.filter(action="exclusion_screening.run").latest("id")
    assert event.changes["matches"] == 2 and event.practice_id == world.a.pk


def test_screening_needs_an_imported_list(world, in_a):
    with pytest.raises(ComplianceError, match="No exclusion list"):
        exclusion_screen(actor=world.staff)
    assert not ExclusionScreening.objects.exists()


def test_decisions_are_recorded_and_carried_to_the_next_screening(world, listed, in_a):
    screening = exclusion_screen(actor=world.staff)
    owner = screening.matches.get(subject_kind="owner")
    with pytest.raises(ComplianceError) as error:
        exclusion_match_decide(actor=world.staff, match=owner, decision="maybe", note=" ")
    assert set(error.value.errors) == {"decision", "note"}
    exclusion_match_decide(
        actor=world.staff,
        match=owner,
        decision="cleared",
        note="NPPES: the listed person is a nurse in Troy; our owner is licensed in NY as MD.",
    )
    with pytest.raises(ComplianceError, match="already decided"):
        exclusion_match_decide(actor=world.staff, match=owner, decision="confirmed", note="x")
    # Next month's list has the same exclusions: the clearance carries, the rest stays open.
    _list(
        world,
        person("Elsewhere", "Pat", NPI=listed.provider.npi, EXCLDATE="20210610"),
        person("Owner", "Test", CITY="TROY", STATE="NY"),
        name="UPDATED-next.csv",
    )
    later = exclusion_screen(actor=None)
    carried = later.matches.get(subject_kind="owner")
    assert carried.status == MatchStatus.CLEARED and carried.carried_from_id == owner.pk
    assert carried.decided_by_id == world.staff.pk
    assert later.matches.get(subject_kind="provider").status == MatchStatus.OPEN


def test_a_confirmed_exclusion_holds_the_providers_claims(world, listed, in_a):
    screening = exclusion_screen(actor=world.staff)
    provider_match = screening.matches.get(subject_kind="provider")
    exclusion_match_decide(
        actor=world.manager_a,
        match=provider_match,
        decision="confirmed",
        note="NPI and name match the LEIE entry; OIG search confirmed on 2026-11-28.",
    )
    encounter, _ = encounters.encounter_create(
        actor=world.integrator_a,
        data={
            "patient": listed.patient,
            "provider": listed.provider,
            "location": listed.location,
            "date_of_service": timezone.localdate() - timedelta(days=3),
            "place_of_service": "11",
            "diagnosis_codes": ["E119"],
            "lines": [
                {"procedure_code": "99213", "units": "1", "charge": None, "diagnosis_pointers": [1]}
            ],
        },
    )
    built = claims.claim_build(actor=world.staff, encounter=encounter)
    assert built.status == ClaimStatus.SCRUB_FAILED
    assert "NPI003" in set(built.findings.values_list("code", flat=True))
    # Cleared people bill as before.
    ExclusionMatch.objects.filter(pk=provider_match.pk).update(status=MatchStatus.CLEARED)
    assert claims.claim_scrub(actor=world.staff, claim=built).status == ClaimStatus.READY


def test_a_new_provider_is_screened_at_once(world, listed, in_a):
    provider_create(
        actor=world.manager_a,
        data={"first_name": "Kim", "last_name": "Stranger", "npi": "1245319599"},
    )
    screening = ExclusionScreening.objects.get()
    assert screening.trigger == "hire" and screening.run_by_id == world.manager_a.pk
    assert {m.subject_name for m in screening.matches.all()} >= {"Kim Stranger"}


def test_a_deactivated_provider_stays_held_and_changes_are_screened(world, listed, in_a):
    screening = exclusion_screen(actor=world.staff)
    exclusion_match_decide(
        actor=world.staff,
        match=screening.matches.get(subject_kind="provider"),
        decision="confirmed",
        note="Confirmed on the OIG search page.",
    )
    provider_update(actor=world.manager_a, provider=listed.provider, data={"is_active": False})
    latest = ExclusionScreening.objects.first()
    assert latest.trigger == "hire" and latest.pk != screening.pk  # screened on the change
    assert excluded_providers() == {listed.provider.npi: date(2021, 6, 10)}


def test_monthly_screening_runs_once_per_month(world, listed, in_a):
    first = exclusion_screen_monthly(month=date(2026, 11, 14))
    again = exclusion_screen_monthly(month=date(2026, 11, 2))
    assert again == first and first.period == date(2026, 11, 1)
    assert exclusion_screen_monthly(month=date(2026, 12, 1)) != first
    assert ExclusionScreening.objects.filter(trigger="monthly").count() == 2


def test_fan_out_skips_every_practice_without_a_list(world, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert exclusion_screen_all() == 0


# --- pages and API ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*MANAGERS, *OTHERS])
def test_compliance_page_and_api_roles(world, client_for, listed, role):
    client = client_for(user_for_role(world, role), world.a)
    allowed = role in MANAGERS
    assert client.get("/compliance/").status_code == (200 if allowed else 403)
    assert client.get("/api/v1/compliance/matches/").status_code == (200 if allowed else 403)
    response = client.post("/api/v1/compliance/screenings/")
    assert response.status_code == (201 if allowed else 403), response.content


def test_screen_and_decide_through_the_pages(world, client_for, listed):
    client = client_for(world.manager_a, world.a)
    assert client.post("/compliance/screen/").status_code == 302
    page = client.get("/compliance/").content.decode()
    assert "Elsewhere, Pat" in page and "Record decision" in page
    with schema_context(world.a.schema_name):
        match = ExclusionMatch.objects.get(subject_kind="provider")
    response = client.post(
        f"/compliance/matches/{match.pk}/decide/", {"decision": "cleared", "note": ""}
    )
    assert response.status_code == 302
    with schema_context(world.a.schema_name):
        assert ExclusionMatch.objects.get(pk=match.pk).status == MatchStatus.OPEN
    client.post(
        f"/compliance/matches/{match.pk}/decide/",
        {"decision": "cleared", "note": "Different middle name and DOB per the state board."},
    )
    with schema_context(world.a.schema_name):
        decided = ExclusionMatch.objects.get(pk=match.pk)
    assert decided.status == MatchStatus.CLEARED and decided.decided_by_id == world.manager_a.pk


def test_api_decide_and_errors(world, client_for, listed):
    client = client_for(world.staff, world.a)
    assert client.post("/api/v1/compliance/screenings/").status_code == 201
    matches = client.get("/api/v1/compliance/matches/?status=open").json()["results"]
    assert {m["subject_kind"] for m in matches} == {"provider", "owner"}
    target = matches[0]["id"]
    bad = client.post(
        f"/api/v1/compliance/matches/{target}/decide/",
        {"decision": "later", "note": ""},
        content_type="application/json",
    )
    assert bad.status_code == 400 and {"decision", "note"} <= set(bad.json()["errors"])
    good = client.post(
        f"/api/v1/compliance/matches/{target}/decide/",
        {"decision": "confirmed", "note": "OIG search result saved to the credential file."},
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()["status"] == "confirmed"
    assert good.json()["decided_by_email"] == world.staff.email


def test_screening_without_a_list_is_a_clear_api_error(world, client_for):
    response = client_for(world.staff, world.a).post("/api/v1/compliance/screenings/")
    assert response.status_code == 400
    assert "No exclusion list" in str(response.json()["errors"]), response.json()


def test_practice_b_sees_none_of_as_screening(world, client_for, listed):
    client_for(world.staff, world.a).post("/api/v1/compliance/screenings/")
    with schema_context(world.a.schema_name):
        match = ExclusionMatch.objects.first()
    b = client_for(world.manager_b, world.b)
    assert b.get("/api/v1/compliance/matches/").json()["results"] == []
    assert "Elsewhere" not in b.get("/compliance/").content.decode()
    assert (
        b.post(
            f"/api/v1/compliance/matches/{match.pk}/decide/",
            {"decision": "cleared", "note": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_exclusion_list_page_is_for_mso_admins(world, client_for):
    admin = client_for(world.admin, None)
    upload = leie_csv(person("Listed", "Person"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin.post("/exclusion-list/", {"file": SimpleUploadedFile("UPDATED.csv", upload)})
    assert response.status_code == 302
    assert "UPDATED.csv" in admin.get("/exclusion-list/").content.decode()
    bad = admin.post(
        "/exclusion-list/",
        {"file": SimpleUploadedFile("bad.csv", b"NAME,NPI\r\nx,1\r\n")},
    )
    assert bad.status_code == 200 and "Line 1: the header must be" in bad.content.decode()
    assert client_for(world.staff, None).get("/exclusion-list/").status_code == 403
