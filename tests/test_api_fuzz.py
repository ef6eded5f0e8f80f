"""Schema-driven API fuzzing (ASVS 5.0 V1.2/V2.2 input validation, V4.1 API responses).

schemathesis reads the OpenAPI schema each host serves (/api/schema/), generates requests for
every operation from it (valid and invalid data), and sends them in-process to the Django WSGI
app as each role: the four human roles with a session, the integrator with its practice token,
and an anonymous caller. Every response must be documented (status code, content type and
body), no request may end in a server error, and invalid input must be rejected. Each request
runs in a savepoint that is rolled back, so unsafe methods (POST, PATCH, DELETE) are fuzzed
against the session's objects without changing them. Counts go to
test-artifacts/fuzz-summary.json; docs/security.md (API fuzzing) explains the setup.
"""

import json
import os
import sys
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
import werkzeug
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from billing.era_builder import claim_outcome, era_text
from billing.services import coding, patient_billing
from billing.services.remittances import era_post
from contracts.services import agreement_create, fee_run_execute
from mso.accounts.scopes import SCOPES
from mso.accounts.services import token_create

from .billing.test_remittances import _batched, _submitted_claim
from .conftest import host_of, signed_in_client, user_for_role
from .contracts.test_agreements import terms

pytestmark = pytest.mark.django_db

SUMMARY_PATH = Path(__file__).resolve().parent.parent / "test-artifacts" / "fuzz-summary.json"
CSRF_TOKEN = "fuzzcsrf" * 4  # any 32 alphanumerics: the cookie and the header must match
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Examples per operation and role; a caller refused its first few requests stops there (every
# further one would end at the same permission check). MSO_FUZZ_EXAMPLES=200 for a deep run.
EXAMPLES = {"allowed": int(os.environ.get("MSO_FUZZ_EXAMPLES", "10")), "refused": 2}
FUZZ_SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # report every failure; no shrinking
    suppress_health_check=list(HealthCheck),
)

# Credentials are the role's, never generated: the session cookie and token schemes stay out.
SCHEMATHESIS_CONFIG = SchemathesisConfig.from_dict(
    {"generation": {"with-security-parameters": False}}
)

RUNS = [
    *(("practice", role) for role in ("mso_admin", "mso_staff", "practice_manager", "provider")),
    ("practice", "integrator"),  # with its API token
    ("practice", "anonymous"),
    *(("portal", role) for role in ("mso_admin", "mso_staff", "practice_manager", "provider")),
    ("portal", "anonymous"),
]


@dataclass
class Tally:
    operations: int = 0
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)


_SUMMARY: dict[str, dict] = {}


@pytest.fixture(scope="module", autouse=True)
def _write_summary():
    yield
    if _SUMMARY:
        SUMMARY_PATH.parent.mkdir(exist_ok=True)
        previous = json.loads(SUMMARY_PATH.read_text()) if SUMMARY_PATH.exists() else {}
        SUMMARY_PATH.write_text(json.dumps({**previous, **_SUMMARY}, indent=2, sort_keys=True))


@pytest.fixture
def seeded(world, clinic):
    """Besides the clinic (patients, coverage, provider, location): in practice A a paid and a
    denied claim from a posted 835 (so a remittance and a denial), a coding query and a patient
    payment; on the portal an agreement and its computed fee run. Detail and action paths then
    find real objects, and list responses have rows to validate."""
    today = timezone.localdate()
    with schema_context(world.a.schema_name):
        connection.tenant = world.a
        paid, denied = _batched(
            _submitted_claim(world, clinic, days_ago=5), _submitted_claim(world, clinic, days_ago=6)
        )
        outcomes = [(paid, "paid"), (denied, "denied:50")]
        era_post(
            actor=world.staff,
            file_name="fuzz.835",
            content=era_text(
                payer=clinic.payer,
                trace_number="FUZZ1",
                payment_date=today,
                claims=[claim_outcome(c, o, payer_claim_number=f"P{c.pk}") for c, o in outcomes],
            ),
        )
        coding.coding_query_raise(
            actor=world.staff,
            encounter=paid.encounter,
            question="Is it E11.65?",
            proposed_diagnosis_codes=["E11.65"],
        )
        patient_billing.patient_payment_record(
            actor=world.manager_a,
            patient=clinic.patient,
            amount="5.00",
            kind="payment",
            received_on=today,
        )
    connection.set_schema_to_public()
    agreement_create(actor=world.admin, practice=world.a, data=terms())
    fee_run_execute(actor=world.admin, period=today.replace(day=1))
    connection.set_schema_to_public()
    return clinic


