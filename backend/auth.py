"""flask-jwt-extended wiring: who a token is, revoked tokens, and errors in our one shape."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response
from flask_jwt_extended import current_user, get_jwt, verify_jwt_in_request
from sqlalchemy import select

from .errors import Forbidden, problem
from .extensions import db, jwt
from .models import RevokedToken, User


def _unauthorized(detail: str) -> Response:
    return problem(401, "Not signed in", detail, headers={"WWW-Authenticate": "Bearer"})


@jwt.user_identity_loader
def _identity(user: User | int | str) -> str:
    # PyJWT 2.10+ rejects a non-string "sub".
    return str(user.id if isinstance(user, User) else user)


def password_fingerprint(user: User) -> str:
    """Changes whenever the password does: tokens carry it and die with the old password."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


@jwt.additional_claims_loader
def _claims(identity: User | int | str) -> dict[str, Any]:
    return {"pwd": password_fingerprint(identity)} if isinstance(identity, User) else {}


@jwt.user_lookup_loader
def _lookup(_header: dict[str, Any], payload: dict[str, Any]) -> User | None:
    try:
        user_id = int(payload["sub"])
    except (KeyError, TypeError, ValueError):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None  # a disabled or deleted user's tokens stop working at once
    if payload.get("pwd") != password_fingerprint(user):
        return None  # issued before the password changed: every other session ends
    return user


@jwt.token_in_blocklist_loader
def _revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
    jti = payload.get("jti")
    found = db.session.execute(select(RevokedToken.jti).where(RevokedToken.jti == jti)).first()
    return found is not None


@jwt.user_lookup_error_loader
def _lookup_error(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
    return _unauthorized(
        "This session has ended: the account was disabled or deleted, or its password changed."
    )


@jwt.unauthorized_loader
def _missing(reason: str) -> Response:
    return _unauthorized(f"Sign in to do this ({reason}).")


@jwt.invalid_token_loader
def _invalid(reason: str) -> Response:
    return _unauthorized(f"The token is not valid ({reason}).")


@jwt.expired_token_loader
def _expired(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
    return _unauthorized("The token has expired; refresh it or sign in again.")


@jwt.revoked_token_loader
def _revoked_error(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
    return _unauthorized("The token has been revoked; sign in again.")


@jwt.needs_fresh_token_loader
def _needs_fresh(_header: dict[str, Any], _payload: dict[str, Any]) -> Response:
    return _unauthorized("Sign in again to do this.")


def revoke(payload: dict[str, Any]) -> None:
    """Remember a token's id until it would have expired anyway."""
    expires = datetime.fromtimestamp(payload["exp"], UTC).replace(tzinfo=None)
    if db.session.get(RevokedToken, payload["jti"]) is None:
        db.session.add(RevokedToken(jti=payload["jti"], expires_at=expires))


def signed_in_user(*, refresh: bool = False) -> User:
    """The caller; ``refresh=True`` where a refresh token (and only one) is expected."""
    verify_jwt_in_request(refresh=refresh)
    return current_user


def optional_user() -> User | None:
    """The caller when a token is sent (a bad token is still a 401), else None."""
    verify_jwt_in_request(optional=True)
    return current_user if get_jwt() else None


def admin_user() -> User:
    user = signed_in_user()
    if not user.is_admin:
        raise Forbidden("Only an admin can do this.")
    return user


def init_app(app: Flask) -> None:
    jwt.init_app(app)
