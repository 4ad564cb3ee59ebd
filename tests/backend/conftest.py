"""Fixtures for the backend: every test that uses ``app`` runs on SQLite, and again on
MySQL/MariaDB when POETSBAY_TEST_MYSQL_URL is set (CI sets it)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, inspect, text

from backend import create_app
from backend.db_setup import upgrade_database
from backend.extensions import db

MYSQL_URL = os.environ.get("POETSBAY_TEST_MYSQL_URL")
BACKENDS = ["sqlite"] + (["mysql"] if MYSQL_URL else [])
FAST_HASH = "pbkdf2:sha256:1000"  # tests make many accounts; production uses scrypt

_migrated: dict[str, str] = {}


def _reset_mysql(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("SET FOREIGN_KEY_CHECKS=0"))
        for table in inspect(conn).get_table_names():
            conn.execute(text(f"DROP TABLE `{table}`"))
        conn.execute(text("SET FOREIGN_KEY_CHECKS=1"))
    engine.dispose()


def database_url(backend: str, tmp_root: Path) -> str:
    """A migrated, empty database for this backend, made once per session."""
    if backend not in _migrated:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_root / 'test.db'}"
        else:
            assert MYSQL_URL
            url = MYSQL_URL
            _reset_mysql(url)
        app = create_app({"DATA_DIR": str(tmp_root), "SQLALCHEMY_DATABASE_URI": url})
        upgrade_database(app)
        with app.app_context():
            db.engine.dispose()
        _migrated[backend] = url
    return _migrated[backend]


def _empty_tables(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


def make_app(url: str, data_dir: Path, **overrides: Any) -> Flask:
    config: dict[str, Any] = {
        "DATA_DIR": str(data_dir),
        "SQLALCHEMY_DATABASE_URI": url,
        "TESTING": True,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
        "MAIL_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def app_factory(backend_name: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Make apps over this test's database; tables are emptied afterwards."""
    root = tmp_path_factory.getbasetemp() / f"db-{backend_name}"
    root.mkdir(exist_ok=True)
    url = database_url(backend_name, root)
    made: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        app = make_app(url, tmp_path_factory.mktemp("data"), **overrides)
        made.append(app)
        return app

    yield factory
    if made:
        _empty_tables(made[0])
    for app in made[1:]:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(app_factory: Any) -> Flask:
    return app_factory()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class Account:
    id: int
    name: str
    email: str
    password: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


_counter = itertools.count(1)


class Accounts:
    """Make users through the API, with a role set directly in the database."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client

    def make(self, role: str = "poet", name: str | None = None, **fields: Any) -> Account:
        n = next(_counter)
        name = name or f"User {n}"
        email = fields.pop("email", f"user{n}@example.org")
        password = fields.pop("password", "correct horse")
        reply = self.client.post(
            "/api/v1/auth/register", json={"name": name, "email": email, "password": password}
        )
        assert reply.status_code == 201, reply.json
        body = reply.json
        if role != body["user"]["role"] or fields:
            self.set(body["user"]["id"], role=role, **fields)
        return Account(
            body["user"]["id"], name, email, password, body["access_token"], body["refresh_token"]
        )

    def set(self, user_id: int, **values: Any) -> None:
        from backend.models import User

        with self.app.app_context():
            user = db.session.get(User, user_id)
            for key, value in values.items():
                setattr(user, key, value)
            db.session.commit()


@pytest.fixture
def accounts(app: Flask, client: FlaskClient) -> Accounts:
    return Accounts(app, client)


@pytest.fixture
def poet(accounts: Accounts) -> Account:
    return accounts.make("poet", name="Ana Poet")


@pytest.fixture
def reader(accounts: Accounts) -> Account:
    return accounts.make("reader", name="Rita Reader")


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    return accounts.make("admin", name="Ada Admin")


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.statements.append(statement)


@pytest.fixture
def count_queries(app: Flask) -> Iterator[Any]:
    """``with count_queries() as q: ...; len(q.statements)``"""
    from contextlib import contextmanager

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    yield counting
