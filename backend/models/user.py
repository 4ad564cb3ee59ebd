from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import Boolean, Index, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .poem import Poem
from .rating import Rating
from .types import Timestamp, utcnow


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (
        Index("ix_users_name", "name"),
        Index("ix_users_created_at", "created_at"),
        Index("ix_users_role", "role"),
        # Never hand an id out twice: a deleted account's tokens must not fit a newer one.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # Stored lower-cased: "Ana@X" and "ana@x" are one account.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="poet")
    bio: Mapped[str] = mapped_column(Text, default="")
    notify_by_email: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    poems = relationship(Poem, back_populates="author", passive_deletes=True)

    poem_count: Mapped[int] = column_property(
        select(func.count(Poem.id))
        .where(Poem.author_id == id)
        .correlate_except(Poem)
        .scalar_subquery(),
        deferred=True,
    )
    rating_count: Mapped[int] = column_property(
        select(func.count(Rating.id))
        .where(Rating.user_id == id)
        .correlate_except(Rating)
        .scalar_subquery(),
        deferred=True,
    )

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
