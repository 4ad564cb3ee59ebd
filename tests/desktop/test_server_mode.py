"""Server mode: sign in, find a poem by search, rate it with the keyboard, the author hears."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.api import ApiClient
from desktop.app import AppController
from desktop.embedded import EmbeddedServer
from desktop.models.paged import IdRole
from desktop.settings import SERVER


def test_search_rate_with_keyboard_and_author_is_notified(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    smtp_inbox: Any,  # conftest.Inbox
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    author = api_user("Ana")
    wanted = author.create_poem("Lighthouse keeper", "the lamp\n\n  turns\n")
    for i in range(45):  # more than one page of the list
        author.create_poem(f"Filler {i}", f"line {i}")
    api_user("Ben")

    app = make_controller()
    sign_in(app, club_server.url, "ben@example.org")
    mw = app.main_window
    assert app.mode == SERVER
    model = mw.poemList.model()
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    assert model.total == 46

    mw.searchBox.setFocus()
    qtbot.keyClicks(mw.searchBox, "lighthouse")
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.total == 1)
    assert "Lighthouse keeper" in model.index(0, 0).data()

    mw.poemList.setCurrentIndex(model.index(0, 0))
    qtbot.waitUntil(lambda: mw.poemReader.toPlainText() == "the lamp\n\n  turns\n")
    assert mw.rateButton.isEnabled() and mw.rateButton.isVisible()

    mw.activateWindow()
    qtbot.keyClick(mw, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: app.library.rating_dialog is not None)
    dialog = app.library.rating_dialog
    assert dialog.objectName() == "ratingDialog"
    qtbot.waitExposed(dialog)
    stars = dialog.starRating
    assert stars.objectName() == "starRating"
    assert not dialog.submitButton.isEnabled()  # no stars yet
    qtbot.keyClick(stars, Qt.Key.Key_5)
    qtbot.keyClick(stars, Qt.Key.Key_Left)
    assert stars.property("value") == 4
    qtbot.keyClicks(dialog.commentEdit, "Lovely turn.")
    qtbot.mouseClick(dialog.submitButton, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: app.library.rating_dialog is None)
    qtbot.waitUntil(lambda: "4.0" in mw.reader.metaLabel.text())
    assert "Edit my rating" in mw.rateButton.text().replace("&", "")
    assert "Lighthouse keeper" in model.index(0, 0).data()

    # The author's notification arrived: through the API ...
    page = author.notifications(unread=True)
    assert page["total"] == 1
    data = page["items"][0]["data"]
    assert data["poem_id"] == wanted["id"] and data["score"] == 4 and data["rater_name"] == "Ben"

    # ... by email, through the club's SMTP server ...
    qtbot.waitUntil(lambda: len(smtp_inbox.messages) == 1, timeout=15000)
    mail = smtp_inbox.messages[0]
    assert mail["To"].addresses[0].addr_spec == "ana@example.org"
    assert "Lighthouse keeper" in mail["Subject"]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Ben" in text and "Lovely turn." in text and "4" in text

    # ... and in the author's own app: unread count, list, mark read.
    mine = make_controller()
    sign_in(mine, club_server.url, "ana@example.org")
    qtbot.waitUntil(lambda: "1" in mine.main_window.notificationsButton.text())
    qtbot.mouseClick(mine.main_window.notificationsButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: mine.account.notifications_dialog is not None)
    notes = mine.account.notifications
    qtbot.waitUntil(lambda: notes.rowCount() == 1)
    assert "Ben" in notes.index(0, 0).data() and "Lighthouse keeper" in notes.index(0, 0).data()
    dialog = mine.account.notifications_dialog
    dialog.list.setCurrentIndex(notes.index(0, 0))
    qtbot.mouseClick(dialog.markReadButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: mine.account.unread == 0)
    assert author.unread_count() == 0
    assert notes.index(0, 0).data(IdRole) == page["items"][0]["id"]


def test_list_loads_more_pages_when_scrolled(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    author = api_user("Ana")
    for i in range(95):
        author.create_poem(f"Poem {i:03}", "x")
    app = make_controller()
    sign_in(app, club_server.url, "ana@example.org")
    model = app.main_window.poemList.model()
    qtbot.waitUntil(lambda: model.rowCount() == 40 and not model.loading)
    assert model.canFetchMore()
    app.main_window.poemList.scrollToBottom()
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 80 and not model.loading)
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 95)
    assert not model.canFetchMore()


def test_restart_resumes_the_server_session_and_retries_when_down(
    qtbot: QtBot,
    tmp_path: Path,
    free_port: int,
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    server = EmbeddedServer(tmp_path / "club2", port=free_port)
    url = server.start()
    ApiClient(url).register("Ana", "ana@example.org", "correct horse 1")
    first = make_controller("remember.ini")
    sign_in(first, url, "ana@example.org")
    first.shutdown()
    first.main_window.hide()
    server.stop()

    # Restart while the server is down: the main window says so and offers Retry.
    second = make_controller("remember.ini")
    mw = second.main_window
    assert second.mode == SERVER and second.server_url == url
    qtbot.waitUntil(lambda: mw.banner.isVisible())
    assert mw.banner.retryButton.isVisible()
    assert not second.connect_window.isVisible()  # the password is not asked again

    server = EmbeddedServer(tmp_path / "club2", port=free_port)
    server.start()
    try:
        qtbot.mouseClick(mw.banner.retryButton, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: second.user is not None)
        assert second.user["name"] == "Ana"
        qtbot.waitUntil(lambda: not mw.banner.isVisible())
    finally:
        second.shutdown()
        server.stop()


def test_switch_account_without_restart(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    api_user("Ana").create_poem("Ana's poem", "a")
    api_user("Ben")
    app = make_controller()
    sign_in(app, club_server.url, "ben@example.org")
    qtbot.waitUntil(lambda: app.library.poems.rowCount() == 1)
    app.main_window.switchAction.trigger()
    qtbot.waitUntil(lambda: app.connect_window.isVisible())
    assert not app.main_window.isVisible()
    sign_in(app, club_server.url, "ana@example.org")
    assert app.user["name"] == "Ana"
    assert "Ana" in app.main_window.userLabel.text()
    qtbot.waitUntil(lambda: app.library.poems.rowCount() == 1)
