"""One error shape for the whole API: application/problem+json (RFC 9457)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, json
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"


class ApiError(Exception):
    """A known, expected failure that the client is told about.

    The request's changes are rolled back, unless ``keep_changes`` says the failure is
    itself something to remember (a failed sign-in counts towards the limit).
    """

    status = 400
    title = "Bad request"
    keep_changes = False

    def __init__(
        self,
        detail: str,
        *,
        errors: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


class ValidationFailed(ApiError):
    status, title = 422, "Invalid input"

    def __init__(self, errors: dict[str, str], detail: str | None = None) -> None:
        names = ", ".join(sorted(errors))
        super().__init__(detail or f"Check these fields: {names}.", errors=errors)


class Unauthorized(ApiError):
    status, title = 401, "Not signed in"

    def __init__(self, detail: str = "Sign in to do this.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class LoginFailed(Unauthorized):
    """A wrong email or password: the failure is recorded even though the request fails."""

    keep_changes = True


class Forbidden(ApiError):
    status, title = 403, "Not allowed"


class WrongCurrentPassword(Forbidden):
    """Counted like a failed sign-in (and kept), so it cannot be guessed without limit."""

    keep_changes = True


class NotFound(ApiError):
    status, title = 404, "Not found"


class Conflict(ApiError):
    status, title = 409, "Conflict"


class PreconditionFailed(ApiError):
    status, title = 412, "Changed elsewhere"


class TooManyRequests(ApiError):
    status, title = 429, "Too many attempts"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})
        self.extra["retry_after"] = max(1, retry_after)


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def to_response(error: BaseException) -> Response:
    """Any exception as problem+json: known ones as they ask, HTTP ones by code, bugs as 500."""
    if isinstance(error, ApiError):
        return problem(
            error.status,
            error.title,
            error.detail,
            errors=error.errors,
            headers=error.headers,
            **error.extra,
        )
    if isinstance(error, HTTPException):
        code = error.code or 500
        detail = error.description or error.name
        if code == 413:
            detail = "The request body is larger than 1 MiB."
        headers = {"Allow": error.valid_methods} if getattr(error, "valid_methods", None) else {}
        if headers:
            headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[arg-type]
        return problem(code, error.name, detail, headers=headers)
    if _is_race(error):
        return problem(
            409,
            "Conflict",
            "This collided with another change made at the same moment; try again.",
        )
    if _lost_connection(error):
        log.warning("database connection lost: %s", error)
        return problem(
            503,
            "Database unavailable",
            "The connection to the database was lost; try again in a moment.",
            headers={"Retry-After": "1"},
        )
    if _is_contention(error):
        log.warning("database busy: %s", error)
        return problem(
            503,
            "Busy",
            "The database is busy with other changes; try again in a moment.",
            headers={"Retry-After": "1"},
        )
    log.exception("unhandled error", exc_info=error)
    return problem(500, "Internal server error", "Something went wrong on the server.")


# MySQL "lock wait timeout" and "deadlock", SQLite "database is locked": a retry will do.
_MYSQL_CONTENTION = {1205, 1213}


def _is_contention(error: BaseException) -> bool:
    from sqlalchemy.exc import OperationalError

    if not isinstance(error, OperationalError):
        return False
    args = getattr(error.orig, "args", ())
    if args and args[0] in _MYSQL_CONTENTION:
        return True
    return "database is locked" in str(error.orig)


def _lost_connection(error: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError

    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def _is_race(error: BaseException) -> bool:
    """A unique key taken, or a row changed, by a request that ran at the same moment."""
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    return isinstance(error, IntegrityError | StaleDataError)
