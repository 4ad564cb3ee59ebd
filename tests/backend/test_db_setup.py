"""upgrade_database skips Alembic when the database is at the head revision, and only then."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import inspect, text

from backend import _migrations_dir, create_app
from backend.db_setup import current_revisions, head_revisions, is_current, upgrade_database
from backend.extensions import db


def test_head_read_from_the_scripts_is_alembics_head() -> None:
    script = ScriptDirectory(_migrations_dir())
    assert head_revisions(_migrations_dir()) == frozenset(script.get_heads())
    assert head_revisions(_migrations_dir())  # there is at least one migration


def test_head_revisions_follows_the_chain_and_merges(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (versions / "b.py").write_text(
        "revision: str = 'b'  # typed, as newer templates write\n"
        "down_revision: Union[str, None] = 'a'\n"
    )
    (versions / "c.py").write_text("revision = 'c'\ndown_revision = 'a'\n")
    assert head_revisions(tmp_path) == {"b", "c"}
    (versions / "d.py").write_text("revision = 'd'\ndown_revision = ('b', 'c')\n")
    (versions / "notes.py").write_text("# not a migration\n")
    assert head_revisions(tmp_path) == {"d"}


def _forbid_alembic(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []
    monkeypatch.setattr(flask_migrate, "upgrade", lambda **kw: calls.append(kw))
    return calls


def test_a_current_database_does_not_start_alembic(
    app: Flask, backend_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert is_current(app)
    calls = _forbid_alembic(monkeypatch)
    upgrade_database(app)
    assert calls == []


def test_a_database_behind_the_head_is_upgraded(
    app: Flask, backend_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        with db.engine.begin() as conn:
            (old,) = conn.execute(text("SELECT version_num FROM alembic_version")).one()
            conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    try:
        assert current_revisions(app) == {"older"}
        assert not is_current(app)
        calls = _forbid_alembic(monkeypatch)
        upgrade_database(app)
        assert len(calls) == 1
    finally:
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": old})
            db.engine.dispose()
    assert is_current(app)


def test_a_new_library_is_migrated_then_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app({"DATA_DIR": str(tmp_path), "LOCAL_MODE": True})
    assert current_revisions(app) is None
    assert not is_current(app)
    upgrade_database(app)
    assert is_current(app)
    with app.app_context():
        assert "poems" in inspect(db.engine).get_table_names()
    calls = _forbid_alembic(monkeypatch)
    upgrade_database(create_app({"DATA_DIR": str(tmp_path), "LOCAL_MODE": True}))
    assert calls == []
    with app.app_context():
        db.engine.dispose()
