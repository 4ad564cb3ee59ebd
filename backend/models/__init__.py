"""SQLAlchemy models. Import them from here so Alembic sees every table."""

from .auth_state import IdempotencyRecord, LoginFailure, RevokedToken
from .notification import Notification
from .outbox import OutboxMessage
from .poem import Poem
from .rating import Rating
from .user import User

__all__ = [
    "IdempotencyRecord",
    "LoginFailure",
    "Notification",
    "OutboxMessage",
    "Poem",
    "Rating",
    "RevokedToken",
    "User",
]
