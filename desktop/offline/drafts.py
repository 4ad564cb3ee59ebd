"""The draft store: poems in progress, kept on the device, with every version of their text.

A draft is never sent anywhere until the poet publishes it. Each save that changes the title
or the body keeps a revision; restoring an old revision makes a new one and deletes nothing.
A draft may be tied to a published poem (``poem_id``), remembering the version and the text
its edit started from: that is the base of the three-way merge when the server has moved on.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from desktop.offline.db import OfflineDb
from desktop.offline.diff import DiffRow, line_diff

DRAFT = "draft"  # being written
PUBLISHED = "published"  # its text is on the server; kept for history, not listed


@dataclass(frozen=True)
class Draft:
    id: str
    title: str
    body: str
    poem_id: int | None
    base_version: int | None
    base_title: str | None
    base_body: str | None
    state: str
    editing: bool
    created_at: float
    updated_at: float

    @property
    def is_edit(self) -> bool:
        """True when the draft changes a published poem rather than writing a new one."""
        return self.poem_id is not None


@dataclass(frozen=True)
class Revision:
    id: int
    draft_id: str
    number: int
    title: str
    body: str
    note: str
    created_at: float


def _draft(row: Any) -> Draft:
    return Draft(
        id=row["id"],
        title=row["title"],
        body=row["body"],
        poem_id=row["poem_id"],
        base_version=row["base_version"],
        base_title=row["base_title"],
        base_body=row["base_body"],
        state=row["state"],
        editing=bool(row["editing"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _revision(row: Any) -> Revision:
    return Revision(
        row["id"],
        row["draft_id"],
        row["number"],
        row["title"],
        row["body"],
        row["note"],
        row["created_at"],
    )


def new_draft_id() -> str:
    """Made on the GUI thread before anything is written, so saves queued before the
    first one finishes already know which draft they belong to."""
    return uuid.uuid4().hex


class DraftStore:
    def __init__(self, db: OfflineDb, clock: Any = time.time) -> None:
        self.db = db
        self._clock = clock

    # -- writing ----------------------------------------------------------------------------
    def save(
        self,
        draft_id: str,
        title: str,
        body: str,
        *,
        note: str = "",
        poem: dict[str, Any] | None = None,
        editing: bool | None = None,
    ) -> Draft:
        """Create or update a draft; keep a revision when the text changed.

        ``poem`` (the poem as the edit started from it) ties a new draft to a published poem.
        ``editing`` marks whether an editor has it open (what a crash leaves set is recovered).
        """
        now = self._clock()
        with self.db.transaction() as conn:
            row = conn.execute("SELECT * FROM drafts WHERE id = ?", (draft_id,)).fetchone()
            if row is None:
                base = poem or {}
                conn.execute(
                    "INSERT INTO drafts (id, title, body, poem_id, base_version, base_title,"
                    " base_body, state, editing, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        draft_id,
                        title,
                        body,
                        base.get("id"),
                        base.get("version"),
                        base.get("title") if poem else None,
                        base.get("body") if poem else None,
                        DRAFT,
                        int(bool(editing)),
                        now,
                        now,
                    ),
                )
                changed = True
            else:
                changed = (row["title"], row["body"]) != (title, body)
                conn.execute(
                    "UPDATE drafts SET title = ?, body = ?, state = ?, editing = ?,"
                    " updated_at = ? WHERE id = ?",
                    (
                        title,
                        body,
                        DRAFT if changed else row["state"],
                        row["editing"] if editing is None else int(editing),
                        now if changed else row["updated_at"],
                        draft_id,
                    ),
                )
            if changed:
                self._add_revision(conn, draft_id, title, body, note, now)
            row = conn.execute("SELECT * FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        return _draft(row)

    @staticmethod
    def _add_revision(
        conn: Any, draft_id: str, title: str, body: str, note: str, now: float
    ) -> None:
        last = conn.execute(
            "SELECT number, title, body FROM revisions WHERE draft_id = ?"
            " ORDER BY number DESC LIMIT 1",
            (draft_id,),
        ).fetchone()
        if last is not None and (last["title"], last["body"]) == (title, body):
            return
        number = (last["number"] if last else 0) + 1
        conn.execute(
            "INSERT INTO revisions (draft_id, number, title, body, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (draft_id, number, title, body, note, now),
        )

    def keep_revision(self, draft_id: str, title: str, body: str, note: str) -> None:
        """Keep a text in the draft's history without making it the draft's text (the side
        of a conflict the poet did not choose)."""
        with self.db.transaction() as conn:
            self._add_revision(conn, draft_id, title, body, note, self._clock())

    def set_editing(self, draft_id: str, editing: bool) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE drafts SET editing = ? WHERE id = ?", (int(editing), draft_id))

    def mark_published(self, draft_id: str, poem: dict[str, Any]) -> Draft | None:
        """The server has this text now: tie the draft to the poem, move its base, unlist it."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE drafts SET poem_id = ?, base_version = ?, base_title = ?, base_body = ?,"
                " state = ?, editing = 0 WHERE id = ?",
                (
                    poem.get("id"),
                    poem.get("version"),
                    poem.get("title"),
                    poem.get("body"),
                    PUBLISHED,
                    draft_id,
                ),
            )
        return self.get(draft_id)

    def rebase(self, draft_id: str, poem: dict[str, Any]) -> None:
        """The edit now starts from this version of the poem (after a conflict was resolved)."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE drafts SET poem_id = ?, base_version = ?, base_title = ?, base_body = ?"
                " WHERE id = ?",
                (
                    poem.get("id"),
                    poem.get("version"),
                    poem.get("title"),
                    poem.get("body"),
                    draft_id,
                ),
            )

    def take_back(self, poem: dict[str, Any]) -> Draft:
        """A published poem back into a draft to work on (its own draft if it has one)."""
        existing = self.for_poem(int(poem["id"]))
        draft_id = existing.id if existing else new_draft_id()
        if existing is not None:
            self.rebase(draft_id, poem)
            if existing.state == PUBLISHED:
                with self.db.transaction() as conn:
                    conn.execute("UPDATE drafts SET state = ? WHERE id = ?", (DRAFT, draft_id))
        return self.save(
            draft_id,
            str(poem.get("title", "")),
            str(poem.get("body", "")),
            note="taken-back",
            poem=poem,
        )

    def restore(self, draft_id: str, revision_id: int) -> Draft:
        """Make an old revision the draft's text again, as a new revision (nothing deleted)."""
        rev = self.revision(revision_id)
        if rev is None or rev.draft_id != draft_id:
            raise KeyError(revision_id)
        now = self._clock()
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE drafts SET title = ?, body = ?, state = ?, updated_at = ? WHERE id = ?",
                (rev.title, rev.body, DRAFT, now, draft_id),
            )
            last = conn.execute(
                "SELECT MAX(number) AS n FROM revisions WHERE draft_id = ?", (draft_id,)
            ).fetchone()["n"]
            conn.execute(
                "INSERT INTO revisions (draft_id, number, title, body, note, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (draft_id, last + 1, rev.title, rev.body, f"restored:{rev.number}", now),
            )
        draft = self.get(draft_id)
        assert draft is not None
        return draft

    def delete(self, draft_id: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    # -- reading ----------------------------------------------------------------------------
    def get(self, draft_id: str) -> Draft | None:
        rows = self.db.query("SELECT * FROM drafts WHERE id = ?", (draft_id,))
        return _draft(rows[0]) if rows else None

    def for_poem(self, poem_id: int) -> Draft | None:
        rows = self.db.query(
            "SELECT * FROM drafts WHERE poem_id = ? ORDER BY updated_at DESC LIMIT 1", (poem_id,)
        )
        return _draft(rows[0]) if rows else None

    def drafts(self, *, include_published: bool = False) -> list[Draft]:
        """Drafts being written, newest first."""
        where = "" if include_published else "WHERE state = 'draft'"
        rows = self.db.query(f"SELECT * FROM drafts {where} ORDER BY updated_at DESC, rowid DESC")
        return [_draft(row) for row in rows]

    def recoverable(self) -> list[Draft]:
        """Drafts an editor had open when the app last stopped without closing it."""
        rows = self.db.query(
            "SELECT * FROM drafts WHERE editing = 1 ORDER BY updated_at DESC, rowid DESC"
        )
        return [_draft(row) for row in rows]

    def history(self, draft_id: str) -> list[Revision]:
        """Revisions, oldest first."""
        rows = self.db.query(
            "SELECT * FROM revisions WHERE draft_id = ? ORDER BY number", (draft_id,)
        )
        return [_revision(row) for row in rows]

    def revision(self, revision_id: int) -> Revision | None:
        rows = self.db.query("SELECT * FROM revisions WHERE id = ?", (revision_id,))
        return _revision(rows[0]) if rows else None

    def compare(self, old_id: int, new_id: int) -> list[DiffRow]:
        """Two revisions line by line (title first, then the body)."""
        old, new = self.revision(old_id), self.revision(new_id)
        if old is None or new is None:
            raise KeyError(old_id if old is None else new_id)
        return line_diff(f"{old.title}\n\n{old.body}", f"{new.title}\n\n{new.body}")
