"""One error shape for everything: application/problem+json with type, title, status, detail."""

from __future__ import annotations

import io
import json

from tests.backend.helpers import assert_problem

API = "/api/v1"
ONE_MIB = 1024 * 1024


def test_a_body_over_one_mib_is_413_before_anything_else(client, poet):
    big = json.dumps({"title": "t", "body": "x" * ONE_MIB})
    for headers in ({}, poet.headers):  # before auth is even looked at
        reply = client.post(
            f"{API}/poems", data=big, content_type="application/json", headers=headers
        )
        assert_problem(reply, 413)
    reply = client.post(f"{API}/auth/login", data=big, content_type="application/json")
    assert_problem(reply, 413)
    assert client.get(f"{API}/poems").json["total"] == 0


def test_a_chunked_body_over_one_mib_is_413(client, poet):
    raw = json.dumps({"title": "t", "body": "x" * (ONE_MIB + 10)}).encode()
    reply = client.post(
        f"{API}/poems",
        input_stream=io.BytesIO(raw),
        headers={
            **poet.headers,
            "Transfer-Encoding": "chunked",
            "Content-Type": "application/json",
        },
        environ_overrides={"wsgi.input_terminated": True},  # a server that streams the body
    )
    assert_problem(reply, 413)
    assert client.get(f"{API}/poems").json["total"] == 0


def test_a_body_just_under_the_limit_is_looked_at(client, poet):
    reply = client.post(
        f"{API}/poems", json={"title": "t", "body": "x" * 20001}, headers=poet.headers
    )
    assert "body" in assert_problem(reply, 422)["errors"]


CASES_MALFORMED_JSON_IS_400 = [
    b"{",
    b"{'title': 'single quotes'}",
    b"not json",
    b'{"title": "t",}',
    b"\xff\xfe\x00",
]


def test_malformed_json_is_400(client, poet, subtests):
    for raw in CASES_MALFORMED_JSON_IS_400:
        with subtests.test(msg=repr(raw)[:80]):
            reply = client.post(
                f"{API}/poems", data=raw, content_type="application/json", headers=poet.headers
            )
            assert_problem(reply, 400)


CASES_A_BODY_THAT_IS_NOT_AN_OBJECT_IS_422 = [
    [],
    [{"title": "t", "body": "b"}],
    "a string",
    42,
    None,
    True,
]


def test_a_body_that_is_not_an_object_is_422(client, poet, subtests):
    for body in CASES_A_BODY_THAT_IS_NOT_AN_OBJECT_IS_422:
        with subtests.test(msg=repr(body)[:80]):
            reply = client.post(
                f"{API}/poems",
                data=json.dumps(body),
                content_type="application/json",
                headers=poet.headers,
            )
            assert "body" in assert_problem(reply, 422)["errors"]


def test_lone_surrogates_in_a_body_are_422_not_500(client, poet):
    raw = b'{"title": "\\ud800", "body": "b"}'
    reply = client.post(
        f"{API}/poems", data=raw, content_type="application/json", headers=poet.headers
    )
    assert "title" in assert_problem(reply, 422)["errors"]
    raw = b'{"name": "A", "email": "a@example.org", "password": "\\udfff\\udfff\\udfff\\udfff"}'
    reply = client.post(f"{API}/auth/register", data=raw, content_type="application/json")
    assert "password" in assert_problem(reply, 422)["errors"]


def test_an_unknown_route_is_404(client):
    assert_problem(client.get(f"{API}/no-such-thing"), 404)
    assert_problem(client.get("/not-the-api"), 404)
    assert_problem(client.get(f"{API}/poems/not-a-number"), 404)


CASES_A_WRONG_METHOD_IS_405 = [
    ("put", "/poems"),
    ("delete", "/poems"),
    ("get", "/auth/login"),
    ("put", "/users/me"),
    ("post", "/ratings"),
    ("get", "/notifications/read-all"),
]


def test_a_wrong_method_is_405(client, subtests):
    for method, path in CASES_A_WRONG_METHOD_IS_405:
        with subtests.test(msg=repr((method, path))[:80]):
            reply = getattr(client, method)(f"{API}{path}")
            assert_problem(reply, 405)
            assert reply.headers["Allow"]


CASES_A_HUGE_ID_IS_404_NOT_500 = [
    "/poems/99999999999999999999999",
    "/users/99999999999999999999999",
    "/ratings/99999999999999999999999",
    "/poems/99999999999999999999999/ratings",
]


