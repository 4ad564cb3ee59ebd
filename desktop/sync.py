"""The offline side of the controller: the device's store for the signed-in account, the
outbox and its replay, the read cache, and the connection status shown to the poet.

Every change to the server goes through ``submit``: it is written to the outbox first (one
SQLite transaction, on a disk worker), then sent by a replay on a network worker. When the
server answers, the caller hears of it; when it cannot be reached, the change waits on disk and
is sent in order later (with back-off, or at once on "Retry now").
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.api.errors import ApiError, ServerUnreachable
from desktop.cached import CachedReads
from desktop.offline.cache import ReadCache
from desktop.offline.db import OfflineDb, store_path
from desktop.offline.drafts import DraftStore
from desktop.offline.queue import Change, Outbox
from desktop.offline.replay import CONFLICTED, HELD, OFFLINE, SIGNED_OUT, Backoff, Outcome, Replayer
from desktop.settings import LOCAL
from desktop.workers import TaskRunner

if TYPE_CHECKING:
    from desktop.app import AppController
    from desktop.ui.connection_status import ConnectionStatus

log = logging.getLogger(__name__)

KEEP_HEARD_S = 30.0  # "last heard from the server" is written to disk at most this often


class SerialRunner(TaskRunner):
    """One worker thread: jobs run in the order given (saves never overtake each other)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent, max_threads=1)

    def drain(self, msecs: int = 10000) -> bool:
        """Block until every job given has run (on quit: the last save must reach the disk)."""
        return self._pool.waitForDone(msecs)


@dataclass
class Waiter:
    """What the caller of ``submit`` wants to hear about its change."""

    on_done: Callable[[Any], None] | None = None
    on_refused: Callable[[ApiError], None] | None = None
    on_conflict: Callable[[Change, dict[str, Any]], None] | None = None
    on_queued: Callable[[], None] | None = None


