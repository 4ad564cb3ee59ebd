from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import Timestamp, utcnow


class Rating(db.Model):
    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("poem_id", "user_id", name="uq_ratings_poem_id_user_id"),
        Index("ix_ratings_poem_id_created_at", "poem_id", "created_at"),
        Index("ix_ratings_user_id_created_at", "user_id", "created_at"),
        Index("ix_ratings_created_at", "created_at"),
        {"sqlite_autoincrement": True},  # ids are never reused (links, replays, notifications)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poem_id: Mapped[int] = mapped_column(ForeignKey("poems.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    poem = relationship("Poem", lazy="raise")
    user = relationship("User", lazy="raise")
