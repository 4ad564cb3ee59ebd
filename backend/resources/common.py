"""What every resource shares: the JSON body, paging, one commit, idempotent POSTs."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from marshmallow import Schema
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from ..auth import signed_in_user
from ..errors import ApiError, ValidationFailed
from ..extensions import db
from ..models import IdempotencyRecord
from ..schemas import load
from ..services.pagination import page_of

Reply = tuple[Any, int] | tuple[Any, int, dict[str, str]] | Any


def raw_body() -> bytes:
    """The body, 413 when it is over the limit, whether or not it came with a length.

    A chunked body has no Content-Length for the before-request check, and werkzeug
    cuts it at MAX_CONTENT_LENGTH without a word: look one byte further to tell.
    """
    raw = request.get_data(cache=True)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is None and limit is not None and len(raw) >= limit:
        if request.environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()
    return raw


def json_body(schema: type[Schema]) -> dict[str, Any]:
    """The request's JSON object, validated; an empty body is an empty object."""
    if not raw_body():
        data: Any = {}
    else:
        try:
            data = request.get_json(force=True)
        except (BadRequest, RecursionError):
            raise ApiError("The request body is not valid JSON (or nested too deeply).") from None
    return load(schema, data)


def query_args(schema: type[Schema]) -> dict[str, Any]:
    return load(schema, request.args.to_dict(flat=True))


def paged(
    stmt: Any,
    count: Any,
    query: dict[str, Any],
    serialize: Callable[[Any], Any],
    rows_for: Callable[[Any], Any] | None = None,
) -> Any:
    return page_of(stmt, count, query["page"], query["per_page"], serialize, rows_for)


def transactional(view: Callable[..., Reply]) -> Callable[..., Reply]:
    """Commit once when the view succeeds; roll everything back when it fails."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Reply:
        try:
            reply = view(*args, **kwargs)
            db.session.commit()
            return reply
        except ApiError as error:
            if error.keep_changes:
                db.session.commit()
            else:
                db.session.rollback()
            raise
        except BaseException:
            db.session.rollback()
            raise

    return wrapper


def idempotent(view: Callable[..., Reply]) -> Callable[..., Reply]:
    """A repeated POST with the same Idempotency-Key and caller gets the first answer.

    The answer is stored in the same transaction as what it created, so a replay
    can never find the poem without the record or the record without the poem.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Reply:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return transactional(view)(*args, **kwargs)
        key = key.strip()
        if not key or len(key) > 255:
            raise ValidationFailed({"Idempotency-Key": "Must be 1 to 255 characters."})
        user = signed_in_user()
        stored = _stored(user.id, key)
        if stored is not None:
            return _replay(stored)
        try:
            body, status, headers = view(*args, **kwargs)
            if status < 300:
                db.session.add(
                    IdempotencyRecord(
                        user_id=user.id,
                        key=key,
                        request_path=request.path[:255],
                        status_code=status,
                        response_body=json.dumps(body, ensure_ascii=False),
                        response_headers=json.dumps(dict(headers)),
                    )
                )
            db.session.commit()
        except IntegrityError:
            # The same key raced in from another request: the first one wins.
            db.session.rollback()
            stored = _stored(user.id, key)
            if stored is None:
                raise
            return _replay(stored)
        except BaseException:
            db.session.rollback()
            raise
        return body, status, headers

    return wrapper


def _stored(user_id: int, key: str) -> IdempotencyRecord | None:
    return db.session.execute(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    ).scalar_one_or_none()


def _replay(record: IdempotencyRecord) -> Reply:
    if record.request_path != request.path:
        raise ValidationFailed({"Idempotency-Key": "Already used for another request."})
    headers = {**json.loads(record.response_headers or "{}"), "Idempotent-Replayed": "true"}
    return json.loads(record.response_body), record.status_code, headers