class SyncController(QObject):
    ready = Signal()  # the store of the signed-in account is open
    backOnline = Signal()  # the server answers again after it could not be reached
    statusChanged = Signal()
    changesSent = Signal(list)  # [(Change, result)]
    conflictFound = Signal(object, object)  # Change, the poem as it now stands
    refused = Signal(object, str)  # Change, the server's reason (nobody was waiting for it)
    dropped = Signal(object)  # the Change the poet gave up
    _heard = Signal(bool, float)  # from worker threads: did the server answer, when

    def __init__(self, core: AppController) -> None:
        super().__init__(core)
        self.core = core
        self.client = core.client
        self.disk = SerialRunner(self)
        self.net = SerialRunner(self)
        self.db: OfflineDb | None = None
        self.drafts: DraftStore | None = None
        self.outbox: Outbox | None = None
        self.cache: ReadCache | None = None
        self.replayer: Replayer | None = None
        self.online: bool | None = None
        self.last_heard: float | None = None
        self.pending = 0
        self.waiting = 0
        self.backoff = Backoff(2.0, 60.0)
        self.widget: ConnectionStatus | None = None
        self.reads = CachedReads(self)
        self._kept_heard = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.probe)
        self._waiters: dict[int, Waiter] = {}
        self._reported: set[int] = set()
        self._replaying = False
        self._again = False
        self._resend = False
        self._opening: str | None = None
        self._after_open: list[Callable[[], None]] = []
        self._heard.connect(self._on_heard)
        core.signedIn.connect(self.open_for)
        core.signedOut.connect(self.close)

    # -- the store ----------------------------------------------------------------------------
    def attach(self, widget: ConnectionStatus) -> None:
        self.widget = widget
        widget.retryRequested.connect(self.retry_now)
        widget.dropRequested.connect(lambda: self.drop_waiting())
        self._show_status()

    def server_key(self) -> str:
        return "local" if self.core.mode == LOCAL else self.core.server_url

    def _account_file(self) -> Path:
        return store_path(self.core.data_dir, self.server_key(), 0).parent / "account.json"

    def open_for(self, user: dict[str, Any]) -> None:
        """Open (off the GUI thread) the device's store for this account on this server."""
        path = store_path(self.core.data_dir, self.server_key(), user["id"])
        account_file = self._account_file()
        self.disk.run(lambda: _write_json(account_file, user), None, lambda exc: None)
        if self.db is not None and self.db.path == path:
            self.replay()
            return
        self.close()
        self._opening = str(path)

        def opened(db: OfflineDb) -> None:
            if self._opening != str(path):
                self.disk.run(db.close, None, lambda exc: None)  # signed out meanwhile
                return
            self._opening = None
            self.db = db
            self.drafts, self.outbox, self.cache = DraftStore(db), Outbox(db), ReadCache(db)
            self.replayer = Replayer(self.outbox, self.client, self.drafts)
            waiting, self._after_open = self._after_open, []
            self.ready.emit()
            for then in waiting:
                then()
            self.refresh_status()
            self.replay()

        self.disk.run(lambda: OfflineDb(path), opened, self.core.report)

    def last_user(
        self, found: Callable[[dict[str, Any]], None], missing: Callable[[], None]
    ) -> None:
        """The account last signed in to this server from this device (to work offline)."""
        account_file = self._account_file()

        def read() -> dict[str, Any] | None:
            try:
                data = json.loads(account_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            return data if isinstance(data, dict) and "id" in data else None

        self.disk.run(read, lambda user: found(user) if user else missing(), lambda e: missing())

    def when_ready(self, then: Callable[[], None]) -> None:
        """Run ``then`` once the account's store is open; nothing when nobody is signed in
        (what an account wrote never lands in another account's store)."""
        if self.db is not None:
            then()
        elif self._opening is not None:
            self._after_open.append(then)
        else:
            log.warning("no account's store is open: a draft or change was not kept")

    def close(self) -> None:
        db = self.db
        self._opening = None
        self.db = self.drafts = self.outbox = self.cache = self.replayer = None
        self._after_open.clear()
        self._waiters.clear()
        self._reported.clear()
        self._timer.stop()
        self.online, self.pending, self.waiting = None, 0, 0
        self._show_status()
        if db is not None:
            self.disk.run(db.close, None, lambda exc: None)

    def stop(self) -> None:
        """On quit: stop checking, let the last saves reach the disk."""
        self._timer.stop()
        self.net.forget()
        self.disk.drain()
        self.net.drain()
        db = self.db
        self.db = self.drafts = self.outbox = self.cache = self.replayer = None
        if db is not None:
            db.close()

    def on_disk(
        self,
        job: Callable[[], Any],
        done: Callable[[Any], None] | None = None,
    ) -> None:
        """Run a store job on the disk worker once the store is open."""
        self.when_ready(lambda: self.disk.run(job, done, self.core.report))

    # -- changes for the server ---------------------------------------------------------------
    def submit(self, kind: str, payload: dict[str, Any], waiter: Waiter | None = None) -> None:
        """Queue a change on disk, then send it (and everything before it) in order."""

        def add() -> Change:
            assert self.outbox is not None
            return self.outbox.add(kind, payload)

        def added(change: Change) -> None:
            if waiter is not None:
                self._waiters[change.id] = waiter
            self.refresh_status()
            self.replay()

        self.on_disk(add, added)

    def retry_now(self) -> None:
        """The poet asked: try the server at once, and send again what it refused before."""
        self.backoff.reset()
        self._reported.clear()
        self._resend = True
        self.probe()

    def probe(self) -> None:
        """Send what waits; with nothing waiting, ask the server whether it is there."""
        if self.replayer is None:
            return
        if self.pending or self._resend:
            self.replay()
            return
        self.net.run(self.client.health, lambda _r: self._on_heard(True, time.time()), self._lost)

    def _lost(self, exc: BaseException) -> None:
        if isinstance(exc, ServerUnreachable):
            self._on_heard(False, time.time())

    def replay(self) -> None:
        if self.replayer is None:
            return
        if self._replaying:
            self._again = True
            return
        self._replaying = True
        self._timer.stop()
        replayer, resend, self._resend = self.replayer, self._resend, False
        self.net.run(lambda: replayer.replay(resend), self._replayed, self._replay_failed)

    def _replay_failed(self, exc: BaseException) -> None:
        self._replaying = False
        self.core.report(exc)
        self.refresh_status()

    def _replayed(self, outcome: Outcome) -> None:
        self._replaying = False
        for change, result in outcome.sent:
            waiter = self._waiters.pop(change.id, None)
            if waiter is not None and waiter.on_done is not None:
                waiter.on_done(result)
        if outcome.sent:
            self.changesSent.emit(outcome.sent)
        change = outcome.change
        if outcome.heard:
            self._on_heard(True, time.time())
        if outcome.stopped == OFFLINE and not outcome.heard:
            self._on_heard(False, time.time())
        elif outcome.stopped == OFFLINE:
            self._timer.start(int(self.backoff.next() * 1000))
        elif outcome.stopped == HELD and change is not None:
            waiter = self._waiters.pop(change.id, None)
            if waiter is not None and waiter.on_refused is not None and outcome.error:
                waiter.on_refused(outcome.error)
            elif change.id not in self._reported:
                self._reported.add(change.id)
                self.refused.emit(change, outcome.reason)
        elif outcome.stopped == CONFLICTED and change is not None:
            waiter = self._waiters.pop(change.id, None)
            current = outcome.current
            if current is None:  # stopped at a conflict found earlier: nobody to tell again
                pass
            elif waiter is not None and waiter.on_conflict is not None:
                self._reported.add(change.id)
                waiter.on_conflict(change, current)
            elif change.id not in self._reported:
                self._reported.add(change.id)
                self.conflictFound.emit(change, current)
        elif outcome.stopped == SIGNED_OUT and outcome.error is not None:
            self.core.report(outcome.error)
        if outcome.stopped != "done":
            for change_id in list(self._waiters):  # the rest wait on disk
                waiter = self._waiters.pop(change_id)
                if waiter.on_queued is not None:
                    waiter.on_queued()
        self.refresh_status()
        if self._again:
            self._again = False
            self.replay()

    def drop_waiting(self, done: Callable[[Change | None], None] | None = None) -> None:
        """The poet gave up the first change the server refused (its text stays in Drafts)."""

        def drop() -> Change | None:
            assert self.outbox is not None
            change = next((c for c in self.outbox.changes() if c.waiting_for_poet), None)
            if change is not None:
                self.outbox.discard(change.id)
            return change

        def dropped(change: Change | None) -> None:
            if change is not None:
                self._reported.discard(change.id)
                self.dropped.emit(change)
            self.refresh_status()
            if done is not None:
                done(change)
            self.replay()

        self.on_disk(drop, dropped)

    def forget_reported(self, change_id: int) -> None:
        self._reported.discard(change_id)

    # -- the connection -----------------------------------------------------------------------
    def heard_from_thread(self, answered: bool) -> None:
        """Called by the API client on any thread after each call (answered or unreachable)."""
        try:
            self._heard.emit(answered, time.time())
        except RuntimeError:  # the app is closing
            pass

    def _on_heard(self, answered: bool, when: float) -> None:
        was = self.online
        self.online = answered
        if answered:
            self.last_heard = when
            self.backoff.reset()
            if self.outbox is not None and when - self._kept_heard >= KEEP_HEARD_S:
                box, self._kept_heard = self.outbox, when
                self.disk.run(lambda: box.heard(when), None, lambda exc: None)
            if was is False:
                if self.pending:
                    QTimer.singleShot(0, self.replay)
                self.backOnline.emit()
        elif not self._timer.isActive() and self.replayer is not None:
            self._timer.start(int(self.backoff.next() * 1000))
        self._show_status()
        if was != self.online:
            self.statusChanged.emit()

    def refresh_status(self) -> None:
        """Count what waits (off the GUI thread) and show it."""
        box = self.outbox
        if box is None:
            self._show_status()
            return

        def count() -> tuple[int, int, float | None]:
            changes = box.changes()
            return len(changes), sum(c.waiting_for_poet for c in changes), box.last_heard()

        def counted(result: tuple[int, int, float | None]) -> None:
            if box is not self.outbox:
                return
            self.pending, self.waiting, heard = result
            if heard is not None and (self.last_heard is None or heard > self.last_heard):
                self.last_heard = heard
            self._show_status()
            self.statusChanged.emit()

        self.disk.run(count, counted, lambda exc: None)

    def _show_status(self) -> None:
        if self.widget is not None:
            self.widget.set_state(self.online, self.pending, self.last_heard, self.waiting)


def _write_json(path: Path, data: Any) -> None:
    """Write a small file so that a killed process leaves the old one or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
