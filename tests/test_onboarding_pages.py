"""The onboarding wizard in the MSO portal, with field errors and nothing written on failure."""

import pytest

from mso.tenancy.models import Practice

pytestmark = pytest.mark.django_db

STEP1 = {
    "name": "Foxtrot Dermatology, P.C.",
    "slug": "foxtrot",
    "state": "NY",
    "group_npi": "1234567893",
    "tin": "12-3456789",
}


def owners(*rows):
    data = {
        "owners-TOTAL_FORMS": str(len(rows)),
        "owners-INITIAL_FORMS": "0",
        "owners-MIN_NUM_FORMS": "1",
        "owners-MAX_NUM_FORMS": "20",
    }
    for index, (name, state, share, expiry) in enumerate(rows):
        data.update(
            {
                f"owners-{index}-full_name": name,
                f"owners-{index}-license_state": state,
                f"owners-{index}-license_number": f"L-{index}",
                f"owners-{index}-license_expiry": expiry,
                f"owners-{index}-share_percent": share,
            }
        )
    return data


def test_wizard_creates_practice_and_shows_progress(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.admin, None)
    response = client.post("/practices/new/", STEP1)
    assert response.status_code == 302 and response["Location"] == "/practices/new/owners/"
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/practices/new/owners/",
            owners(("Dr. Fox", "NY", "75", "2030-01-01"), ("Dr. Trot", "CT", "25", "2030-01-01")),
        )
    practice = Practice.objects.get(slug="foxtrot")
    assert response.status_code == 302
    assert response["Location"] == f"/practices/{practice.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    job = practice.jobs.get()
    partial = client.get(f"/jobs/{job.pk}/progress/").content.decode()
    assert "Waiting for a worker" in partial


def test_wizard_step1_field_errors(world, client_for):
    bad = dict(STEP1, group_npi="1234567890", slug="alpha", tin="1")
    response = client_for(world.admin, None).post("/practices/new/", bad)
    assert response.status_code == 200
    form = response.context["form"]
    assert {"group_npi", "slug", "tin"} <= set(form.errors)


def test_wizard_ownership_errors_write_nothing(world, client_for):
    client = client_for(world.admin, None)
    client.post("/practices/new/", STEP1)
    response = client.post(
        "/practices/new/owners/",
        owners(("Dr. Fox", "CT", "50", "2030-01-01"), ("Dr. Trot", "CT", "40", "2020-01-01")),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "total exactly 100%" in html
    assert "active medical license in NY" in html
    assert "This license has expired" in html
    assert not Practice.objects.filter(slug="foxtrot").exists()


def test_wizard_step2_without_step1_goes_back(world, client_for):
    response = client_for(world.admin, None).get("/practices/new/owners/")
    assert response["Location"] == "/practices/new/"


def test_progress_partial_reloads_page_when_job_succeeds(world, client_for):
    job = world.a.jobs.get()
    response = client_for(world.admin, None).get(
        f"/jobs/{job.pk}/progress/", HTTP_HX_REQUEST="true"
    )
    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in response.content.decode()  # polling stops
