"""First run in Local mode: register (becomes admin), write and publish, see it listed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.api import ApiClient, ApiError
from desktop.app import AppController
from desktop.settings import LOCAL

POEM = "  The tide comes in,\n\n\tthe tide goes out —\n      ñandú, café, 🌊  \n"


def register_local(qtbot: QtBot, controller: AppController) -> None:
    cw = controller.connect_window
    qtbot.waitExposed(cw)
    assert cw.objectName() == "connectWindow"
    assert cw.modeLocal.isChecked()
    # The window is up first; the embedded server follows and then enables the buttons.
    qtbot.waitUntil(lambda: cw.registerButton.isEnabled(), timeout=20000)
    assert controller.server.running
    qtbot.keyClicks(cw.nameEdit, "Ana Poet")
    qtbot.keyClicks(cw.emailEdit, "ana@example.org")
    qtbot.keyClicks(cw.passwordEdit, "correct horse 1")
    qtbot.mouseClick(cw.registerButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.main_window.isVisible() and controller.user is not None)


def list_titles(controller: AppController) -> list[str]:
    model = controller.main_window.poemList.model()
    return [str(model.index(row, 0).data()) for row in range(model.rowCount())]


def test_first_run_register_write_publish_and_list(
    qtbot: QtBot,
    make_controller: Callable[..., AppController],
) -> None:
    controller = make_controller()
    # The first window is shown before the embedded server starts.
    assert controller.connect_window.isVisible()
    assert not controller.server.running
    register_local(qtbot, controller)
    assert controller.user["role"] == "admin"  # first account of an empty library
    mw = controller.main_window
    assert mw.objectName() == "mainWindow"
    assert not controller.connect_window.isVisible()
    for object_name in (
        "poemList",
        "searchBox",
        "sortBox",
        "newPoemButton",
        "poemReader",
        "rateButton",
        "notificationsButton",
    ):
        widget = mw.findChild(QWidget, object_name)
        assert widget is not None, object_name
        assert widget.accessibleName(), object_name

    qtbot.mouseClick(mw.newPoemButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.library.editor is not None)
    editor = controller.library.editor
    assert editor.objectName() == "poemEditor"
    qtbot.waitExposed(editor)
    assert not editor.publishButton.isEnabled()
    qtbot.keyClicks(editor.titleEdit, "Tides")
    editor.bodyEdit.setPlainText(POEM)  # keyClicks types ASCII only
    assert "3 lines" in editor.countsLabel.text()
    assert "2 stanzas" in editor.countsLabel.text()
    qtbot.mouseClick(editor.publishButton, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: any("Tides" in t for t in list_titles(controller)))
    qtbot.waitUntil(lambda: mw.poemReader.toPlainText() == POEM)
    assert mw.reader.titleLabel.text() == "Tides"
    assert not mw.rateButton.isVisible()  # one's own poem is not offered for rating
    assert controller.library.editor is None  # closed after publishing


def test_restart_signs_in_silently_and_sign_out_forgets(
    qtbot: QtBot,
    make_controller: Callable[..., AppController],
) -> None:
    first = make_controller("shared.ini")
    register_local(qtbot, first)
    first.shutdown()
    first.main_window.hide()
    assert first.settings.refresh_token(LOCAL)

    second = make_controller("shared.ini")
    qtbot.waitUntil(lambda: second.user is not None, timeout=20000)
    assert second.user["email"] == "ana@example.org"
    assert second.main_window.isVisible()
    assert not second.connect_window.isVisible()

    token = second.settings.refresh_token(LOCAL)
    second.main_window.signOutAction.trigger()
    qtbot.waitUntil(lambda: second.connect_window.isVisible())
    assert second.settings.refresh_token(LOCAL) is None
    qtbot.waitUntil(lambda: not second.runner.busy)
    with pytest.raises(ApiError) as revoked:  # signing out revoked the session on the server
        ApiClient(second.server.url).resume(token)
    assert revoked.value.status == 401


def test_keyboard_shortcuts(qtbot: QtBot, make_controller: Callable[..., AppController]) -> None:
    controller = make_controller()
    register_local(qtbot, controller)
    mw = controller.main_window
    mw.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is mw)
    qtbot.keyClick(mw, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert mw.searchBox.hasFocus()
    with qtbot.waitSignal(mw.refreshRequested):
        qtbot.keyClick(mw, Qt.Key.Key_F5)
    qtbot.keyClick(
        mw, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: controller.account.notifications_dialog is not None)
    controller.account.notifications_dialog.accept()
    qtbot.waitUntil(lambda: controller.account.notifications_dialog is None)
    mw.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is mw)
    qtbot.keyClick(mw, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: controller.library.editor is not None)
    assert controller.library.editor.isVisible()


def test_closing_the_editor_while_it_publishes_still_lists_the_poem(
    qtbot: QtBot,
    make_controller: Callable[..., AppController],
) -> None:
    controller = make_controller()
    register_local(qtbot, controller)
    mw = controller.main_window
    qtbot.mouseClick(mw.newPoemButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.library.editor is not None)
    editor = controller.library.editor
    editor.titleEdit.setText("Closed Early")
    editor.bodyEdit.setPlainText(POEM)
    qtbot.mouseClick(editor.publishButton, Qt.MouseButton.LeftButton)
    editor.reject()  # Esc while the poem is on its way
    qtbot.waitUntil(lambda: any("Closed Early" in t for t in list_titles(controller)))
    qtbot.waitUntil(lambda: mw.reader.titleLabel.text() == "Closed Early")
