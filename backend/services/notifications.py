from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from ..errors import Forbidden, NotFound
from ..extensions import db
from ..models import Notification, User


def list_notifications(user: User, unread_only: bool) -> tuple[Any, Any]:
    conditions = [Notification.user_id == user.id]
    if unread_only:
        conditions.append(Notification.read.is_(False))
    stmt = select(Notification).where(*conditions).order_by(Notification.id.desc())
    return stmt, select(func.count(Notification.id)).where(*conditions)


def mark_read(user: User, notification_id: int) -> None:
    note = db.session.get(Notification, notification_id)
    if note is None:
        raise NotFound(f"There is no notification {notification_id}.")
    if note.user_id != user.id:
        raise Forbidden("This notification is someone else's.")
    note.read = True
    db.session.flush()


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read.is_(False))
        .values(read=True)
    )
