"""The admin's user list: search, role, enable/disable, delete."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.api import ApiClient, ApiError
from desktop.app import AppController
from desktop.embedded import EmbeddedServer


def test_admin_manages_users(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    api_user("Ana")  # first account of the club library: admin (Local mode config)
    ben = api_user("Ben")
    api_user("Cleo")
    app = make_controller()
    sign_in(app, club_server.url, "ana@example.org")
    mw = app.main_window
    assert app.user["role"] == "admin"
    assert mw.usersAction.isVisible()
    mw.usersAction.trigger()
    qtbot.waitUntil(lambda: app.account.users_dialog is not None)
    dialog = app.account.users_dialog
    users = app.account.users
    qtbot.waitUntil(lambda: users.rowCount() == 3)
    assert [users.index(r, 0).data() for r in range(3)] == ["Ana", "Ben", "Cleo"]
    assert users.headerData(1, Qt.Orientation.Horizontal) == "Email"

    qtbot.keyClicks(dialog.searchEdit, "ben")
    qtbot.waitUntil(lambda: users.rowCount() == 1 and users.index(0, 0).data() == "Ben")
    dialog.userTable.setCurrentIndex(users.index(0, 0))
    assert dialog.roleBox.isEnabled()

    dialog.roleBox.setCurrentIndex(dialog.roleBox.findData("reader"))
    dialog.roleBox.activated.emit(dialog.roleBox.currentIndex())
    qtbot.waitUntil(lambda: users.index(0, 2).data() == "reader")
    assert ben.me()["role"] == "reader"

    qtbot.mouseClick(dialog.activeButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: users.index(0, 3).data() == "disabled")
    try:
        ben.me()
        raise AssertionError("a disabled user's token still works")
    except ApiError as exc:
        assert exc.status == 401

    qtbot.mouseClick(dialog.deleteButton, Qt.MouseButton.LeftButton)  # confirm answers Yes
    qtbot.waitUntil(lambda: users.rowCount() == 0)


def test_non_admin_has_no_users_place(
    qtbot: QtBot,
    club_server: EmbeddedServer,
    api_user: Callable[..., ApiClient],
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    api_user("Ana")
    api_user("Ben")
    app = make_controller()
    sign_in(app, club_server.url, "ben@example.org")
    assert app.user["role"] == "poet"
    assert not app.main_window.usersAction.isVisible()
    app.main_window.usersAction.trigger()
    assert app.account.users_dialog is None
