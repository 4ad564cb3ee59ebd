"""Models as the API shows them (API.md, "Shapes")."""

from __future__ import annotations

from typing import Any

from .models import Notification, Poem, Rating, User
from .models.types import isoformat_z


def user_public(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "role": user.role,
        "bio": user.bio or "",
        "created_at": isoformat_z(user.created_at),
        "poem_count": user.poem_count or 0,
        "rating_count": user.rating_count or 0,
    }


def user_private(user: User) -> dict[str, Any]:
    data = user_public(user)
    data.update(email=user.email, notify_by_email=user.notify_by_email, active=user.active)
    return data


def _avg(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def poem_summary_row(row: Any) -> dict[str, Any]:
    """A summary from a row of plain columns (lists never load bodies or ratings)."""
    return {
        "id": row.id,
        "title": row.title,
        "author": {"id": row.author_id, "name": row.author_name},
        "created_at": isoformat_z(row.created_at),
        "updated_at": isoformat_z(row.updated_at),
        "rating_count": row.rating_count,
        "rating_avg": _avg(row.rating_avg),
        "excerpt": row.excerpt,
    }


def poem_full(poem: Poem, author: User, my_rating: Rating | None) -> dict[str, Any]:
    return {
        "id": poem.id,
        "title": poem.title,
        "author": {"id": author.id, "name": author.name},
        "created_at": isoformat_z(poem.created_at),
        "updated_at": isoformat_z(poem.updated_at),
        "rating_count": poem.rating_count,
        "rating_avg": _avg(poem.rating_avg),
        "excerpt": poem.excerpt,
        "body": poem.body,
        "version": poem.version,
        "my_rating": None
        if my_rating is None
        else {"id": my_rating.id, "score": my_rating.score, "comment": my_rating.comment},
    }


def rating_row(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "poem": {"id": row.poem_id, "title": row.poem_title},
        "user": {"id": row.user_id, "name": row.user_name},
        "score": row.score,
        "comment": row.comment,
        "created_at": isoformat_z(row.created_at),
        "updated_at": isoformat_z(row.updated_at),
    }


def notification_out(note: Notification) -> dict[str, Any]:
    return {
        "id": note.id,
        "kind": note.kind,
        "created_at": isoformat_z(note.created_at),
        "read": note.read,
        "data": note.data,
    }
