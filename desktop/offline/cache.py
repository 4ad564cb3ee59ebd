"""A read-only copy of what the reader has seen: poems opened, My poems, My ratings.

Offline, the app shows these instead of an error, marked with the time they were fetched
so the reader knows they may be stale. Nothing here is ever sent to the server.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from desktop.offline.db import OfflineDb

POEM = "poem"
LIST = "list"
MY_POEMS = "mine"
MY_RATINGS = "ratings"


@dataclass(frozen=True)
class Cached:
    data: Any
    fetched_at: float

    def age(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.fetched_at


class ReadCache:
    def __init__(self, db: OfflineDb, clock: Any = time.time) -> None:
        self.db = db
        self._clock = clock

    def _put(self, kind: str, key: str, data: Any) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO cache (kind, key, data, fetched_at) VALUES (?, ?, ?, ?)",
                (kind, key, json.dumps(data, ensure_ascii=False), self._clock()),
            )

    def _get(self, kind: str, key: str) -> Cached | None:
        rows = self.db.query(
            "SELECT data, fetched_at FROM cache WHERE kind = ? AND key = ?", (kind, key)
        )
        if not rows:
            return None
        return Cached(json.loads(rows[0]["data"]), float(rows[0]["fetched_at"]))

    def put_poem(self, poem: dict[str, Any]) -> None:
        self._put(POEM, str(poem["id"]), poem)

    def poem(self, poem_id: int) -> Cached | None:
        return self._get(POEM, str(poem_id))

    def forget_poem(self, poem_id: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM cache WHERE kind = ? AND key = ?", (POEM, str(poem_id)))

    def put_list(self, name: str, items: list[dict[str, Any]]) -> None:
        """A whole list as last seen (My poems, My ratings): the first pages, in order."""
        self._put(LIST, name, list(items))

    def list(self, name: str) -> Cached | None:
        return self._get(LIST, name)

    def page(self, name: str, page: int, per_page: int) -> dict[str, Any] | None:
        """A cached list in the API's page shape, so a paged model can show it offline."""
        cached = self.list(name)
        if cached is None:
            return None
        items = cached.data
        start = (page - 1) * per_page
        total = len(items)
        return {
            "items": items[start : start + per_page],
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": max(1, -(-total // per_page)),
            "stale_since": cached.fetched_at,
        }
