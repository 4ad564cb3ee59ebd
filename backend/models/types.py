"""Column types that behave the same on SQLite and MySQL."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Text
from sqlalchemy.dialects import mysql

# Microseconds on MySQL too, so "newest first" is stable within a second.
Timestamp = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# A poem body is up to 20,000 characters: 80,000 bytes of utf8mb4, more than TEXT holds.
LongText = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")


def utcnow() -> datetime:
    """Naive UTC, as stored; ``isoformat_z`` adds the zone on the way out."""
    return datetime.now(UTC).replace(tzinfo=None)


def isoformat_z(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
