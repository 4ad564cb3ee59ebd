"""What login and token handling remember: revoked tokens, failed logins, idempotent replies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import LongText, Timestamp, utcnow


class RevokedToken(db.Model):
    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(Timestamp, index=True)


class LoginFailure(db.Model):
    """One failed login; counted per account and per address within a window."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_scope_subject_at", "scope", "subject", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # "account" or "address"
    subject: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class IdempotencyRecord(db.Model):
    """The first answer to a POST sent with an Idempotency-Key, replayed on a repeat."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_user_id_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(255))
    request_path: Mapped[str] = mapped_column(String(255))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(LongText)
    # The first answer's headers (Location, ETag …) as a JSON object, replayed with its body.
    response_headers: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
