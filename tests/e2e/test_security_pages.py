"""The MSO admin's oversight pages in Chromium: they render without console errors (CSP
violations included) and show what an admin acts on."""

import pytest

from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

PAGES = [
    ("/finance/", "MSO fee revenue", "finance"),
    ("/audit/", "Audit log", "audit_search"),
    ("/emergency/review/", "Emergency access", "emergency_review"),
    ("/users/", "Users & roles", "users"),
]


def test_admin_oversight_pages_render_clean(world, live_url, page, screenshot):
    origin = live_url.format(host="localhost")
    sign_in(page, origin, "admin@mso.test")
    for path, heading, shot in PAGES:
        page.goto(f"{origin}{path}")
        assert page.get_by_role("heading", name=heading).first.is_visible(), path
        assert screenshot(shot).stat().st_size > 10_000
    page.goto(f"{origin}/audit/?action=session.sign_in")
    assert page.get_by_text("session.sign_in").first.is_visible()
    page.goto(f"{origin}/finance/")
    assert page.locator("figure svg").first.is_visible()  # charts are inline SVG, no script
    assert page.console_errors == []
