"""The schema comes from Alembic migrations, on SQLite and MySQL alike."""

from __future__ import annotations

from flask import Flask
from flask_migrate import upgrade


def upgrade_database(app: Flask) -> None:
    """Bring the database to the newest schema (nothing to do when it is there)."""
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
