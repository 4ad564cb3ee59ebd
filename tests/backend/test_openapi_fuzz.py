"""Fuzz the API from its own /openapi.json: whatever schemathesis sends, no answer is a 5xx.

Runs on SQLite only (the database does not change what a 500 would be, and this is the
slowest test), with a bounded number of examples per operation.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

API = "/api/v1"


@pytest.fixture
def backend_name() -> str:
    return "sqlite"


@pytest.fixture
def api_schema(app, client, accounts):
    # Something to find: an admin (who may call everything), a poem, a rating, a notification.
    admin = accounts.make("admin", name="Fuzz Admin")
    reader = accounts.make("reader", name="Fuzz Reader")
    poem = client.post(
        f"{API}/poems", json={"title": "Fuzz", "body": "a line\n"}, headers=admin.headers
    ).json
    client.post(f"{API}/poems/{poem['id']}/ratings", json={"score": 3}, headers=reader.headers)
    app.config["FUZZ_HEADERS"] = admin.headers
    return schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)


def _call(case, app, seen):
    signed_in = case.operation.method.upper() == "GET" or case.operation.path not in (
        "/users/{user_id}",  # so the fuzzer does not delete or demote the admin it calls as
    )
    headers = dict(app.config["FUZZ_HEADERS"]) if signed_in else {}
    if case.operation.path == "/auth/logout":
        headers = {}  # logging out would revoke the token every other call uses
    response = case.call(headers=headers)
    seen.setdefault(case.operation.label, set()).add(response.status_code)
    assert response.status_code < 500, (case.operation.label, response.status_code, response.text)
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith("application/problem+json"), (
            case.operation.label,
            response.status_code,
            content_type,
        )


def test_no_input_gives_a_server_error(app, api_schema):
    """schemathesis' pytest plugin does not run on pytest 9 (its subtests need a private
    pytest attribute), so each operation's strategy is driven by hypothesis directly."""
    operations = []
    for result in api_schema.get_all_operations():
        operations.append(result.ok())  # an invalid operation in our own document fails here
    assert len(operations) >= 25
    seen: dict[str, set[int]] = {}
    for operation in operations:

        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy())
        def fuzz(case):
            _call(case, app, seen)

        fuzz()
    # The fuzzer got past validation and auth somewhere, not only into 4xx walls.
    assert 200 in seen["GET /poems"] and 201 in seen["POST /poems"], seen
