"""Attacks and races a review found: each answered 500, lost an edit, or lost an email."""

from __future__ import annotations

import io
import json
import socket

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from backend.errors import PreconditionFailed
from backend.extensions import db
from backend.models import OutboxMessage, Poem, User
from backend.outbox import OutboxWorker
from backend.services.poems import update_poem

API = "/api/v1"
ONE_MIB = 1024 * 1024


def _poem(client, poet) -> int:
    reply = client.post(f"{API}/poems", json={"title": "T", "body": "one\n"}, headers=poet.headers)
    assert reply.status_code == 201
    return reply.json["id"]


def test_an_edit_racing_another_is_412_not_a_silent_overwrite(app, client, poet):
    poem_id = _poem(client, poet)
    with app.app_context():
        poem = db.session.get(Poem, poem_id)
        author = db.session.get(User, poet.id)
        # Another request changes the poem after this one read it (version 1 -> 2).
        with db.engine.begin() as other:
            other.execute(update(Poem).where(Poem.id == poem_id).values(body="theirs\n", version=2))
        with pytest.raises(PreconditionFailed):
            update_poem(poem, author, {"body": "mine\n"}, if_match=1)
    current = client.get(f"{API}/poems/{poem_id}").json
    assert (current["body"], current["version"]) == ("theirs\n", 2)


def test_the_last_day_a_date_can_name_is_a_filter_not_a_500(client):
    reply = client.get(f"{API}/poems", query_string={"date_to": "9999-12-31"})
    assert reply.status_code == 200


def test_a_deeply_nested_body_is_400(client, poet):
    raw = '{"title":' + "[" * 5000 + "]" * 5000 + "}"
    reply = client.post(
        f"{API}/poems", data=raw, headers={**poet.headers, "Content-Type": "application/json"}
    )
    assert reply.status_code == 400
    assert reply.content_type == "application/problem+json"


@pytest.mark.parametrize("title", ["Two\nlines", "Bell\x07", "Tab\there"])
def test_a_title_must_be_one_line(client, poet, title):
    reply = client.post(f"{API}/poems", json={"title": title, "body": "b"}, headers=poet.headers)
    assert reply.status_code == 422
    assert "title" in reply.json["errors"]


def test_a_chunked_body_over_one_mib_is_413_on_any_route(client, poet):
    reply = client.post(
        f"{API}/notifications/read-all",
        input_stream=io.BytesIO(json.dumps({"x": "y" * (ONE_MIB + 10)}).encode()),
        headers={**poet.headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert reply.status_code == 413


class _Accept:
    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        return "250 OK"


def test_an_email_that_cannot_be_built_fails_at_once_instead_of_retrying(app_factory):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(_Accept(), hostname="127.0.0.1", port=port)
    smtp.start()
    app = app_factory(MAIL_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with app.app_context():
        db.session.add(
            OutboxMessage(
                recipient="a@example.org", subject="broken\nheader", body_text="t", body_html="h"
            )
        )
        db.session.commit()
        OutboxWorker(app).run_once()
        row = db.session.execute(select(OutboxMessage)).scalar_one()
        assert row.status == "failed" and row.attempts == 1
        assert "Header" in row.last_error
    smtp.stop()


def test_the_current_password_cannot_be_guessed_without_limit(client, poet):
    for _ in range(5):
        wrong = client.patch(
            f"{API}/users/me",
            json={"password": "new password 1", "current_password": "guess"},
            headers=poet.headers,
        )
        assert wrong.status_code == 403
    blocked = client.patch(
        f"{API}/users/me",
        json={"password": "new password 1", "current_password": poet.password},
        headers=poet.headers,
    )
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0


def test_expired_state_is_purged(app):
    from datetime import timedelta

    from backend.models import IdempotencyRecord, LoginFailure, RevokedToken
    from backend.models.types import utcnow
    from backend.outbox import purge_expired

    old = utcnow() - timedelta(days=2)
    with app.app_context():
        db.session.add_all(
            [
                RevokedToken(jti="gone", expires_at=old),
                RevokedToken(jti="kept", expires_at=utcnow() + timedelta(hours=1)),
                IdempotencyRecord(
                    user_id=1,
                    key="k",
                    request_path="/p",
                    status_code=201,
                    response_body="{}",
                    created_at=old,
                ),
                LoginFailure(scope="account", subject="a@b.org", at=old),
            ]
        )
        db.session.commit()
        purge_expired()
        assert db.session.execute(select(RevokedToken.jti)).scalars().all() == ["kept"]
        assert db.session.execute(select(IdempotencyRecord)).first() is None
        assert db.session.execute(select(LoginFailure)).first() is None


def test_a_deleted_user_gets_no_more_letters(app_factory):
    app = app_factory(MAIL_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
    client = app.test_client()
    author = client.post(
        f"{API}/auth/register",
        json={"name": "A", "email": "a@example.org", "password": "long enough"},
    )
    rater = client.post(
        f"{API}/auth/register",
        json={"name": "R", "email": "r@example.org", "password": "long enough"},
    )
    auth_a = {"Authorization": f"Bearer {author.json['access_token']}"}
    auth_r = {"Authorization": f"Bearer {rater.json['access_token']}"}
    poem = client.post(f"{API}/poems", json={"title": "T", "body": "b"}, headers=auth_a)
    client.post(f"{API}/poems/{poem.json['id']}/ratings", json={"score": 5}, headers=auth_r)
    with app.app_context():
        assert db.session.execute(select(OutboxMessage)).first() is not None
    assert (
        client.delete(f"{API}/users/{author.json['user']['id']}", headers=auth_a).status_code == 204
    )
    with app.app_context():
        assert db.session.execute(select(OutboxMessage)).first() is None


def test_a_new_password_ends_every_session_made_with_the_old_one(client, poet):
    changed = client.patch(
        f"{API}/users/me",
        json={"password": "a brand new one", "current_password": poet.password},
        headers=poet.headers,
    )
    assert changed.status_code == 200
    assert client.get(f"{API}/users/me", headers=poet.headers).status_code == 401
    stale_refresh = {"Authorization": f"Bearer {poet.refresh_token}"}
    assert client.post(f"{API}/auth/refresh", headers=stale_refresh).status_code == 401
    fresh = client.post(
        f"{API}/auth/login", json={"email": poet.email, "password": "a brand new one"}
    )
    assert fresh.status_code == 200
    headers = {"Authorization": f"Bearer {fresh.json['access_token']}"}
    assert client.get(f"{API}/users/me", headers=headers).status_code == 200
