"""My poems, Not rated by me, My ratings; editing with versions; the profile dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.api import ApiClient
from desktop.app import AppController
from desktop.embedded import EmbeddedServer
from desktop.models.paged import PagedModel


def choose_place(app: AppController, key: str) -> None:
    places = app.main_window.placesList
    for row in range(places.count()):
        if places.item(row).data(Qt.ItemDataRole.UserRole) == key:
            places.setCurrentRow(row)
            return
    raise AssertionError(key)


def titles(model: PagedModel) -> list[str]:
    return [model.index(r, 0).data().split("\n")[0] for r in range(model.rowCount())]


def test_places_filter_the_list(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    ana = api_user("Ana")
    ben = api_user("Ben")
    first = ana.create_poem("Ana one", "a")
    ana.create_poem("Ana two", "b")
    ben.create_poem("Ben one", "c")
    ben.rate(first["id"], 5, "yes")

    app = make_controller()
    sign_in(app, club_server.url, "ben@example.org")
    model = app.library.poems
    qtbot.waitUntil(lambda: model.rowCount() == 3)

    choose_place(app, "mine")
    qtbot.waitUntil(lambda: titles(model) == ["Ben one"])
    choose_place(app, "unrated")
    qtbot.waitUntil(lambda: titles(model) == ["Ana two"])
    choose_place(app, "ratings")
    ratings = app.library.my_ratings
    qtbot.waitUntil(lambda: ratings.rowCount() == 1)
    assert "Ana one" in ratings.index(0, 0).data()
    assert app.main_window.stack.currentWidget() is app.main_window.myRatingsList
    app.main_window.myRatingsList.clicked.emit(ratings.index(0, 0))
    qtbot.waitUntil(lambda: app.main_window.reader.titleLabel.text() == "Ana one")
    assert "Edit my rating" in app.main_window.rateButton.text().replace("&", "")


def test_edit_meets_a_change_made_elsewhere_and_keeps_mine(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    ana = api_user("Ana")
    poem = ana.create_poem("Draft", "first words")
    app = make_controller()
    sign_in(app, club_server.url, "ana@example.org")
    mw = app.main_window
    app.library.open_poem(poem["id"])
    qtbot.waitUntil(lambda: mw.poemReader.toPlainText() == "first words")
    qtbot.mouseClick(mw.reader.editButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.library.editor is not None)
    editor = app.library.editor
    assert editor.publishButton.text().replace("&", "") == "Update"

    ana.update_poem(poem["id"], version=poem["version"], body="changed elsewhere")
    editor.bodyEdit.setPlainText("my words")
    qtbot.mouseClick(editor.publishButton, Qt.MouseButton.LeftButton)
    # The same line changed on both sides: the poet sees both texts side by side.
    qtbot.waitUntil(lambda: app.drafting.conflict_dialog is not None)
    dialog = app.drafting.conflict_dialog
    assert dialog.mineView.toPlainText().endswith("my words")  # nothing lost
    assert dialog.theirsView.toPlainText().endswith("changed elsewhere")
    qtbot.mouseClick(dialog.keepMineButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: mw.poemReader.toPlainText() == "my words")
    assert ana.poem(poem["id"])["version"] == 3


def test_delete_own_poem_after_confirmation(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    ana = api_user("Ana")
    poem = ana.create_poem("Gone soon", "bye")
    app = make_controller()
    sign_in(app, club_server.url, "ana@example.org")
    qtbot.waitUntil(lambda: app.library.poems.rowCount() == 1)
    app.library.open_poem(poem["id"])
    qtbot.waitUntil(lambda: app.main_window.reader.poem is not None)
    app.main_window.reader.editButton.click()
    qtbot.waitUntil(lambda: app.library.editor is not None)
    qtbot.mouseClick(app.library.editor.deleteButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.library.poems.rowCount() == 0)
    assert app.main_window.reader.poem is None
    assert ana.poems()["total"] == 0


def test_change_and_delete_my_rating(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    ana = api_user("Ana")
    ben = api_user("Ben")
    poem = ana.create_poem("Rated", "r")
    ben.rate(poem["id"], 2, "meh")
    app = make_controller()
    sign_in(app, club_server.url, "ben@example.org")
    mw = app.main_window
    app.library.open_poem(poem["id"])
    qtbot.waitUntil(lambda: mw.reader.poem is not None)
    mw.rateButton.click()
    qtbot.waitUntil(lambda: app.library.rating_dialog is not None)
    dialog = app.library.rating_dialog
    assert dialog.starRating.value == 2 and dialog.commentEdit.toPlainText() == "meh"
    qtbot.keyClick(dialog.starRating, Qt.Key.Key_4)
    dialog.submitButton.click()
    qtbot.waitUntil(lambda: app.library.rating_dialog is None)
    qtbot.waitUntil(lambda: "4.0" in mw.reader.metaLabel.text())
    mw.rateButton.click()
    qtbot.waitUntil(lambda: app.library.rating_dialog is not None)
    app.library.rating_dialog.deleteButton.click()  # confirm answers Yes
    qtbot.waitUntil(lambda: "not rated yet" in mw.reader.metaLabel.text())
    assert ana.poem(poem["id"])["rating_count"] == 0


def open_profile(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> tuple[AppController, Any]:
    """Ana, signed in to the club server, with her profile dialog open."""
    api_user("Ana")
    app = make_controller()
    sign_in(app, club_server.url, "ana@example.org")
    app.main_window.profileAction.trigger()
    qtbot.waitUntil(lambda: app.account.profile_dialog is not None)
    return app, app.account.profile_dialog


def test_profile_changes_and_password_needs_current(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    app, dialog = open_profile(qtbot, club_server, api_user, make_controller, sign_in)
    dialog.nameEdit.setText("Ana María")
    dialog.bioEdit.setPlainText("Sea poems.")
    dialog.notifyBox.setChecked(False)
    dialog.newPassword.setText("another horse 2")
    dialog.currentPassword.setText("wrong one")
    qtbot.mouseClick(dialog.saveButton, Qt.MouseButton.LeftButton)
    error = dialog.errors.label("current_password")
    qtbot.waitUntil(lambda: error.isVisible())
    dialog.currentPassword.setText("correct horse 1")
    qtbot.mouseClick(dialog.saveButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.account.profile_dialog is None)
    qtbot.waitUntil(lambda: app.user["name"] == "Ana María")
    assert app.user["notify_by_email"] is False
    assert "Ana María" in app.main_window.userLabel.text()
    ApiClient(club_server.url).login("ana@example.org", "another horse 2")
    # The old password's tokens are dead; the app signed itself in again with the new one,
    # and remembers that session for the next start.
    assert app.client.me()["name"] == "Ana María"
    remembered = app.settings.refresh_token(app.mode, app.server_url)
    assert remembered == app.client.refresh_token
    assert ApiClient(club_server.url).resume(remembered)["name"] == "Ana María"


def test_closing_the_profile_while_it_saves_still_applies_the_change(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    app, dialog = open_profile(qtbot, club_server, api_user, make_controller, sign_in)
    dialog.nameEdit.setText("Ana Closed")
    qtbot.mouseClick(dialog.saveButton, Qt.MouseButton.LeftButton)
    dialog.reject()  # Esc while the request is on its way
    qtbot.waitUntil(lambda: app.user["name"] == "Ana Closed")
    assert "Ana Closed" in app.main_window.userLabel.text()
