"""The schema comes from Alembic migrations, on SQLite and MySQL alike.

Starting Alembic (its script directory, ``env.py``, every migration module, logging set-up)
costs more than the rest of opening a library, and on almost every start there is nothing to
do. So ``upgrade_database`` first compares the database's ``alembic_version`` with the head
revision(s), read straight from the migration files, and runs Alembic only when they differ.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from flask import Flask

_ASSIGNMENT = re.compile(
    r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*(?:#.*)?$", re.MULTILINE
)


def _as_set(value: object) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    return {str(item) for item in value}  # type: ignore[attr-defined]


def head_revisions(directory: str | Path) -> frozenset[str]:
    """The head revision(s) of the migrations in ``directory`` (its ``versions/``), from the
    ``revision`` / ``down_revision`` lines of each script, without importing Alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in Path(directory, "versions").glob("*.py"):
        found = dict(_ASSIGNMENT.findall(script.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        revisions |= _as_set(ast.literal_eval(found["revision"]))
        parents |= _as_set(ast.literal_eval(found.get("down_revision", "None")))
    return frozenset(revisions - parents)


def current_revisions(app: Flask) -> frozenset[str] | None:
    """The revision(s) recorded in the database; None when it has no ``alembic_version``."""
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import SQLAlchemyError

    from .extensions import db

    with app.app_context():
        try:
            with db.engine.connect() as conn:
                if not inspect(conn).has_table("alembic_version"):
                    return None
                rows = conn.execute(text("SELECT version_num FROM alembic_version"))
                return frozenset(str(row[0]) for row in rows)
        except SQLAlchemyError:
            return None


def is_current(app: Flask) -> bool:
    """True when the database is at the newest schema (Alembic would do nothing)."""
    heads = head_revisions(app.config["MIGRATIONS_DIR"])
    return bool(heads) and current_revisions(app) == heads


def upgrade_database(app: Flask) -> None:
    """Bring the database to the newest schema (nothing to do when it is there)."""
    if is_current(app):
        return
    from flask_migrate import upgrade

    with_migrate(app)
    with app.app_context():
        upgrade(directory=app.config["MIGRATIONS_DIR"])


def with_migrate(app: Flask) -> Flask:
    """Register Flask-Migrate on ``app`` (once)."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        from .extensions import db

        Migrate(app, db, directory=app.config["MIGRATIONS_DIR"], render_as_batch=True)
    return app


def migration_app() -> Flask:
    """For writing migrations: ``FLASK_APP=backend.db_setup:migration_app flask db migrate``."""
    from . import create_app

    return with_migrate(create_app())
