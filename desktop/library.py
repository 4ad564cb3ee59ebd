"""Poems: browse, read, write, rate. The part of the controller behind the main window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from shiboken6 import isValid

from desktop import errors
from desktop.api import ApiError
from desktop.models.lists import MyRatingsModel, PoemsModel, RatingsModel
from desktop.models.paged import PagedModel
from desktop.offline.drafts import Draft
from desktop.offline.queue import DELETE_RATING, EDIT_RATING, PUBLISH, RATE, Change
from desktop.sync import Waiter
from desktop.ui.connection_status import clock_time
from desktop.ui.poem_editor import PoemEditor
from desktop.ui.rating_dialog import RatingDialog

if TYPE_CHECKING:
    from desktop.app import AppController
    from desktop.autosave import Autosaver

SUMMARY_KEYS = ("id", "title", "author", "created_at", "updated_at", "rating_count", "rating_avg")


class LibraryController(QObject):
    def __init__(self, core: AppController) -> None:
        super().__init__(core)
        self.core = core
        self.client = core.client
        self.runner = core.runner
        mw = core.main_window
        self.window = mw
        self.poems = PoemsModel(self.runner, per_page=40, parent=self)
        self.ratings = RatingsModel(self.runner, per_page=20, parent=self)
        self.my_ratings = MyRatingsModel(self.runner, per_page=40, parent=self)
        mw.browser.set_model(self.poems)
        mw.reader.ratingsList.setModel(self.ratings)
        mw.myRatingsList.setModel(self.my_ratings)
        self.editor: PoemEditor | None = None
        self.saver: Autosaver | None = None
        self.rating_dialog: RatingDialog | None = None
        self._open_id: int | None = None

        mw.browser.queryChanged.connect(self.refresh_list)
        mw.browser.poemActivated.connect(self.open_poem)
        mw.placeChanged.connect(lambda _place: self.refresh_list())
        mw.refreshRequested.connect(self.refresh_requested)
        core.sync.backOnline.connect(self.refresh_all)
        core.sync.ready.connect(self._store_ready)
        core.sync.statusChanged.connect(self._show_pending)
        mw.newPoemRequested.connect(self.new_poem)
        mw.rateRequested.connect(self.rate_current)
        mw.reader.editRequested.connect(self.edit_current)
        mw.reader.takeBackRequested.connect(self.take_back_current)
        core.sync.reads.listStale.connect(self._list_stale)
        mw.myRatingActivated.connect(self.open_poem)
        core.signedIn.connect(lambda _user: self.refresh_all())
        core.signedOut.connect(self.clear)
        for model in (self.poems, self.ratings, self.my_ratings):
            self._watch(model)
        self.poems.loadingChanged.connect(self._list_status)
        self.poems.totalChanged.connect(lambda _total: self._list_status())

    def _watch(self, model: PagedModel) -> None:
        model.failed.connect(lambda exc: self.core.report(exc, retry=model.reload))

    def _list_status(self) -> None:
        if self.poems.loading:
            text = self.tr("Loading poems…")
        elif self.poems.total:
            text = self.tr("%n poem(s)", "", self.poems.total)
        else:
            text = self.tr("No poems match. Write the first one with Ctrl+N.")
        self.window.browser.set_status(text)

    # -- lists --------------------------------------------------------------------------------
    def query(self) -> dict[str, Any]:
        filters = self.window.browser.filters()
        place = self.window.place
        user = self.core.user or {}
        if place == "mine":
            filters["author_id"] = user.get("id")
        elif place == "unrated":
            filters["unrated_by_me"] = True
        return filters

    def refresh_list(self) -> None:
        """Load the place's list. My poems and My ratings are kept on the device as they
        come, and shown from there (marked) while the server cannot be reached."""
        if self.core.user is None:
            return
        place = self.window.place
        sync = self.core.sync
        if place == "drafts":
            self.core.drafting.refresh()
            return
        if place == "ratings":
            fetch = sync.reads.cached_fetch(
                "ratings", lambda p, per: self.client.my_ratings(p, per)
            )
            self.my_ratings.set_fetch(fetch)
            return
        filters = self.query()
        fetch = lambda page, per: self.client.poems(page, per, **filters)  # noqa: E731
        if place == "mine":
            key = "mine|" + "|".join(f"{k}={v}" for k, v in sorted(filters.items()))
            fetch = sync.reads.cached_fetch(key, fetch)
        self.poems.set_fetch(fetch)

    def _store_ready(self) -> None:
        """The device's copies can be read now: a list that could not load may show them."""
        if self.window.place in ("mine", "ratings") and self.core.sync.online is False:
            self.refresh_list()

    def _list_stale(self, name: str, fetched_at: float | None) -> None:
        if fetched_at is None:
            return
        self.window.show_message(
            self.tr(
                "Offline: showing the copy saved on this device at %1; it may be out of date."
            ).replace("%1", clock_time(fetched_at)),
            kind="info",
        )

    def refresh_requested(self) -> None:
        """F5: everything again, and what waits for the server is sent at once."""
        self.core.sync.retry_now()
        self.refresh_all()

    def refresh_all(self) -> None:
        self.refresh_list()
        if self._open_id is not None:
            self.open_poem(self._open_id)
        self.core.account.refresh_unread()

    def clear(self) -> None:
        for model in (self.poems, self.ratings, self.my_ratings):
            model.clear()
        self._open_id = None
        self.window.reader.clear()

    # -- reading ------------------------------------------------------------------------------
    def open_poem(self, poem_id: int) -> None:
        self._open_id = poem_id

        def shown(poem: dict[str, Any]) -> None:
            if poem.get("id") != self._open_id:
                return  # the reader moved on
            user = self.core.user or {}
            self.window.reader.show_poem(
                poem, my_id=user.get("id"), is_admin=user.get("role") == "admin"
            )
            self.poems.update_item({k: poem[k] for k in SUMMARY_KEYS if k in poem})
            self.ratings.set_fetch(lambda page, per: self.client.poem_ratings(poem_id, page, per))
            self.core.sync.reads.remember_poem(poem)
            self._show_pending()

        def cached(poem: dict[str, Any], fetched_at: float) -> None:
            if poem_id != self._open_id:
                return
            user = self.core.user or {}
            self.window.reader.show_poem(
                poem,
                my_id=user.get("id"),
                is_admin=user.get("role") == "admin",
                stale_since=clock_time(fetched_at),
            )
            self._show_pending()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ApiError) and exc.status == 404:
                self.poems.remove_item(poem_id)
                self.window.reader.clear(errors.describe(exc))
            elif errors.is_unreachable(exc):  # offline: the copy saved when it was last read
                self.core.sync.reads.cached_poem(
                    poem_id,
                    cached,
                    lambda: self.core.report(exc, retry=lambda: self.open_poem(poem_id)),
                )
            else:
                self.core.report(exc, retry=lambda: self.open_poem(poem_id))

        self.runner.run(lambda: self.client.poem(poem_id), shown, failed)

    def _show_pending(self) -> None:
        """Mark the open poem when changes to it wait on this device."""
        poem_id, outbox = self._open_id, self.core.sync.outbox
        if poem_id is None or outbox is None:
            return

        def shown(count: int) -> None:
            if poem_id == self._open_id:
                self.window.reader.set_pending(count)

        job = lambda: len(outbox.pending_for_poem(poem_id))  # noqa: E731
        self.core.sync.disk.run(job, shown, lambda exc: None)

    # -- writing ------------------------------------------------------------------------------
    def new_poem(self) -> None:
        if self.core.user is None or not self.window.newPoemAction.isEnabled():
            return
        self.open_editor(None)

    def edit_current(self) -> None:
        poem = self.window.reader.poem
        if poem is not None:
            self.core.drafting.edit_poem(dict(poem))

    def take_back_current(self) -> None:
        poem = self.window.reader.poem
        if poem is not None:
            self.core.drafting.take_back(dict(poem))

    def open_draft(self, draft: Draft) -> PoemEditor | None:
        """Open a draft in the editor (an edit of a published poem updates that poem)."""
        if self.core.user is None:
            return None
        base = None
        if draft.is_edit:
            base = {
                "id": draft.poem_id,
                "version": draft.base_version,
                "title": draft.base_title or "",
                "body": draft.base_body or "",
            }
        return self.open_editor(base, draft)

    def open_editor(self, poem: dict[str, Any] | None, draft: Draft | None = None) -> PoemEditor:
        if self.editor is not None:
            self.editor.reject()  # it keeps its text as a draft on the way out
        editor = PoemEditor(poem, self.window)
        if draft is not None:
            editor.titleEdit.setText(draft.title)
            editor.bodyEdit.setPlainText(draft.body)
        saver = self.core.drafting.autosave(editor, draft)
        self.editor, self.saver = editor, saver
        editor.publishRequested.connect(lambda _t, _b: self._save(editor, saver))
        editor.deleteRequested.connect(lambda: self._delete(editor))
        editor.banner.retryClicked.connect(lambda: self._save(editor, saver))
        editor.finished.connect(lambda _result: self._closed("editor", editor))
        editor.open()
        return editor

    def keep_open_editor(self) -> None:
        """On quit with the editor open: its text goes to disk, offered again at next start."""
        if self.editor is not None and self.saver is not None:
            self.saver.save(editing=True)

    def _save(self, editor: PoemEditor, saver: Autosaver) -> None:
        saver.save()  # the draft holds this text before anything is sent
        kind, payload = self.core.drafting.changes_for(saver)
        editor.set_busy(True)
        title = editor.title

        def sent(result: dict[str, Any]) -> None:
            if isValid(editor):  # the person may have closed it while it saved
                editor.set_busy(False)
                editor.accept()
            if kind == PUBLISH:
                self.window.placesList.setCurrentRow(0)
                self.refresh_list()
            else:
                self.poems.update_item({k: result[k] for k in SUMMARY_KEYS if k in result})
            self.open_poem(int(result["id"]))
            self.core.drafting.refresh()

        def refused(exc: ApiError) -> None:
            if not isValid(editor):  # closed meanwhile: the reason goes to the main window
                self.core.drafting.refused_change(exc, title)
                return
            editor.set_busy(False)
            self.core.sync.drop_waiting()  # the text is in the editor and in Drafts
            if exc.errors:
                editor.show_errors(exc.errors, exc.message)
            else:
                editor.banner.show_message(errors.describe(exc))

        def conflict(change: Change, current: dict[str, Any]) -> None:
            if isValid(editor):
                editor.set_busy(False)
                editor.accept()
            self.core.drafting.show_conflict(change, current)

        def queued() -> None:
            if isValid(editor):
                editor.set_busy(False)
                editor.accept()
            self.core.drafting.queued(title)

        self.core.sync.submit(kind, payload, Waiter(sent, refused, conflict, queued))

    def published(self, result: Any, is_new: bool) -> None:
        """A change sent later (from Drafts, a replay, a conflict) reached the server."""
        if not isinstance(result, dict) or "id" not in result:
            return
        if is_new:
            self.refresh_list()
        else:
            self.poems.update_item({k: result[k] for k in SUMMARY_KEYS if k in result})
        if self._open_id == result["id"]:
            self.open_poem(int(result["id"]))

    def _delete(self, editor: PoemEditor) -> None:
        poem = editor.poem
        if poem is None:
            return
        poem_id = int(poem["id"])
        editor.set_busy(True)

        def deleted(_result: Any) -> None:
            if isValid(editor):
                editor.accept()
            self.poems.remove_item(poem_id)
            if self._open_id == poem_id:
                self._open_id = None
                self.window.reader.clear()

        def failed(exc: BaseException) -> None:
            if not isValid(editor):
                self.window.banner.show_message(errors.describe(exc))
                return
            editor.set_busy(False)
            editor.banner.show_message(errors.describe(exc), retry=False)

        self.runner.run(lambda: self.client.delete_poem(poem_id), deleted, failed)

    def _closed(self, attribute: str, dialog: QObject) -> None:
        if getattr(self, attribute) is dialog:
            setattr(self, attribute, None)
            if attribute == "editor":
                self.saver = None
        dialog.deleteLater()

    # -- rating -------------------------------------------------------------------------------
    def rate_current(self) -> None:
        poem = self.window.reader.poem
        if poem is None or self.core.user is None:
            return
        dialog = RatingDialog(poem, poem.get("my_rating"), self.window)
        self.rating_dialog = dialog
        dialog.submitRequested.connect(lambda s, c: self._submit_rating(dialog, s, c))
        dialog.deleteRequested.connect(lambda: self._delete_rating(dialog))
        dialog.finished.connect(lambda _result: self._closed("rating_dialog", dialog))
        dialog.open()

    def _submit_rating(self, dialog: RatingDialog, score: int, comment: str) -> None:
        poem_id = int(dialog.poem["id"])
        mine = dialog.mine
        change = {"poem_id": poem_id, "score": score, "comment": comment}
        if mine:  # a rating given elsewhere meanwhile is updated by the replay (409)
            self._rating_call(dialog, EDIT_RATING, {**change, "rating_id": int(mine["id"])})
        else:
            self._rating_call(dialog, RATE, {**change, "poem_title": dialog.poem.get("title")})

    def _delete_rating(self, dialog: RatingDialog) -> None:
        mine = dialog.mine or {}
        payload = {"rating_id": int(mine.get("id", 0)), "poem_id": int(dialog.poem["id"])}
        self._rating_call(dialog, DELETE_RATING, payload)

    def _rating_call(self, dialog: RatingDialog, kind: str, payload: dict[str, Any]) -> None:
        dialog.set_busy(True)
        poem_id = int(payload["poem_id"])

        def done(_result: Any) -> None:
            if isValid(dialog):  # closed while the rating was on its way
                dialog.set_busy(False)
                dialog.accept()
            self.open_poem(poem_id)
            if self.window.place in ("ratings", "unrated"):
                self.refresh_list()

        def refused(exc: ApiError) -> None:
            self.core.sync.drop_waiting()  # the dialog still shows what was chosen
            if not isValid(dialog):
                self.window.banner.show_message(errors.describe(exc))
                return
            dialog.set_busy(False)
            if exc.errors:
                dialog.show_errors(exc.errors, exc.message)
            else:
                dialog.banner.show_message(errors.describe(exc))

        def queued() -> None:
            if isValid(dialog):
                dialog.set_busy(False)
                dialog.accept()
            self.window.show_message(
                self.tr("The server cannot be reached: your rating is kept and will be sent.")
                if self.core.sync.online is not True
                else self.tr("Your rating waits behind a change the server refused."),
                kind="info",
            )

        self.core.sync.submit(kind, payload, Waiter(done, refused, None, queued))
