"""Cross-practice isolation matrix (ASVS 5.0 8.4.1, HIPAA 164.312(a)(1)).

Every route of both hosts is found by walking the URL confs (cross-checked with the OpenAPI
schema) and must have an entry in tests/isolation/registry.py. For each route, practice A's
objects are made through the services, then the route is requested with practice B's
credentials in every way they can be presented:

  b-session-on-b            B's manager, signed in on B's host (A's ids in the URL or body)
  b-token-on-b              B's integrator token (every scope) on B's host
  b-session-made-on-a       B's manager with a session made on A's host
  b-session-replayed-on-a   B's session cookie presented on A's host
  b-token-on-a              B's integrator token on A's host
  a-token-without-scope     A's own token holding every scope but the one the route needs

and on the MSO portal by B's manager, B's token and an MSO staff member assigned to B only.
A refusal is 401/403/404 or a redirect to sign-in; an answer never carries A's identifying
values (patient names, claim and trace numbers, amounts, file contents), nothing in A's schema
or A's shared rows changes, and the cache holds none of A's values under another schema.
"""

import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mso.accounts import policy
from mso.accounts.choices import Role
from mso.accounts.models import Membership, User
from mso.accounts.scopes import SCOPES
from mso.accounts.services import token_create

from .conftest import signed_in_client
from .isolation.data import PracticeAData
from .isolation.probes import foreign_cache_leaks, leaked, practice_state
from .isolation.registry import (
    DATA,
    MSO_WIDE,
    OBJECT,
    PORTAL_DATA,
    PORTAL_OBJECT,
    REGISTRY,
    SECRET,
    SELF,
)
from .isolation.routes import discover, openapi_operations

ROUTES = discover()
COVERED = [r for r in ROUTES if r.key in REGISTRY]
SUMMARY_PATH = Path(__file__).resolve().parent.parent / "test-artifacts" / "isolation-summary.json"
_requests: Counter = Counter()
_routes_run: dict[str, str] = {}
FILE_SIGNATURES = (b"%PDF", b"ISA*")


def test_every_route_has_an_isolation_entry():
    missing = [
        f"  {r.host} host: {r.name!r} (/{r.pattern})" for r in ROUTES if r.key not in REGISTRY
    ]
    assert not missing, (
        "These routes have no entry in tests/isolation/registry.py, so nobody has checked that "
        "practice B cannot reach practice A's data through them. Add an Entry (kind, and a "
        "factory for the object its URL names):\n" + "\n".join(missing)
    )
    stale = sorted(set(REGISTRY) - {r.key for r in ROUTES})
    assert not stale, f"Registry entries for routes that no longer exist: {stale}"


@pytest.mark.parametrize("host", ["practice", "portal"])
def test_every_openapi_operation_is_a_walked_route(host):
    walked = set()
    for route in ROUTES:
        if route.host == host and route.is_api:
            walked |= {(route.schema_path(), m) for m in route.view_methods or ()}
    missing = openapi_operations(host) - walked
    assert not missing, f"OpenAPI operations the URL walk did not find: {sorted(missing)}"


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def _methods(route, entry) -> tuple[str, ...]:
    """API class views: the methods they answer; pages and API function views (the JSON
    404): the registry's."""
    return (route.view_methods if route.is_api else None) or entry.methods


def _scope_needed(route, entry, method) -> str | None:
    if entry.scope:
        return entry.scope
    view_class = getattr(route.view, "view_class", None) or getattr(route.view, "cls", None)
    actions = getattr(view_class, "policy_actions", None) or {}
    action = actions.get(method) or actions.get("*")
    return policy.RULES[action][1] if action else None


