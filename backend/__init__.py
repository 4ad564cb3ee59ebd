"""Poets Bay backend: the REST API behind the desktop app and the club server."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

__version__ = "0.1.0"

log = logging.getLogger(__name__)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``overrides`` are config keys on top of the environment
    (tests and the desktop's Local mode pass ``DATA_DIR``, ``LOCAL_MODE`` …)."""
    from . import auth, connections, models, resources  # noqa: F401  (tables, pool events)
    from .config import build_config
    from .errors import to_response
    from .extensions import db, mail

    app = Flask(__name__, static_folder=None)
    app.config.update(build_config(overrides))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    db.init_app(app)
    # Flask-Migrate (and with it Alembic) is set up only when a migration has to run:
    # importing it is a third of what opening a Local library costs (bench/README.md).
    app.config.setdefault("MIGRATIONS_DIR", _migrations_dir())
    mail.init_app(app)
    auth.init_app(app)
    resources.init_app(app)

    @app.before_request
    def _limit_body() -> Response | None:
        from werkzeug.exceptions import RequestEntityTooLarge

        length = request.content_length
        if length is not None and length > app.config["MAX_CONTENT_LENGTH"]:
            return to_response(RequestEntityTooLarge())
        if length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            from .resources.common import raw_body

            try:
                raw_body()  # read (and keep) up to the limit, whatever the route
            except RequestEntityTooLarge as error:
                return to_response(error)
        return None

    @app.teardown_appcontext
    def _close_session(_error: BaseException | None) -> None:
        # Runs before Flask-SQLAlchemy's own teardown (teardowns run in reverse order):
        # a rollback on a connection the database dropped must not turn the answer
        # already made into an HTML 500.
        from sqlalchemy.exc import SQLAlchemyError

        try:
            db.session.remove()
        except SQLAlchemyError as error:
            log.warning("closing the session failed: %s", error)

    @app.errorhandler(Exception)
    def _any_error(error: Exception) -> Response:
        return to_response(error)

    return app


def _migrations_dir() -> str:
    from importlib import resources as files

    return str(files.files("backend").joinpath("migrations"))


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and foreign keys, so the desktop app and a server can share one library file."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()
