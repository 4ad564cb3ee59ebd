from __future__ import annotations

from typing import Any

from flask import current_app
from flask_restful import Resource
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .. import __version__
from ..extensions import db
from ..openapi import build_spec


class Health(Resource):
    def get(self) -> Any:
        kind = "sqlite" if db.engine.dialect.name == "sqlite" else "mysql"
        try:
            db.session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            db.session.rollback()
            return {"status": "unavailable", "database": kind, "version": __version__}, 503
        return {"status": "ok", "database": kind, "version": __version__}


class OpenApi(Resource):
    def get(self) -> Any:
        spec = current_app.extensions.get("poetsbay_openapi")
        if spec is None:
            spec = current_app.extensions["poetsbay_openapi"] = build_spec()
        return spec