class Probe:
    """Clients for B's credentials, made fresh for each request (a replayed session is ended
    by the request that replays it)."""

    def __init__(self, world, a: PracticeAData):
        self.world, self.a = world, a
        _, self.token_b = token_create(
            actor=world.manager_b,
            practice=world.b,
            user=world.integrator_b,
            name="iso-b",
            scopes=list(SCOPES),
        )
        self._a_tokens: dict[str | None, str] = {}
        self.staff_b = User.objects.create_user(
            email="staff-b@mso.test", password="x-Unused-password-1", full_name="Staff B"
        )
        Membership.objects.create(user=self.staff_b, practice=world.b, role=Role.MSO_STAFF)

    def a_token_without(self, scope: str | None) -> str:
        if scope not in self._a_tokens:
            _, self._a_tokens[scope] = token_create(
                actor=self.world.manager_a,
                practice=self.world.a,
                user=self.world.integrator_a,
                name=f"iso-a-without-{scope}",
                scopes=[s for s in SCOPES if s != scope],
            )
        return self._a_tokens[scope]

    def practice_scenarios(self, route, method):
        w = self.world
        yield "b-session-on-b", signed_in_client(w.manager_b, w.b), {}
        yield "b-token-on-b", signed_in_client(None, w.b), self._auth(self.token_b)
        yield "b-session-made-on-a", signed_in_client(w.manager_b, w.a), {}
        yield (
            "b-session-replayed-on-a",
            signed_in_client(w.manager_b, w.b),
            {"HTTP_HOST": "alpha.localhost"},
        )
        yield "b-token-on-a", signed_in_client(None, w.a), self._auth(self.token_b)
        token = self.a_token_without(_scope_needed(route, REGISTRY[route.key], method))
        yield "a-token-without-scope", signed_in_client(None, w.a), self._auth(token)

    def portal_scenarios(self, route, method):
        yield "b-manager-on-portal", signed_in_client(self.world.manager_b, None), {}
        yield "b-token-on-portal", signed_in_client(None, None), self._auth(self.token_b)
        yield "mso-staff-of-b-on-portal", signed_in_client(self.staff_b, None), {}

    @staticmethod
    def _auth(token):
        return {"HTTP_AUTHORIZATION": f"Token {token}"}


def _send(client, route, entry, a, method, url, extra):
    if method == "GET":
        return client.get(url, **extra)
    if entry.upload is not None:
        name, raw = entry.upload(a)
        return client.post(url, {"file": SimpleUploadedFile(name, raw)}, **extra)
    body = entry.body(a) if entry.body else {}
    if route.is_api:
        return client.generic(
            method, url, json.dumps(body), content_type="application/json", **extra
        )
    return client.post(url, body, **extra)


def _expect(entry, scenario, method, response, route) -> str | None:
    """What is wrong with this answer, or None."""
    own_practice_data = scenario in ("b-session-on-b", "b-token-on-b", "mso-staff-of-b-on-portal")
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    on_a_host = scenario.endswith("-on-a") or scenario == "a-token-without-scope"
    if entry.kind == SELF or (entry.kind == SECRET and on_a_host):
        return None
    if entry.kind in (DATA, PORTAL_DATA) and own_practice_data:
        if method != "GET" and entry.refs_a and route.is_api and response.status_code < 400:
            return f"accepted a body naming A's objects ({response.status_code})"
        return None
    if not _refused(response):
        return f"not refused ({response.status_code})"
    return None


@pytest.fixture(scope="module", autouse=True)
def _write_summary():
    yield
    if not _routes_run:
        return
    kinds = Counter(_routes_run.values())
    summary = {
        "routes": len(_routes_run),
        "routes_by_host": dict(Counter(k.split(":")[0] for k in _routes_run)),
        "api_endpoints": sum(1 for k in _routes_run if ":api-" in k),
        "pages": sum(1 for k in _routes_run if ":api-" not in k),
        "routes_by_kind": dict(kinds),
        "requests": sum(_requests.values()),
        "requests_by_scenario": dict(_requests),
    }
    SUMMARY_PATH.parent.mkdir(exist_ok=True)
    SUMMARY_PATH.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")


