"""Drafts in the app: the editor saves as the poet types, a crash is recovered, the Drafts
place lists them, conflicts are put before the poet. Store work runs on the disk worker."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from desktop import errors
from desktop.api import ApiError
from desktop.autosave import Autosaver
from desktop.offline import conflicts
from desktop.offline.drafts import Draft, DraftStore, new_draft_id
from desktop.offline.queue import EDIT_POEM, PUBLISH, Change, Outbox
from desktop.sync import SyncController, Waiter
from desktop.ui import common
from desktop.ui.conflict_dialog import ConflictDialog
from desktop.ui.draft_history import DraftHistoryDialog

if TYPE_CHECKING:
    from desktop.app import AppController
    from desktop.ui.drafts_panel import DraftsPanel
    from desktop.ui.poem_editor import PoemEditor


class DraftsController(QObject):
    def __init__(self, core: AppController, sync: SyncController) -> None:
        super().__init__(core)
        self.core = core
        self.sync = sync
        self.window = core.main_window
        self.panel: DraftsPanel | None = None
        self.history_dialog: DraftHistoryDialog | None = None
        self.conflict_dialog: ConflictDialog | None = None
        self._history_draft: str | None = None
        sync.ready.connect(self._ready)
        sync.changesSent.connect(self._sent)
        sync.conflictFound.connect(self.show_conflict)
        sync.refused.connect(self._refused)
        sync.dropped.connect(lambda _change: self.refresh())

    def attach(self, panel: DraftsPanel) -> None:
        self.panel = panel
        panel.openRequested.connect(self.open_draft)
        panel.publishRequested.connect(self.publish_draft)
        panel.historyRequested.connect(self.show_history)
        panel.deleteRequested.connect(self.delete_draft)

    def store(
        self, job: Callable[[DraftStore], Any], done: Callable[[Any], None] | None = None
    ) -> None:
        """Run ``job(drafts)`` on the disk worker once the account's store is open."""

        def run() -> None:
            drafts = self.sync.drafts
            if drafts is not None:
                self.sync.disk.run(lambda: job(drafts), done, self.core.report)

        self.sync.when_ready(run)

    def _both(
        self, job: Callable[[DraftStore, Outbox], Any], done: Callable[[Any], None] | None = None
    ) -> None:
        def run() -> None:
            drafts, outbox = self.sync.drafts, self.sync.outbox
            if drafts is not None and outbox is not None:
                self.sync.disk.run(lambda: job(drafts, outbox), done, self.core.report)

        self.sync.when_ready(run)

    # -- the list -----------------------------------------------------------------------------
    def refresh(self) -> None:
        def read(drafts: DraftStore, outbox: Outbox) -> tuple[list[Draft], set[str]]:
            pending = {
                str(c.payload["draft_id"]) for c in outbox.changes() if c.payload.get("draft_id")
            }
            return drafts.drafts(), pending

        def show(result: tuple[list[Draft], set[str]]) -> None:
            if self.panel is not None:
                self.panel.set_drafts(*result)

        self._both(read, show)

    def _sent(self, sent: list[tuple[Change, Any]]) -> None:
        """Changes that reached the server (some long after they were made): show them."""
        self.refresh()
        for change, result in sent:
            if change.kind in (PUBLISH, EDIT_POEM):
                self.core.library.published(result, change.kind == PUBLISH)

    def _ready(self) -> None:
        self.refresh()
        self.store(lambda s: s.recoverable(), self._recover)

    def _recover(self, drafts: list[Draft]) -> None:
        """Drafts an editor had open when the app last died: offer the newest at once."""
        if not drafts or self.core.library.editor is not None:
            return
        newest, rest = drafts[0], drafts[1:]
        for draft in rest:
            self.store(lambda s, d=draft.id: s.set_editing(d, False))
        editor = self.core.library.open_draft(newest)
        if editor is not None:
            editor.banner.show_message(
                self.tr("Recovered from your last session: the text as it was at %1.").replace(
                    "%1", time.strftime("%H:%M", time.localtime(newest.updated_at))
                ),
                kind="info",
            )
        if rest:
            self.window.show_message(
                self.tr("%n more recovered draft(s) are in Drafts.", "", len(rest)), kind="info"
            )

    # -- editors ------------------------------------------------------------------------------
    def autosave(self, editor: PoemEditor, draft: Draft | None) -> Autosaver:
        """Keep the editor's text as a draft while the poet types."""
        if draft is not None:
            base = _base(draft) if draft.is_edit else None
            saver = Autosaver(self, editor, draft.id, base, (draft.title, draft.body))
        else:
            poem = editor.poem
            base = dict(poem) if poem else None
            last = (str(poem.get("title", "")), str(poem.get("body", ""))) if poem else None
            saver = Autosaver(self, editor, new_draft_id(), base, last)
        editor.finished.connect(lambda _result: saver.finish())
        return saver

    def changes_for(self, saver: Autosaver) -> tuple[str, dict[str, Any]]:
        """What publishing the editor's text sends: a new poem, or an edit against its base."""
        editor = saver.editor
        poem = saver.base
        if not poem or poem.get("id") is None:
            return PUBLISH, {"title": editor.title, "body": editor.body, "draft_id": saver.draft_id}
        return EDIT_POEM, {
            "poem_id": poem["id"],
            "version": poem.get("version"),
            "title": editor.title,
            "body": editor.body,
            "base_title": poem.get("title"),
            "base_body": poem.get("body"),
            "draft_id": saver.draft_id,
        }

    def open_draft(self, draft_id: str) -> None:
        def opened(draft: Draft | None) -> None:
            if draft is not None:
                self.core.library.open_draft(draft)

        self.store(lambda s: s.get(draft_id), opened)

    def edit_poem(self, poem: dict[str, Any]) -> None:
        """Edit a published poem: in its unfinished draft when there is one."""

        def found(draft: Draft | None) -> None:
            if draft is not None and draft.state == "draft":
                self.core.library.open_draft(draft)
            else:
                self.core.library.open_editor(poem)

        self.store(lambda s: s.for_poem(int(poem["id"])), found)

    def take_back(self, poem: dict[str, Any]) -> None:
        """A published poem back into a draft; the Drafts place shows it."""

        def taken(draft: Draft) -> None:
            self.window.show_place("drafts")
            self.refresh()
            self.window.show_message(
                self.tr("“%1” is in Drafts: work on it, then publish it again.").replace(
                    "%1", draft.title
                ),
                kind="info",
            )

        self.store(lambda s: s.take_back(poem), taken)

    # -- the Drafts place's actions -----------------------------------------------------------
    def publish_draft(self, draft_id: str) -> None:
        def send(draft: Draft | None) -> None:
            if draft is None:
                return
            if draft.is_edit:
                base = _base(draft)
                kind, payload = (
                    EDIT_POEM,
                    {
                        "poem_id": draft.poem_id,
                        "version": draft.base_version,
                        "title": draft.title,
                        "body": draft.body,
                        "base_title": base["title"],
                        "base_body": base["body"],
                        "draft_id": draft.id,
                    },
                )
            else:
                kind, payload = (
                    PUBLISH,
                    {"title": draft.title, "body": draft.body, "draft_id": draft.id},
                )
            self.submit(kind, payload, draft.title)

        self.store(lambda s: s.get(draft_id), send)

    def submit(
        self,
        kind: str,
        payload: dict[str, Any],
        title: str,
        done: Callable[[Any], None] | None = None,
    ) -> None:
        def sent(result: Any) -> None:
            self.refresh()
            self.core.library.published(result, kind == PUBLISH)
            if done is not None:
                done(result)

        def refused(exc: ApiError) -> None:
            self.refused_change(exc, title)

        self.sync.submit(
            kind,
            payload,
            Waiter(sent, refused, self.show_conflict, lambda: self.queued(title)),
        )
        self.refresh()

    def queued(self, title: str) -> None:
        self.refresh()
        self.window.show_message(
            self.tr(
                "The server cannot be reached: “%1” is kept on this device and will be sent "
                "when it answers."
            ).replace("%1", title),
            kind="info",
        )

    def refused_change(self, exc: ApiError, title: str) -> None:
        """The server refused a publish or an edit: the text stays in Drafts, with the reason."""
        self.sync.drop_waiting(lambda _change: self.refresh())
        detail = "; ".join(exc.errors.values()) or errors.describe(exc)
        self.window.show_message(
            self.tr("The server refused “%1”: %2. It is kept in Drafts.")
            .replace("%1", title)
            .replace("%2", detail)
        )

    def _refused(self, change: Change, reason: str) -> None:
        """A change sent in the background was refused: say why; it waits for the poet."""
        what = change.payload.get("title") or change.payload.get("poem_title") or ""
        self.window.show_message(
            self.tr(
                "The server refused a change%1: %2. “Retry now” sends it again; "
                "“Drop refused change” gives it up."
            )
            .replace("%1", f" (“{what}”)" if what else "")
            .replace("%2", reason.rstrip("."))
        )
        self.refresh()

    def delete_draft(self, draft_id: str) -> None:
        if not common.confirm(
            self.window,
            self.tr("Delete draft"),
            self.tr("Delete this draft and its history from this device?"),
        ):
            return
        self.store(lambda s: s.delete(draft_id), lambda _r: self.refresh())

    def show_history(self, draft_id: str) -> None:
        def shown(result: tuple[Draft | None, list[Any]]) -> None:
            draft, revisions = result
            if draft is None:
                return
            dialog = DraftHistoryDialog(draft.title, revisions, self.window)
            self.history_dialog = dialog
            self._history_draft = draft_id
            dialog.restoreRequested.connect(lambda rev_id: self.restore(draft_id, rev_id))
            dialog.finished.connect(lambda _r: self._closed("history_dialog", dialog))
            dialog.open()

        self.store(lambda s: (s.get(draft_id), s.history(draft_id)), shown)

    def restore(self, draft_id: str, revision_id: int) -> None:
        def restored(revisions: list[Any]) -> None:
            if self.history_dialog is not None and self._history_draft == draft_id:
                self.history_dialog.set_revisions(revisions)
            self.refresh()

        self.store(lambda s: (s.restore(draft_id, revision_id), s.history(draft_id))[1], restored)

    def _closed(self, attribute: str, dialog: QObject) -> None:
        if getattr(self, attribute) is dialog:
            setattr(self, attribute, None)
        dialog.deleteLater()

    # -- conflicts ----------------------------------------------------------------------------
    def show_conflict(self, change: Change, current: dict[str, Any]) -> None:
        """A poem edit met a newer version. One-sided changes merge by themselves and are sent;
        anything else is put before the poet, side by side."""
        merged = conflicts.merge_for(change, current)
        if merged.clean:
            self.resolve(change, current, conflicts.MERGE, merged.title, merged.resolve())
            self.window.show_message(
                self.tr(
                    "“%1” was also changed elsewhere; the changes touched different lines and "
                    "were merged. Both versions are in the draft's history."
                ).replace("%1", merged.title),
                kind="info",
            )
            return
        p = change.payload
        dialog = ConflictDialog(
            (str(p.get("title", "")), str(p.get("body", ""))),
            (str(current.get("title", "")), str(current.get("body", ""))),
            merged,
            current.get("version"),
            self.window,
        )
        self.conflict_dialog = dialog
        dialog.resolved.connect(lambda choice, t, b: self.resolve(change, current, choice, t, b))
        dialog.finished.connect(lambda _r: self._closed("conflict_dialog", dialog))
        dialog.open()

    def resolve(
        self, change: Change, current: dict[str, Any], choice: str, title: str, body: str
    ) -> None:
        def done(again: Change | None) -> None:
            self.sync.forget_reported(change.id)
            self.refresh()
            self.sync.refresh_status()
            if again is None:
                self.core.library.published(current, False)
            else:
                self.sync.replay()

        self._both(lambda d, o: conflicts.resolve(d, o, change, current, choice, title, body), done)


def _base(draft: Draft) -> dict[str, Any]:
    return {
        "id": draft.poem_id,
        "version": draft.base_version,
        "title": draft.base_title or "",
        "body": draft.base_body or "",
    }
