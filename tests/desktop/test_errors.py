"""Error paths: wrong password, a server that does not answer (message + Retry), field errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.api import ApiClient
from desktop.app import AppController
from desktop.embedded import EmbeddedServer


def fill(controller: AppController, url: str, email: str, password: str, name: str = "") -> None:
    cw = controller.connect_window
    cw.modeServer.setChecked(True)
    cw.serverUrl.setText(url)
    cw.nameEdit.setText(name)
    cw.emailEdit.setText(email)
    cw.passwordEdit.setText(password)


def test_wrong_password_shows_an_error_by_the_password(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
) -> None:
    api_user("Ana")
    app = make_controller()
    fill(app, club_server.url, "ana@example.org", "not my password")
    qtbot.mouseClick(app.connect_window.signInButton, Qt.MouseButton.LeftButton)
    error = app.connect_window.errors.label("password")
    qtbot.waitUntil(lambda: error.isVisible())
    assert "wrong" in error.text().lower()
    assert error.objectName() == "passwordError"
    assert app.connect_window.isVisible() and not app.main_window.isVisible()
    assert app.connect_window.signInButton.isEnabled()  # not stuck busy


def test_server_down_shows_message_and_retry_then_recovers(
    qtbot: QtBot,
    tmp_path: Path,
    free_port: int,
    make_controller: Callable[..., AppController],
) -> None:
    url = f"http://127.0.0.1:{free_port}"
    app = make_controller()
    fill(app, url, "ana@example.org", "correct horse 1")
    qtbot.mouseClick(app.connect_window.signInButton, Qt.MouseButton.LeftButton)
    banner = app.connect_window.banner
    qtbot.waitUntil(lambda: banner.isVisible())
    assert "Cannot reach" in banner.text
    retry = banner.retryButton
    assert retry.objectName() == "retryButton" and retry.isVisible()

    # The server comes up on that port; Retry signs in without retyping.
    server = EmbeddedServer(tmp_path / "late", port=free_port)
    server.start()
    try:
        ApiClient(url).register("Ana", "ana@example.org", "correct horse 1")
        qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: app.user is not None and app.main_window.isVisible())
    finally:
        app.shutdown()
        server.stop()


def test_server_lost_while_browsing_shows_retry_in_main_window(
    qtbot: QtBot,
    tmp_path: Path,
    free_port: int,
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    server = EmbeddedServer(tmp_path / "flaky", port=free_port)
    url = server.start()
    ApiClient(url).register("Ana", "ana@example.org", "correct horse 1")
    app = make_controller()
    sign_in(app, url, "ana@example.org")
    server.stop()
    mw = app.main_window
    mw.refreshAction.trigger()
    qtbot.waitUntil(lambda: mw.banner.isVisible())
    assert "Cannot reach" in mw.banner.text
    server = EmbeddedServer(tmp_path / "flaky", port=free_port)
    server.start()
    try:
        assert mw.banner.retryButton.isVisible()
        qtbot.mouseClick(mw.banner.retryButton, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not mw.banner.isVisible())
        qtbot.waitUntil(lambda: not mw.poemList.model().loading)
        assert not mw.banner.isVisible()
    finally:
        app.shutdown()
        server.stop()


def test_field_errors_show_beside_their_fields(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    app = make_controller()
    fill(app, club_server.url, "not-an-email", "short", name="Ana")
    qtbot.mouseClick(app.connect_window.registerButton, Qt.MouseButton.LeftButton)
    errors = app.connect_window.errors
    qtbot.waitUntil(lambda: errors.label("password").isVisible())
    assert errors.label("email").isVisible()
    assert not errors.label("name").isVisible()

    api_user("Ana")
    sign_in(app, club_server.url, "ana@example.org")
    app.main_window.newPoemAction.trigger()
    qtbot.waitUntil(lambda: app.library.editor is not None)
    editor = app.library.editor
    editor.titleEdit.setText("Too long")
    editor.bodyEdit.setPlainText("x" * 20001)
    qtbot.mouseClick(editor.publishButton, Qt.MouseButton.LeftButton)
    body_error = editor.errors.label("body")
    qtbot.waitUntil(lambda: body_error.isVisible())
    assert body_error.text()
    assert not editor.errors.label("title").isVisible()
    assert editor.isVisible()  # the text is not lost


def test_local_library_that_cannot_open_shows_message_and_retry(
    qtbot: QtBot, tmp_path: Path, make_controller: Callable[..., AppController]
) -> None:
    blocker = tmp_path / "local"  # the library folder's place is taken by a file
    blocker.write_text("not a folder")
    app = make_controller()
    banner = app.connect_window.banner
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=20000)
    assert "local library could not be opened" in banner.text
    assert banner.retryButton.isVisible()
    assert not app.connect_window.registerButton.isEnabled()

    blocker.unlink()
    qtbot.mouseClick(banner.retryButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.connect_window.registerButton.isEnabled(), timeout=20000)
    assert app.server.running
