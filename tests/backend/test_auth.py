"""/auth: register, login (with throttling), refresh, logout, and what tokens are worth."""

from __future__ import annotations

from datetime import timedelta

from flask_jwt_extended import create_access_token

from tests.backend.helpers import assert_problem

API = "/api/v1"


def register(client, name="Lorca", email="lorca@example.org", password="verde que te quiero"):
    return client.post(
        f"{API}/auth/register", json={"name": name, "email": email, "password": password}
    )


def login(client, email, password, address="10.0.0.1"):
    return client.post(
        f"{API}/auth/login",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def users_in(app):
    from backend.extensions import db
    from backend.models import User

    with app.app_context():
        return db.session.query(User).count()


# ---- register ------------------------------------------------------------------------------


def test_register_makes_a_poet_with_tokens(client):
    reply = register(client, name="  Federico  ")
    assert reply.status_code == 201, reply.json
    user = reply.json["user"]
    assert user["name"] == "Federico"
    assert user["email"] == "lorca@example.org"
    assert user["role"] == "poet"
    assert user["notify_by_email"] is True
    assert user["active"] is True
    assert user["poem_count"] == 0 and user["rating_count"] == 0
    assert "password" not in user and "password_hash" not in user
    me = client.get(f"{API}/users/me", headers=bearer(reply.json["access_token"]))
    assert me.status_code == 200
    assert me.json["id"] == user["id"]


def test_register_uses_the_configured_default_role(app_factory):
    client = app_factory(DEFAULT_ROLE="reader").test_client()
    assert register(client).json["user"]["role"] == "reader"


def test_register_email_taken_is_409_whatever_the_case(client):
    assert register(client, email="Ana@Example.org").status_code == 201
    body = assert_problem(register(client, email="ana@EXAMPLE.org"), 409)
    assert "email" in body["errors"]


def test_emails_are_stored_lower_case_and_login_ignores_case(client):
    reply = register(client, email="Ana@Example.ORG", password="correct horse")
    assert reply.json["user"]["email"] == "ana@example.org"
    assert login(client, "ANA@example.org", "correct horse").status_code == 200


CASES_REGISTER_REJECTS_BAD_FIELDS_BY_NAME = [
    ({"name": "A", "email": "a@example.org", "password": "short"}, "password"),
    ({"name": "A", "email": "not-an-email", "password": "long enough"}, "email"),
    ({"name": "   ", "email": "a@example.org", "password": "long enough"}, "name"),
    ({"name": "A" * 101, "email": "a@example.org", "password": "long enough"}, "name"),
    ({"email": "a@example.org", "password": "long enough"}, "name"),
    ({"name": "A", "email": "a@example.org", "password": 12345678}, "password"),
    (
        {"name": "A", "email": "a@example.org", "password": "long enough", "role": "admin"},
        "role",
    ),
    ({"name": "A", "email": "a@example.org", "password": "long enough", "id": 1}, "id"),
]


def test_register_rejects_bad_fields_by_name(client, subtests):
    for body, field in CASES_REGISTER_REJECTS_BAD_FIELDS_BY_NAME:
        with subtests.test(msg=repr((body, field))[:80]):
            problem = assert_problem(client.post(f"{API}/auth/register", json=body), 422)
            assert field in problem["errors"]
            assert users_in(client.application) == 0  # nothing written


def test_local_mode_makes_the_first_account_admin(app_factory):
    client = app_factory(LOCAL_MODE=True).test_client()
    first = register(client, email="first@example.org")
    second = register(client, email="second@example.org")
    assert first.json["user"]["role"] == "admin"
    assert second.json["user"]["role"] == "poet"


def test_server_mode_does_not_make_the_first_account_admin(client):
    assert register(client).json["user"]["role"] == "poet"


# ---- login ---------------------------------------------------------------------------------


def test_login_answers_user_and_tokens(client, poet):
    reply = login(client, poet.email, poet.password)
    assert reply.status_code == 200
    assert reply.json["user"]["id"] == poet.id
    assert reply.json["user"]["email"] == poet.email
    me = client.get(f"{API}/users/me", headers=bearer(reply.json["access_token"]))
    assert me.json["id"] == poet.id


def test_login_unknown_email_and_wrong_password_look_the_same(client, poet):
    unknown = assert_problem(login(client, "nobody@example.org", poet.password), 401)
    wrong = assert_problem(login(client, poet.email, "wrong password"), 401)
    assert unknown == wrong


def test_login_of_a_disabled_account_is_403(client, accounts):
    account = accounts.make("poet", active=False)
    assert_problem(login(client, account.email, account.password), 403)


def test_login_with_missing_fields_is_422(client):
    body = assert_problem(client.post(f"{API}/auth/login", json={"email": "a@example.org"}), 422)
    assert "password" in body["errors"]


def test_five_failures_for_one_account_give_429_with_retry_after(client, poet):
    for attempt in range(5):
        assert login(client, poet.email, "wrong", address=f"10.1.0.{attempt}").status_code == 401
    # Even the right password, from another address, waits out the window.
    blocked = assert_problem(login(client, poet.email, poet.password, address="10.2.0.1"), 429)
    reply = login(client, poet.email, poet.password, address="10.2.0.2")
    assert reply.status_code == 429
    seconds = int(reply.headers["Retry-After"])
    assert 1 <= seconds <= 15 * 60
    assert blocked["detail"]


def test_twenty_failures_from_one_address_give_429(client, accounts):
    victims = [accounts.make("poet") for _ in range(5)]
    for attempt in range(20):
        victim = victims[attempt % 5]
        assert login(client, victim.email, "wrong", address="10.3.0.1").status_code == 401
    other = accounts.make("poet")
    reply = login(client, other.email, other.password, address="10.3.0.1")
    assert_problem(reply, 429)
    assert int(reply.headers["Retry-After"]) >= 1
    # Another address is not held back by this one.
    assert login(client, other.email, other.password, address="10.3.0.2").status_code == 200


def test_a_success_resets_the_account_count(client, poet):
    for _ in range(4):
        assert login(client, poet.email, "wrong").status_code == 401
    assert login(client, poet.email, poet.password).status_code == 200
    for _ in range(4):
        assert login(client, poet.email, "wrong").status_code == 401
    assert login(client, poet.email, poet.password).status_code == 200


def test_the_block_ends_when_the_window_has_passed(client, poet, monkeypatch):
    from backend.services import users as user_service

    for _ in range(5):
        login(client, poet.email, "wrong")
    assert login(client, poet.email, poet.password).status_code == 429
    later = user_service.utcnow() + timedelta(minutes=15, seconds=1)
    monkeypatch.setattr(user_service, "utcnow", lambda: later)
    assert login(client, poet.email, poet.password).status_code == 200


# ---- refresh and logout --------------------------------------------------------------------


def test_refresh_gives_a_working_access_token(client, poet):
    reply = client.post(f"{API}/auth/refresh", headers=bearer(poet.refresh_token))
    assert reply.status_code == 200, reply.json
    me = client.get(f"{API}/users/me", headers=bearer(reply.json["access_token"]))
    assert me.status_code == 200
    assert me.json["id"] == poet.id


def test_refresh_with_an_access_token_is_401(client, poet):
    assert_problem(client.post(f"{API}/auth/refresh", headers=poet.headers), 401)


def test_an_access_route_with_a_refresh_token_is_401(client, poet):
    assert_problem(client.get(f"{API}/users/me", headers=bearer(poet.refresh_token)), 401)


def test_refresh_of_a_disabled_user_is_401(client, accounts, poet):
    accounts.set(poet.id, active=False)
    assert_problem(client.post(f"{API}/auth/refresh", headers=bearer(poet.refresh_token)), 401)


def test_logout_revokes_the_access_and_the_given_refresh_token(client, poet):
    reply = client.post(
        f"{API}/auth/logout", json={"refresh_token": poet.refresh_token}, headers=poet.headers
    )
    assert reply.status_code == 204
    assert_problem(client.get(f"{API}/users/me", headers=poet.headers), 401)
    assert_problem(client.post(f"{API}/auth/refresh", headers=bearer(poet.refresh_token)), 401)


def test_logout_without_a_body_revokes_the_access_token_only(client, poet):
    assert client.post(f"{API}/auth/logout", headers=poet.headers).status_code == 204
    assert_problem(client.get(f"{API}/users/me", headers=poet.headers), 401)
    refreshed = client.post(f"{API}/auth/refresh", headers=bearer(poet.refresh_token))
    assert refreshed.status_code == 200


def test_logout_leaves_other_sessions_working(client, poet):
    other = login(client, poet.email, poet.password).json
    assert client.post(f"{API}/auth/logout", headers=poet.headers).status_code == 204
    assert client.get(f"{API}/users/me", headers=bearer(other["access_token"])).status_code == 200


def test_logout_with_someone_elses_refresh_token_is_422(client, poet, reader):
    reply = client.post(
        f"{API}/auth/logout", json={"refresh_token": reader.refresh_token}, headers=poet.headers
    )
    assert "refresh_token" in assert_problem(reply, 422)["errors"]
    # Nothing was revoked.
    assert client.get(f"{API}/users/me", headers=poet.headers).status_code == 200
    assert (
        client.post(f"{API}/auth/refresh", headers=bearer(reader.refresh_token)).status_code == 200
    )


def test_logout_with_a_garbage_refresh_token_is_422(client, poet):
    reply = client.post(
        f"{API}/auth/logout", json={"refresh_token": "not.a.token"}, headers=poet.headers
    )
    assert "refresh_token" in assert_problem(reply, 422)["errors"]


def test_logout_without_a_token_is_401(client):
    assert_problem(client.post(f"{API}/auth/logout"), 401)


# ---- what a token is worth -----------------------------------------------------------------


def test_a_disabled_users_token_is_401_at_once(client, accounts, poet):
    assert client.get(f"{API}/users/me", headers=poet.headers).status_code == 200
    accounts.set(poet.id, active=False)
    assert_problem(client.get(f"{API}/users/me", headers=poet.headers), 401)
    assert_problem(
        client.post(f"{API}/poems", json={"title": "t", "body": "b"}, headers=poet.headers), 401
    )


def test_a_disabled_user_by_an_admin_is_401_at_once(client, admin, poet):
    reply = client.patch(f"{API}/users/{poet.id}", json={"active": False}, headers=admin.headers)
    assert reply.status_code == 200
    assert_problem(client.get(f"{API}/users/me", headers=poet.headers), 401)


def test_a_deleted_users_token_is_401(client, poet):
    assert client.delete(f"{API}/users/{poet.id}", headers=poet.headers).status_code == 204
    assert_problem(client.get(f"{API}/users/me", headers=poet.headers), 401)
    assert_problem(client.post(f"{API}/auth/refresh", headers=bearer(poet.refresh_token)), 401)


def test_a_role_change_takes_effect_on_the_next_request(client, admin, poet):
    poem = {"title": "Before", "body": "a line"}
    assert client.post(f"{API}/poems", json=poem, headers=poet.headers).status_code == 201
    reply = client.patch(f"{API}/users/{poet.id}", json={"role": "reader"}, headers=admin.headers)
    assert reply.status_code == 200
    assert_problem(client.post(f"{API}/poems", json=poem, headers=poet.headers), 403)
    assert client.get(f"{API}/users", headers=poet.headers).status_code == 403
    client.patch(f"{API}/users/{poet.id}", json={"role": "admin"}, headers=admin.headers)
    assert client.get(f"{API}/users", headers=poet.headers).status_code == 200


CASES_A_MALFORMED_TOKEN_IS_401 = [
    "Bearer not-a-token",
    "Bearer a.b.c",
    "Bearer ",
    "Basic dXNlcjpwYXNz",
    "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
]


def test_a_malformed_token_is_401(client, subtests):
    for header in CASES_A_MALFORMED_TOKEN_IS_401:
        with subtests.test(msg=repr(header)[:80]):
            assert_problem(client.get(f"{API}/users/me", headers={"Authorization": header}), 401)
            if header.startswith("Bearer"):
                # Optional-auth routes refuse a bad bearer token rather than ignoring it.
                assert_problem(client.get(f"{API}/poems", headers={"Authorization": header}), 401)


def test_a_missing_token_is_401(client):
    reply = client.get(f"{API}/users/me")
    assert_problem(reply, 401)
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_signed_with_another_key_is_401(app_factory, poet, client):
    other = app_factory(SECRET_KEY="another-secret-key-that-is-long-enough", JWT_SECRET_KEY=None)
    other.config["JWT_SECRET_KEY"] = "another-secret-key-that-is-long-enough"
    with other.app_context():
        forged = create_access_token(identity=str(poet.id), additional_claims={})
    assert_problem(client.get(f"{API}/users/me", headers=bearer(forged)), 401)


def test_an_expired_token_is_401(app_factory, accounts, poet):
    expired_app = app_factory(JWT_ACCESS_TOKEN_EXPIRES=timedelta(seconds=-1))
    with expired_app.app_context():
        token = create_access_token(identity=str(poet.id))
    reply = expired_app.test_client().get(f"{API}/users/me", headers=bearer(token))
    body = assert_problem(reply, 401)
    assert "expired" in body["detail"]


def test_a_token_for_a_user_that_never_existed_is_401(app):
    with app.app_context():
        token = create_access_token(identity="999999")
    assert_problem(app.test_client().get(f"{API}/users/me", headers=bearer(token)), 401)


def test_a_deleted_users_tokens_never_pass_for_a_newer_account(client, accounts):
    """Ids are never handed out twice (SQLite reuses the highest rowid unless told not
    to), so a deleted account's tokens cannot sign in as whoever registers next."""
    gone = accounts.make("poet")
    assert client.delete(f"{API}/users/{gone.id}", headers=gone.headers).status_code == 204
    newcomer = accounts.make("poet")
    assert newcomer.id != gone.id
    assert_problem(client.get(f"{API}/users/me", headers=gone.headers), 401)
    assert_problem(client.post(f"{API}/auth/refresh", headers=bearer(gone.refresh_token)), 401)
