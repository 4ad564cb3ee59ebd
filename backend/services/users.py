"""Accounts: registration, sign-in with throttling, profiles, administration."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from flask import current_app, request
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import (
    Conflict,
    Forbidden,
    LoginFailed,
    NotFound,
    TooManyRequests,
    ValidationFailed,
    WrongCurrentPassword,
)
from ..extensions import db
from ..models import LoginFailure, OutboxMessage, Poem, Rating, User
from ..models.outbox import PENDING
from ..models.types import utcnow
from .pagination import forget_totals
from .ratings import lock_poems, refresh_poem_counts


def normalize_email(email: str) -> str:
    return email.strip().lower()


def get_user(user_id: int, *, with_counts: bool = True) -> User:
    stmt = select(User).where(User.id == user_id)
    if with_counts:
        stmt = stmt.options(undefer(User.poem_count), undefer(User.rating_count))
    user = db.session.execute(stmt).scalar_one_or_none()
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    return user


def register(name: str, email: str, password: str) -> User:
    email = normalize_email(email)
    if db.session.execute(select(User.id).where(User.email == email)).first():
        raise Conflict("An account with this email already exists.", errors={"email": "Taken."})
    role = current_app.config["DEFAULT_ROLE"]
    library_empty = db.session.execute(select(User.id).limit(1)).first() is None
    if current_app.config["LOCAL_MODE"] and library_empty:
        role = "admin"  # the first account of a Local library owns it
    user = User(name=name, email=email, role=role, bio="", notify_by_email=True, active=True)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(
            "An account with this email already exists.", errors={"email": "Taken."}
        ) from None
    return user


# ---- sign-in throttling --------------------------------------------------------------------


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])


def _check_throttle(scope: str, subject: str, limit: int) -> None:
    since = utcnow() - _window()
    count, oldest = db.session.execute(
        select(func.count(LoginFailure.id), func.min(LoginFailure.at)).where(
            LoginFailure.scope == scope, LoginFailure.subject == subject, LoginFailure.at > since
        )
    ).one()
    if count >= limit:
        wait = (oldest + _window() - utcnow()).total_seconds()
        raise TooManyRequests(
            "Too many failed sign-ins. Wait a while before trying again.", int(wait) + 1
        )


def _record_failure(email: str, address: str) -> None:
    now = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - _window()))
    db.session.add_all(
        [
            LoginFailure(scope="account", subject=email, at=now),
            LoginFailure(scope="address", subject=address[:254], at=now),
        ]
    )


@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not anyone's password", method=method)


def _spend_a_password_check(password: str) -> None:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    check_password_hash(_dummy_hash(method), password)


def authenticate(email: str, password: str, address: str) -> User:
    email = normalize_email(email)
    config = current_app.config
    # The account's row is locked first (MySQL), so parallel guesses are counted one by one.
    user = db.session.execute(
        select(User).where(User.email == email).with_for_update()
    ).scalar_one_or_none()
    _check_throttle("account", email, config["LOGIN_MAX_PER_ACCOUNT"])
    _check_throttle("address", address, config["LOGIN_MAX_PER_ADDRESS"])
    if user is None:
        _spend_a_password_check(password)  # an unknown email takes as long as a wrong password
    if user is None or not user.check_password(password):
        _record_failure(email, address)
        # LoginFailed keeps the recorded failure: the transaction commits it with the 401.
        raise LoginFailed("The email or the password is wrong.")
    if not user.active:
        raise Forbidden("This account has been disabled by an administrator.")
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.scope == "account", LoginFailure.subject == email)
    )
    return user


# ---- profiles ------------------------------------------------------------------------------


def update_profile(user: User, data: dict[str, Any]) -> User:
    wants_secret_change = ("email" in data and normalize_email(data["email"]) != user.email) or (
        "password" in data
    )
    if wants_secret_change:
        current = data.get("current_password")
        if current is None:
            field = "password" if "password" in data else "email"
            raise ValidationFailed({"current_password": f"Required to change the {field}."})
        config = current_app.config
        _check_throttle("account", user.email, config["LOGIN_MAX_PER_ACCOUNT"])
        if not user.check_password(current):
            _record_failure(user.email, request.remote_addr or "unknown")
            raise WrongCurrentPassword(
                "The current password is wrong.",
                errors={"current_password": "Wrong password."},
            )
    if "email" in data:
        email = normalize_email(data["email"])
        if email != user.email:
            taken = db.session.execute(
                select(User.id).where(User.email == email, User.id != user.id)
            ).first()
            if taken:
                raise Conflict("Another account uses this email.", errors={"email": "Taken."})
            user.email = email
    if "password" in data:
        user.set_password(data["password"])
    for name in ("name", "bio", "notify_by_email"):
        if name in data:
            setattr(user, name, data[name])
    db.session.flush()
    return user


def _active_admins_besides(user: User) -> int:
    return db.session.execute(
        select(func.count(User.id)).where(
            User.role == "admin", User.active.is_(True), User.id != user.id
        )
    ).scalar_one()


def admin_update(target: User, data: dict[str, Any]) -> User:
    loses_admin = target.is_admin and (
        data.get("role", "admin") != "admin" or data.get("active", True) is False
    )
    if loses_admin and _active_admins_besides(target) == 0:
        raise Conflict("The last active admin cannot be demoted or disabled.")
    for name in ("name", "role", "active"):
        if name in data:
            setattr(target, name, data[name])
    db.session.flush()
    return target


def delete_user(target: User) -> None:
    """Their poems and ratings go with them; the poems they rated are recounted."""
    if target.is_admin and _active_admins_besides(target) == 0:
        raise Conflict("The last active admin cannot be deleted.")
    rated = (
        db.session.execute(
            select(Rating.poem_id)
            .join(Poem, Poem.id == Rating.poem_id)
            .where(Rating.user_id == target.id, Poem.author_id != target.id)
            .distinct()
        )
        .scalars()
        .all()
    )
    lock_poems(*rated)
    own_poems = select(Poem.id).where(Poem.author_id == target.id)
    db.session.execute(
        delete(Rating).where(or_(Rating.user_id == target.id, Rating.poem_id.in_(own_poems)))
    )
    db.session.execute(delete(Poem).where(Poem.author_id == target.id))
    forget_totals()
    db.session.execute(  # their letters that have not gone out yet go with them
        delete(OutboxMessage).where(
            OutboxMessage.recipient == target.email, OutboxMessage.status == PENDING
        )
    )
    db.session.delete(target)
    db.session.flush()
    for poem_id in rated:
        refresh_poem_counts(poem_id)


def list_users(query: dict[str, Any]) -> tuple[Any, Any]:
    stmt = select(User).options(undefer(User.poem_count), undefer(User.rating_count))
    count = select(func.count(User.id))
    conditions = []
    if query.get("q"):
        term = query["q"].strip()
        conditions.append(
            or_(
                User.name.contains(term, autoescape=True),
                User.email.contains(term.lower(), autoescape=True),
            )
        )
    if query.get("role"):
        conditions.append(User.role == query["role"])
    if conditions:
        stmt = stmt.where(*conditions)
        count = count.where(*conditions)
    sort = query["sort"]
    column = {
        "name": User.name,
        "poem_count": User.poem_count,
        "rating_count": User.rating_count,
        "created_at": User.created_at,
    }[sort.lstrip("-")]
    if sort.startswith("-"):
        stmt = stmt.order_by(column.desc(), User.id.desc())
    else:
        stmt = stmt.order_by(column.asc(), User.id.asc())
    return stmt, count