@pytest.mark.django_db
@pytest.mark.parametrize("route", COVERED, ids=[f"{r.host}:{r.name}" for r in COVERED])
def test_practice_b_cannot_reach_practice_a(world, route):
    entry = REGISTRY[route.key]
    a = PracticeAData(world)
    for need in entry.needs:
        getattr(a, need)
    url = route.url(entry.kwargs(a))
    if entry.body is not None:
        entry.body(a)  # whatever the body names is built before the "before" picture
    if entry.upload is not None:
        entry.upload(a)
    probe = Probe(world, a)
    for method in _methods(route, entry):
        probe.a_token_without(_scope_needed(route, entry, method))
    before = practice_state(world.a)
    problems = []
    for method in _methods(route, entry):
        scenarios = (
            probe.practice_scenarios(route, method)
            if route.host == "practice"
            else probe.portal_scenarios(route, method)
        )
        for scenario, client, extra in scenarios:
            if entry.kind == MSO_WIDE and scenario == "mso-staff-of-b-on-portal":
                continue  # open to every MSO role by policy (see the registry's note)
            response = _send(client, route, entry, a, method, url, extra)
            _requests[scenario] += 1
            where = f"{scenario} {method} {url}"
            if problem := _expect(entry, scenario, method, response, route):
                problems.append(f"{where}: {problem}")
            found = leaked(response.content, a.markers)
            if found and not _own_view(entry, scenario):
                problems.append(f"{where}: answer holds A's values {found}")
            if _refused(response) and any(sig in response.content for sig in FILE_SIGNATURES):
                problems.append(f"{where}: a refusal carried a file")
    problems += [
        f"A's data changed: {k}" for k, v in practice_state(world.a).items() if before[k] != v
    ]
    problems += foreign_cache_leaks(world.a.schema_name, a.markers)
    _routes_run[f"{route.host}:{route.name}"] = entry.kind
    assert not problems, "\n".join(problems)
    if entry.kind in (OBJECT, SECRET, PORTAL_OBJECT, MSO_WIDE):
        _assert_reachable_by_a(world, route, entry, a, url)


def _own_view(entry, scenario) -> bool:
    """A's host answering with A's own public face (its sign-in page names the practice, A's
    token reads its own user, A's secret link opens A's invitation)."""
    on_a_host = scenario.endswith("-on-a") or scenario == "a-token-without-scope"
    return on_a_host and entry.kind in (SELF, SECRET)


def _assert_reachable_by_a(world, route, entry, a, url):
    """The control: the same URL works for A (an MSO admin, who may do every non-clinical
    action), so the refusals above were about the practice, not a wrong URL."""
    if route.name == "handoff":
        client = signed_in_client(None, world.a)
    elif route.name in ("coding-query-decide", "api-coding-query-decide"):
        client = signed_in_client(world.provider_a, world.a)
    else:
        on_a = route.host == "practice" or entry.kind == SECRET  # A's links open on A's host
        client = signed_in_client(world.admin, world.a if on_a else None)
    method = _methods(route, entry)[0]
    response = _send(client, route, entry, a, method, url, {})
    if method == "GET" and route.name != "handoff":
        assert response.status_code == 200, (url, response.status_code)
    else:
        assert response.status_code not in (403, 404) and response.status_code < 500, (
            url,
            response.status_code,
            response.content[:300],
        )


@pytest.mark.parametrize(
    ("content", "marker", "found"),
    [
        (b"<td>2025-11-27</td>", "5-1", False),  # a short claim number inside a date
        (b"<td>Claim 5-1</td>", "5-1", True),
        (b"<td>15-1</td>", "5-1", False),  # another practice's claim 15-1
        (b'<path d="M1.5-1.5V9"/>', "5-1", False),  # an icon's path data
        (b"Claim 5-1.", "5-1", True),
        (b"manager@alpha.test", "@alpha.test", True),
        (b"$9,876.54 due", "9,876.54", True),
        (b"Alpha Medical Group, P.C.", "Alpha Medical Group", True),
    ],
)
def test_markers_match_whole_tokens(content, marker, found):
    assert (leaked(content, {marker}) == [marker]) is found
