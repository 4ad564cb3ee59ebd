from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Double, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import LongText, Timestamp, utcnow

if TYPE_CHECKING:
    from .user import User

EXCERPT_CHARS = 200


def make_excerpt(body: str) -> str:
    """The first lines of a poem, at most 200 characters, cut at a line end when possible."""
    if len(body) <= EXCERPT_CHARS:
        return body
    cut = body[:EXCERPT_CHARS]
    newline = cut.rfind("\n")
    return cut[:newline] if newline > 40 else cut


class Poem(db.Model):
    __tablename__ = "poems"
    __table_args__ = (
        Index("ix_poems_author_id_created_at", "author_id", "created_at"),
        Index("ix_poems_created_at", "created_at"),
        Index("ix_poems_rating_avg", "rating_avg"),
        Index("ix_poems_rating_count", "rating_count"),
        Index("ix_poems_title", "title"),
        {"sqlite_autoincrement": True},  # ids are never reused (links, replays, notifications)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(LongText)
    excerpt: Mapped[str] = mapped_column(String(EXCERPT_CHARS))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Kept in the rating's transaction, so lists sort by score without scanning ratings.
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    rating_avg: Mapped[float | None] = mapped_column(Double, nullable=True)

    # UPDATE and DELETE say "WHERE version = <the version read>": of two edits made at
    # the same moment, the second finds no row (StaleDataError) instead of overwriting.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    author: Mapped[User] = relationship("User", back_populates="poems", lazy="raise")

    def set_text(self, title: str | None = None, body: str | None = None) -> bool:
        """Apply a change; True (and a new version) when something really changed."""
        changed = False
        if title is not None and title != self.title:
            self.title = title
            changed = True
        if body is not None and body != self.body:
            self.body = body
            self.excerpt = make_excerpt(body)
            changed = True
        if changed and self.id is not None:
            self.version += 1
            self.updated_at = utcnow()
        return changed