def test_a_huge_id_is_404_not_500(client, subtests):
    for path in CASES_A_HUGE_ID_IS_404_NOT_500:
        with subtests.test(msg=repr(path)[:80]):
            assert_problem(client.get(f"{API}{path}"), 404)


CASES_HUGE_NUMBERS_IN_A_QUERY_ARE_NEVER_A_500 = [
    {"author_id": "99999999999999999999999"},
    {"page": "99999999999999999999999"},
    {"page": "9223372036854775807", "per_page": "100"},
]


def test_huge_numbers_in_a_query_are_never_a_500(client, subtests):
    for params in CASES_HUGE_NUMBERS_IN_A_QUERY_ARE_NEVER_A_500:
        with subtests.test(msg=repr(params)[:80]):
            reply = client.get(f"{API}/poems", query_string=params)
            if reply.status_code != 200:
                assert set(params) & set(assert_problem(reply, 422)["errors"])
            else:
                assert reply.json["items"] == []


def test_a_huge_score_or_id_in_a_body_is_422(client, poet, reader):
    poem = client.post(f"{API}/poems", json={"title": "t", "body": "b"}, headers=poet.headers).json
    reply = client.post(
        f"{API}/poems/{poem['id']}/ratings", json={"score": 10**30}, headers=reader.headers
    )
    assert "score" in assert_problem(reply, 422)["errors"]


def test_validation_errors_name_every_bad_field(client):
    reply = client.post(f"{API}/auth/register", json={"email": "nope", "password": "x"})
    body = assert_problem(reply, 422)
    assert {"name", "email", "password"} <= set(body["errors"])
    assert all(isinstance(message, str) and message for message in body["errors"].values())


def test_unauthorized_forbidden_and_not_found_share_the_shape(client, poet, reader):
    assert_problem(client.get(f"{API}/users/me"), 401)
    assert_problem(client.get(f"{API}/users", headers=poet.headers), 403)
    assert_problem(client.get(f"{API}/poems/424242"), 404)
    poem = client.post(f"{API}/poems", json={"title": "t", "body": "b"}, headers=poet.headers).json
    client.post(f"{API}/poems/{poem['id']}/ratings", json={"score": 3}, headers=reader.headers)
    assert_problem(
        client.post(f"{API}/poems/{poem['id']}/ratings", json={"score": 3}, headers=reader.headers),
        409,
    )


def test_a_bug_is_a_500_problem_without_a_traceback(app, client, monkeypatch):
    from backend.services import poems as poem_service

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(poem_service, "list_poems", broken)
    app.logger.disabled = True
    import logging

    logging.getLogger("backend.errors").disabled = True
    try:
        reply = client.get(f"{API}/poems")
    finally:
        logging.getLogger("backend.errors").disabled = False
    body = assert_problem(reply, 500)
    assert "secret internals" not in reply.get_data(as_text=True)
    assert "Traceback" not in body["detail"]


def test_health_and_openapi(client):
    health = client.get(f"{API}/health")
    assert health.status_code == 200
    assert health.json["status"] == "ok" and health.json["version"]
    spec = client.get(f"{API}/openapi.json")
    assert spec.status_code == 200
    assert spec.json["openapi"].startswith("3.1")
    paths = spec.json["paths"]
    for path in (
        "/auth/register",
        "/auth/login",
        "/auth/refresh",
        "/auth/logout",
        "/users/me",
        "/users/me/ratings",
        "/users",
        "/users/{user_id}",
        "/poems",
        "/poems/{poem_id}",
        "/poems/{poem_id}/ratings",
        "/ratings",
        "/ratings/{rating_id}",
        "/notifications",
        "/notifications/{notification_id}/read",
        "/notifications/read-all",
        "/health",
        "/openapi.json",
    ):
        assert path in paths, path


def test_health_is_503_when_the_database_is_unreachable(app, app_factory, tmp_path):
    broken = app_factory(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/x.db",
        SQLALCHEMY_ENGINE_OPTIONS={},
    )
    reply = broken.test_client().get(f"{API}/health")
    assert reply.status_code == 503
    assert reply.json["status"] != "ok"


def test_a_deadlock_is_a_503_to_retry_not_a_500(client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from backend.services import poems as poem_service

    def deadlocked(*_args, **_kwargs):
        raise OperationalError("UPDATE poems", {}, Exception(1213, "Deadlock found"))

    monkeypatch.setattr(poem_service, "list_poems", deadlocked)
    reply = client.get(f"{API}/poems")
    assert_problem(reply, 503)
    assert reply.headers["Retry-After"] == "1"