def _credentials(world, role: str, practice) -> dict[str, str]:
    """The headers that authenticate `role` on the practice's host (or the portal)."""
    if role == "anonymous":
        return {}
    user = user_for_role(world, role)
    if role == "integrator":
        _, plain = token_create(
            actor=world.admin,
            practice=practice,
            user=user,
            name="Fuzzing",
            scopes=list(SCOPES),
        )
        return {"Authorization": f"Token {plain}"}
    session = signed_in_client(user, practice).cookies["sessionid"].value
    return {"Cookie": f"sessionid={session}; csrftoken={CSRF_TOKEN}", "X-CSRFToken": CSRF_TOKEN}


def _existing_ids(client, schema) -> dict[str, int]:
    """For each path with a parameter, the id of an object its collection lists (if any)."""
    found = {}
    for path in schema.raw_schema["paths"]:
        if "{" not in path:
            continue
        collection = path.split("{", 1)[0]
        if collection not in schema.raw_schema["paths"]:
            continue
        listed = client.get(collection)
        if listed.status_code == 200 and listed.json().get("results"):
            found[path] = listed.json()["results"][0]["id"]
    return found


@contextmanager
def _in_process_requests():
    """Django's test client keeps the test's connection across requests; so must we, or the
    request-finished handler would close it in the middle of the test's transaction. Server
    exceptions are collected for the report."""
    errors: list[BaseException] = []

    def remember(sender, request=None, **kwargs):
        errors.append(sys.exc_info()[1])

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(remember)
    try:
        yield errors
    finally:
        got_request_exception.disconnect(remember)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _strategies(operation, seeded_id):
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        yield operation.as_strategy(generation_mode=mode)
        if seeded_id is not None:
            name = next(iter(p.name for p in operation.path_parameters))
            yield operation.as_strategy(generation_mode=mode, path_parameters={name: seeded_id})


class RefusedError(Exception):
    """The caller's first requests all ended at authentication or the permission check."""


def _fuzz_operation(operation, seeded_id, send, tally: Tally) -> None:
    statuses: list[int] = []

    @settings(FUZZ_SETTINGS, max_examples=EXAMPLES["allowed"])
    @given(case=st.one_of(*_strategies(operation, seeded_id)))
    def run(case):
        # Once refused, refused for good: Hypothesis replays the example that stopped it.
        refused = len(statuses) >= EXAMPLES["refused"] and set(statuses) <= {401, 403}
        if refused:
            raise RefusedError
        statuses.append(send(case))

    tally.operations += 1
    # A refused caller gets fewer examples; Unsatisfiable: nothing to make invalid.
    with suppress(RefusedError, Unsatisfiable):
        run()


def _failure_key(operation, failure: Failure, status: int) -> str:
    return f"{operation.label} -> {status}: {failure.title}"


@pytest.mark.parametrize(("host", "role"), RUNS, ids=[f"{h}-{r}" for h, r in RUNS])
def test_api_fuzz(world, seeded, host, role):
    practice = world.a if host == "practice" else None
    base_url = f"http://{host_of(practice)}"
    admin = signed_in_client(world.admin, practice)
    raw = admin.get("/api/schema/", {"format": "json"}).json()
    schema = schemathesis.openapi.from_dict(raw, config=SCHEMATHESIS_CONFIG)
    ids = _existing_ids(admin, schema)
    credentials = _credentials(world, role, practice)
    app = WSGIHandler()
    # Without a cookie jar: each request carries exactly the role's credentials, and cookies a
    # response sets (a CSRF rotation, a logout) do not leak into the next example.
    client = werkzeug.Client(app, use_cookies=False)
    tally = Tally()

    with _in_process_requests() as server_errors:

        def send(case) -> int:
            with transaction.atomic():
                response = case.call(
                    app=app, session=client, base_url=base_url, headers=credentials
                )
                transaction.set_rollback(True)
            connection.set_schema_to_public()
            tally.requests += 1
            tally.statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as group:
                for failure in group.exceptions:
                    key = _failure_key(case.operation, failure, response.status_code)
                    request = response.request
                    detail = [
                        failure.message[:600],
                        f"{request.method} {request.url} ({request.headers.get('Content-Type')})",
                    ]
                    if response.status_code >= 500 and server_errors:
                        detail.append(repr(server_errors[-1]))
                    tally.failures.setdefault(key, "\n".join(detail))
            return response.status_code

        for result in schema.get_all_operations():
            operation = result.ok()
            _fuzz_operation(operation, ids.get(operation.path), send, tally)

    _SUMMARY[f"{host}/{role}"] = {
        "operations": tally.operations,
        "requests": tally.requests,
        "statuses": {str(code): n for code, n in sorted(tally.statuses.items())},
        "failures": sorted(tally.failures),
    }
    report = "\n\n".join(f"{key}\n{message}" for key, message in sorted(tally.failures.items()))
    assert not tally.failures, f"{len(tally.failures)} distinct failures:\n\n{report}"
