"""Poems: browse, read, write, rate. The part of the controller behind the main window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from shiboken6 import isValid

from desktop import errors
from desktop.api import ApiError
from desktop.models.lists import MyRatingsModel, PoemsModel, RatingsModel
from desktop.models.paged import PagedModel
from desktop.ui.poem_editor import PoemEditor
from desktop.ui.rating_dialog import RatingDialog

if TYPE_CHECKING:
    from desktop.app import AppController

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
        self.rating_dialog: RatingDialog | None = None
        self._open_id: int | None = None

        mw.browser.queryChanged.connect(self.refresh_list)
        mw.browser.poemActivated.connect(self.open_poem)
        mw.placeChanged.connect(lambda _place: self.refresh_list())
        mw.refreshRequested.connect(self.refresh_all)
        mw.newPoemRequested.connect(self.new_poem)
        mw.rateRequested.connect(self.rate_current)
        mw.reader.editRequested.connect(self.edit_current)
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
        if self.core.user is None:
            return
        if self.window.place == "ratings":
            self.my_ratings.set_fetch(lambda page, per: self.client.my_ratings(page, per))
            return
        filters = self.query()
        self.poems.set_fetch(lambda page, per: self.client.poems(page, per, **filters))

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

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ApiError) and exc.status == 404:
                self.poems.remove_item(poem_id)
                self.window.reader.clear(errors.describe(exc))
            else:
                self.core.report(exc, retry=lambda: self.open_poem(poem_id))

        self.runner.run(lambda: self.client.poem(poem_id), shown, failed)

    # -- writing ------------------------------------------------------------------------------
    def new_poem(self) -> None:
        if self.core.user is None or not self.window.newPoemAction.isEnabled():
            return
        self._open_editor(None)

    def edit_current(self) -> None:
        poem = self.window.reader.poem
        if poem is not None:
            self._open_editor(dict(poem))

    def _open_editor(self, poem: dict[str, Any] | None) -> None:
        editor = PoemEditor(poem, self.window)
        self.editor = editor
        editor.publishRequested.connect(lambda t, b: self._save(editor, t, b, overwrite=False))
        editor.overwriteRequested.connect(lambda t, b: self._save(editor, t, b, overwrite=True))
        editor.deleteRequested.connect(lambda: self._delete(editor))
        editor.banner.retryClicked.connect(lambda: self._save(editor, editor.title, editor.body))
        editor.finished.connect(lambda _result: self._closed("editor", editor))
        editor.open()

    def _save(self, editor: PoemEditor, title: str, body: str, overwrite: bool = False) -> None:
        editor.set_busy(True)
        poem = editor.poem
        if poem is None:
            call = lambda: self.client.create_poem(title, body)  # noqa: E731
        else:
            version = poem.get("version")
            call = lambda: self.client.update_poem(  # noqa: E731
                int(poem["id"]), version=version, title=title, body=body
            )

        def saved(result: dict[str, Any]) -> None:
            if isValid(editor):  # the person may have closed it while it saved
                editor.set_busy(False)
                editor.accept()
            if poem is None:
                self.window.placesList.setCurrentRow(0)
                self.refresh_list()
            else:
                self.poems.update_item({k: result[k] for k in SUMMARY_KEYS if k in result})
            self.open_poem(int(result["id"]))

        def failed(exc: BaseException) -> None:
            if not isValid(editor):
                self.window.banner.show_message(errors.describe(exc))
                return
            editor.set_busy(False)
            if isinstance(exc, ApiError) and exc.status == 412:
                editor.show_conflict(exc.body.get("current"))
            elif isinstance(exc, ApiError) and exc.errors:
                editor.show_errors(exc.errors, exc.message)
            else:
                editor.banner.show_message(errors.describe(exc), retry=errors.is_unreachable(exc))

        self.runner.run(call, saved, failed)

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
        client = self.client

        def call() -> dict[str, Any]:
            if mine:
                return client.update_rating(int(mine["id"]), score=score, comment=comment)
            try:
                return client.rate(poem_id, score, comment)
            except ApiError as exc:  # rated elsewhere meanwhile: update that one
                if exc.status == 409 and exc.body.get("rating_id"):
                    rating_id = int(exc.body["rating_id"])
                    return client.update_rating(rating_id, score=score, comment=comment)
                raise

        self._rating_call(dialog, call, poem_id)

    def _delete_rating(self, dialog: RatingDialog) -> None:
        mine = dialog.mine or {}
        rating_id = int(mine.get("id", 0))
        self._rating_call(
            dialog, lambda: self.client.delete_rating(rating_id), int(dialog.poem["id"])
        )

    def _rating_call(self, dialog: RatingDialog, call: Any, poem_id: int) -> None:
        dialog.set_busy(True)

        def done(_result: Any) -> None:
            if isValid(dialog):  # closed while the rating was on its way
                dialog.set_busy(False)
                dialog.accept()
            self.open_poem(poem_id)
            if self.window.place in ("ratings", "unrated"):
                self.refresh_list()

        def failed(exc: BaseException) -> None:
            if not isValid(dialog):
                self.window.banner.show_message(errors.describe(exc))
                return
            dialog.set_busy(False)
            if isinstance(exc, ApiError) and exc.errors:
                dialog.show_errors(exc.errors, exc.message)
            else:
                dialog.banner.show_message(errors.describe(exc))

        self.runner.run(call, done, failed)
