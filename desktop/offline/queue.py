"""The outbox: changes made while the server could not be reached, kept in order on disk.

Each change is a row in the device's SQLite file, written in one transaction when it is
queued. A POST gets its ``Idempotency-Key`` then, once: however often a replay is cut off and
repeated, the server makes one poem or one rating of it (API.md).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from desktop.offline.db import OfflineDb

PUBLISH = "publish"  # {title, body, draft_id?}
EDIT_POEM = "edit_poem"  # {poem_id, version, title, body, base_title, base_body, draft_id?}
RATE = "rate"  # {poem_id, score, comment, poem_title?}
EDIT_RATING = "edit_rating"  # {rating_id, poem_id, score, comment}
DELETE_RATING = "delete_rating"  # {rating_id, poem_id}
MARK_READ = "mark_read"  # {notification_id}
MARK_ALL_READ = "mark_all_read"  # {}

KINDS = (PUBLISH, EDIT_POEM, RATE, EDIT_RATING, DELETE_RATING, MARK_READ, MARK_ALL_READ)
POSTS = (PUBLISH, RATE, MARK_READ, MARK_ALL_READ)

PENDING = "pending"  # waits for the server
HELD = "held"  # the server refused it (403, 422, …): waits for the poet
CONFLICT = "conflict"  # the poem changed on the server (412): waits for the poet


@dataclass(frozen=True)
class Change:
    id: int
    kind: str
    payload: dict[str, Any]
    idempotency_key: str | None
    status: str
    reason: str
    attempts: int
    created_at: float

    @property
    def waiting_for_poet(self) -> bool:
        return self.status in (HELD, CONFLICT)


def _change(row: Any) -> Change:
    return Change(
        row["id"],
        row["kind"],
        json.loads(row["payload"]),
        row["idempotency_key"],
        row["status"],
        row["reason"],
        row["attempts"],
        row["created_at"],
    )


class Outbox:
    def __init__(self, db: OfflineDb, clock: Any = time.time) -> None:
        self.db = db
        self._clock = clock

    def add(self, kind: str, payload: dict[str, Any]) -> Change:
        """Queue a change at the end; a POST gets its Idempotency-Key now, for good.

        A rating given again before the first was ever sent replaces it in place.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown change {kind!r}")
        key = uuid.uuid4().hex if kind in POSTS else None
        with self.db.transaction() as conn:
            if kind == RATE:
                row = conn.execute(
                    "SELECT id FROM outbox WHERE kind = ? AND status = ? AND attempts = 0"
                    " AND json_extract(payload, '$.poem_id') = ?",
                    (RATE, PENDING, payload.get("poem_id")),
                ).fetchone()
                if row is not None:
                    conn.execute(
                        "UPDATE outbox SET payload = ? WHERE id = ?",
                        (json.dumps(payload, ensure_ascii=False), row["id"]),
                    )
                    return _change(
                        conn.execute("SELECT * FROM outbox WHERE id = ?", (row["id"],)).fetchone()
                    )
            cursor = conn.execute(
                "INSERT INTO outbox (kind, payload, idempotency_key, status, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (kind, json.dumps(payload, ensure_ascii=False), key, PENDING, self._clock()),
            )
            row = conn.execute("SELECT * FROM outbox WHERE id = ?", (cursor.lastrowid,)).fetchone()
        return _change(row)

    # -- reading ----------------------------------------------------------------------------
    def changes(self) -> list[Change]:
        """Everything not yet sent, in the order it was made."""
        return [_change(r) for r in self.db.query("SELECT * FROM outbox ORDER BY id")]

    def count(self) -> int:
        return int(self.db.query("SELECT COUNT(*) AS n FROM outbox")[0]["n"])

    def first(self) -> Change | None:
        rows = self.db.query("SELECT * FROM outbox ORDER BY id LIMIT 1")
        return _change(rows[0]) if rows else None

    def get(self, change_id: int) -> Change | None:
        rows = self.db.query("SELECT * FROM outbox WHERE id = ?", (change_id,))
        return _change(rows[0]) if rows else None

    def pending_for_poem(self, poem_id: int) -> list[Change]:
        return [
            c for c in self.changes() if c.payload.get("poem_id") == poem_id and c.kind != MARK_READ
        ]

    # -- what became of it ------------------------------------------------------------------
    def attempted(self, change_id: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (change_id,))

    def done(self, change_id: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM outbox WHERE id = ?", (change_id,))

    def hold(self, change_id: int, reason: str, status: str = HELD) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET status = ?, reason = ? WHERE id = ?",
                (status, reason, change_id),
            )

    def release(self, change_id: int, payload: dict[str, Any] | None = None) -> None:
        """The poet decided: send it again (with a new body when they changed it)."""
        with self.db.transaction() as conn:
            if payload is not None:
                conn.execute(
                    "UPDATE outbox SET payload = ? WHERE id = ?",
                    (json.dumps(payload, ensure_ascii=False), change_id),
                )
            conn.execute(
                "UPDATE outbox SET status = ?, reason = '' WHERE id = ?", (PENDING, change_id)
            )

    discard = done

    # -- when the server was last heard from ------------------------------------------------
    def heard(self, when: float | None = None) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_heard', ?)",
                (repr(self._clock() if when is None else when),),
            )

    def last_heard(self) -> float | None:
        rows = self.db.query("SELECT value FROM meta WHERE key = 'last_heard'")
        return float(rows[0]["value"]) if rows else None
