"""Sending the outbox, in order, when the server answers again.

``Replayer.replay()`` runs on a worker thread. It sends the first change, forgets it once the
server has it, and goes on. It stops, keeping the change, when the server cannot be reached
(try later, with back-off), when the server refuses it (403, 422, …: the poet decides, with the
reason kept), or on a 412 (the poem changed elsewhere: a conflict for the poet).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from desktop.api.client import ApiClient
from desktop.api.errors import ApiError, ServerUnreachable
from desktop.offline.drafts import DraftStore
from desktop.offline.queue import (
    CONFLICT,
    DELETE_RATING,
    EDIT_POEM,
    EDIT_RATING,
    MARK_ALL_READ,
    MARK_READ,
    PUBLISH,
    RATE,
    Change,
    Outbox,
)

DONE = "done"  # the outbox is empty
OFFLINE = "offline"  # the server did not answer: try again later
HELD = "held"  # a change the server refused waits for the poet
CONFLICTED = "conflict"  # a poem edit met a newer version: the poet chooses
SIGNED_OUT = "signed_out"  # the session ended: sign in, then replay


@dataclass
class Outcome:
    stopped: str = DONE
    sent: list[tuple[Change, Any]] = field(default_factory=list)
    change: Change | None = None  # the change that stopped the replay
    reason: str = ""
    current: dict[str, Any] | None = None  # the poem as it now stands, for a conflict
    heard: bool = False  # the server answered something
    error: ApiError | None = None  # what the server said about ``change``


def reason(exc: ApiError) -> str:
    """What the server said, fields included (kept with a refused change for the poet)."""
    if exc.errors:
        return "; ".join(f"{field}: {message}" for field, message in exc.errors.items())
    return exc.message


class Backoff:
    """Seconds to wait before the next check: doubling from ``first`` up to ``limit``."""

    def __init__(self, first: float = 2.0, limit: float = 120.0) -> None:
        self.first = first
        self.limit = limit
        self._next = first

    def next(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self.limit)
        return delay

    def reset(self) -> None:
        self._next = self.first


class Replayer:
    def __init__(self, outbox: Outbox, client: ApiClient, drafts: DraftStore | None = None) -> None:
        self.outbox = outbox
        self.client = client
        self.drafts = drafts
        self._lock = threading.Lock()

    def replay(self, resend: bool = False) -> Outcome:
        """Send what waits, in order. ``resend``: the poet asked to try again, so changes
        that were refused or met a conflict are sent again too (to hear the answer anew)."""
        with self._lock:
            if resend:
                for change in self.outbox.changes():
                    if change.waiting_for_poet:
                        self.outbox.release(change.id)
            return self._replay()

    def _replay(self) -> Outcome:
        outcome = Outcome()
        while True:
            change = self.outbox.first()
            if change is None:
                return outcome
            if change.waiting_for_poet:
                outcome.stopped = CONFLICTED if change.status == CONFLICT else HELD
                outcome.change, outcome.reason = change, change.reason
                return outcome
            self.outbox.attempted(change.id)
            try:
                result = self.send(change)
            except ServerUnreachable as exc:
                outcome.stopped, outcome.change, outcome.reason = OFFLINE, change, exc.reason
                return outcome
            except ApiError as exc:
                outcome.heard = True
                self.outbox.heard()
                if not self._refused(change, exc, outcome):
                    continue
                return outcome
            outcome.heard = True
            self.outbox.heard()
            self._settled(change, result)
            self.outbox.done(change.id)
            outcome.sent.append((change, result))

    def _refused(self, change: Change, exc: ApiError, outcome: Outcome) -> bool:
        """Deal with an error answer; True when the replay stops here."""
        outcome.change, outcome.reason, outcome.error = change, reason(exc), exc
        if exc.status == 412 and change.kind == EDIT_POEM:
            current = exc.body.get("current") or {}
            p = change.payload
            if (current.get("title"), current.get("body")) == (p.get("title"), p.get("body")):
                self._settled(change, current)  # it was sent before; its answer was lost
                self.outbox.done(change.id)
                outcome.sent.append((change, current))
                return False
            self.outbox.hold(change.id, outcome.reason, CONFLICT)
            outcome.stopped, outcome.current = CONFLICTED, current
            return True
        if exc.status == 404 and change.kind in (DELETE_RATING, MARK_READ):
            self.outbox.done(change.id)  # already gone: what was wanted
            outcome.sent.append((change, None))
            return False
        if exc.status == 401:
            outcome.stopped = SIGNED_OUT
            return True
        if exc.status >= 500 or exc.status == 429:
            outcome.stopped = OFFLINE  # the server is there but not well: try later
            return True
        self.outbox.hold(change.id, outcome.reason)
        outcome.stopped = HELD
        return True

    def _settled(self, change: Change, result: Any) -> None:
        draft_id = change.payload.get("draft_id")
        if self.drafts is not None and draft_id and isinstance(result, dict) and "id" in result:
            self.drafts.mark_published(str(draft_id), result)

    # -- one change, one call ---------------------------------------------------------------
    def send(self, change: Change) -> Any:
        p, c = change.payload, self.client
        key = {"Idempotency-Key": change.idempotency_key} if change.idempotency_key else {}
        if change.kind == PUBLISH:
            return c.request(
                "POST", "/poems", json={"title": p["title"], "body": p["body"]}, headers=key
            )
        if change.kind == EDIT_POEM:
            poem_id, version = self._target(change)
            return c.update_poem(poem_id, version=version, title=p["title"], body=p["body"])
        if change.kind == RATE:
            body = {"score": p["score"], "comment": p.get("comment", "")}
            try:
                return c.request("POST", f"/poems/{p['poem_id']}/ratings", json=body, headers=key)
            except ApiError as exc:  # rated from another device meanwhile: change that one
                if exc.status == 409 and exc.body.get("rating_id"):
                    return c.update_rating(int(exc.body["rating_id"]), **body)
                raise
        if change.kind == EDIT_RATING:
            return c.update_rating(int(p["rating_id"]), score=p["score"], comment=p["comment"])
        if change.kind == DELETE_RATING:
            return c.delete_rating(int(p["rating_id"]))
        if change.kind == MARK_READ:
            return c.request(
                "POST", f"/notifications/{int(p['notification_id'])}/read", headers=key
            )
        if change.kind == MARK_ALL_READ:
            return c.request("POST", "/notifications/read-all", headers=key)
        raise ValueError(f"unknown change {change.kind!r}")

    def _target(self, change: Change) -> tuple[int, int | None]:
        """The poem and version an edit applies to. An edit of a poem published offline
        learns them from its draft once the publish has gone through."""
        poem_id, version = change.payload.get("poem_id"), change.payload.get("version")
        draft_id = change.payload.get("draft_id")
        if poem_id is None and self.drafts is not None and draft_id:
            draft = self.drafts.get(str(draft_id))
            if draft is not None:
                poem_id, version = draft.poem_id, draft.base_version
        if poem_id is None:
            raise ApiError(404, "Not published", "The poem this edit belongs to is not published.")
        return int(poem_id), version
