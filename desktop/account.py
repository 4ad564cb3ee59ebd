"""The account side of the controller: profile, notifications (unread count), users admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QSystemTrayIcon
from shiboken6 import isValid

from desktop import errors
from desktop.api import ApiError
from desktop.models.lists import NotificationsModel, UsersModel
from desktop.offline.queue import MARK_ALL_READ, MARK_READ
from desktop.sync import Waiter
from desktop.ui.account_dialogs import NotificationsDialog, ProfileDialog
from desktop.ui.common import icon
from desktop.ui.users_dialog import UsersDialog

if TYPE_CHECKING:
    from desktop.app import AppController

POLL_MS = 30_000


class AccountController(QObject):
    unreadChanged = Signal(int)

    def __init__(self, core: AppController) -> None:
        super().__init__(core)
        self.core = core
        self.client = core.client
        self.runner = core.runner
        self.window = core.main_window
        self.unread = 0
        self._baseline = False
        self.notifications = NotificationsModel(self.runner, per_page=30, parent=self)
        self.users = UsersModel(self.runner, per_page=50, parent=self)
        self.profile_dialog: ProfileDialog | None = None
        self.users_dialog: UsersDialog | None = None
        self.notifications_dialog: NotificationsDialog | None = None
        self._tray: QSystemTrayIcon | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.refresh_unread)

        self.window.notificationsRequested.connect(self.show_notifications)
        self.window.profileRequested.connect(self.show_profile)
        self.window.usersRequested.connect(self.show_users)
        core.signedIn.connect(self._signed_in)
        core.signedOut.connect(self._signed_out)
        self.notifications.failed.connect(lambda exc: self.core.report(exc))
        self.users.failed.connect(lambda exc: self.core.report(exc))

    def stop(self) -> None:
        self._poll.stop()

    def _signed_in(self, _user: Any) -> None:
        self.unread = 0
        self._baseline = False  # the first count after signing in is not news
        self.refresh_unread()
        self._poll.start()

    def _signed_out(self) -> None:
        self._poll.stop()
        self.unread = 0
        self.window.set_unread(0)
        self.notifications.clear()
        self.users.clear()

    def _closed(self, attribute: str, dialog: QObject) -> None:
        if getattr(self, attribute) is dialog:
            setattr(self, attribute, None)
        dialog.deleteLater()

    # -- notifications ------------------------------------------------------------------------
    def refresh_unread(self) -> None:
        if self.core.user is None:
            return
        self.runner.run(self.client.unread_count, self._unread_arrived, lambda exc: None)

    def _unread_arrived(self, count: int) -> None:
        previous, self.unread = self.unread, count
        self.window.set_unread(count)
        self.unreadChanged.emit(count)
        if count > previous and self._baseline:
            self._tray_message(count - previous)
        self._baseline = True

    def _tray_message(self, new: int) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable() or not QSystemTrayIcon.supportsMessages():
            return
        if self._tray is None:
            self._tray = QSystemTrayIcon(icon("app", "#2d5d7b"), self)
            self._tray.activated.connect(lambda _reason: self.show_notifications())
            self._tray.show()
        self._tray.showMessage(self.tr("Poets Bay"), self.tr("%n new notification(s)", "", new))

    def show_notifications(self) -> None:
        if self.core.user is None:
            return
        dialog = NotificationsDialog(self.notifications, self.window)
        self.notifications_dialog = dialog
        dialog.markReadRequested.connect(self.mark_read)
        dialog.markAllReadRequested.connect(self.mark_all_read)
        dialog.poemRequested.connect(self.core.library.open_poem)
        dialog.finished.connect(lambda _r: self._closed("notifications_dialog", dialog))
        self.notifications.set_fetch(lambda page, per: self.client.notifications(page, per))
        dialog.open()

    def mark_read(self, notification_id: int) -> None:
        """Queued like every change: sent now, or when the server answers again."""

        def done(_result: Any = None) -> None:
            self.notifications.mark_read(notification_id)
            self.refresh_unread()

        self._submit(MARK_READ, {"notification_id": notification_id}, done)

    def mark_all_read(self) -> None:
        def done(_result: Any = None) -> None:
            self.notifications.mark_all_read()
            self.refresh_unread()

        self._submit(MARK_ALL_READ, {}, done)

    def _submit(self, kind: str, payload: dict[str, Any], done: Callable[..., None]) -> None:
        def refused(exc: ApiError) -> None:
            self.core.sync.drop_waiting()
            self._failed(exc)

        self.core.sync.submit(kind, payload, Waiter(done, refused, None, done))

    def _failed(self, exc: BaseException) -> None:
        dialog = self.notifications_dialog
        if dialog is not None and dialog.isVisible():
            dialog.banner.show_message(errors.describe(exc))
        else:
            self.core.report(exc)

    # -- profile ------------------------------------------------------------------------------
    def show_profile(self) -> None:
        if self.core.user is None:
            return
        dialog = ProfileDialog(dict(self.core.user), self.window)
        self.profile_dialog = dialog
        dialog.saveRequested.connect(lambda changes: self._save_profile(dialog, changes))
        dialog.finished.connect(lambda _r: self._closed("profile_dialog", dialog))
        dialog.open()

    def _save_profile(self, dialog: ProfileDialog, changes: dict[str, Any]) -> None:
        dialog.set_busy(True)

        def saved(user: dict[str, Any]) -> None:
            core = self.core
            if "password" in changes and self.client.refresh_token:
                # The session signed in again with the new password: remember that one.
                core.settings.remember_token(core.mode, core.server_url, self.client.refresh_token)
            core.user = user
            self.window.set_user(user, core.mode_text)
            if isValid(dialog):  # the person may have closed it while it saved
                dialog.set_busy(False)
                dialog.accept()

        def failed(exc: BaseException) -> None:
            if not isValid(dialog):
                self.window.banner.show_message(errors.describe(exc))
                return
            dialog.set_busy(False)
            if isinstance(exc, ApiError) and exc.status == 403 and "current_password" in changes:
                dialog.show_errors({"current_password": exc.detail or self.tr("Wrong password.")})
            elif isinstance(exc, ApiError) and exc.errors:
                dialog.show_errors(exc.errors, exc.message)
            else:
                dialog.banner.show_message(errors.describe(exc))

        def save() -> dict[str, Any]:
            user = self.client.update_me(**changes)
            if "password" in changes:
                # A new password ends every session made with the old one, this one too:
                # sign in again with it, so the app carries on (and remembers the new session).
                self.client.login(user["email"], changes["password"])
            return user

        self.runner.run(save, saved, failed)

    # -- users (admins) -----------------------------------------------------------------------
    def show_users(self) -> None:
        user = self.core.user
        if user is None or user.get("role") != "admin":
            return
        dialog = UsersDialog(self.users, user.get("id"), self.window)
        self.users_dialog = dialog
        dialog.searchChanged.connect(self.search_users)
        dialog.roleRequested.connect(lambda uid, role: self._admin(uid, role=role))
        dialog.activeRequested.connect(lambda uid, active: self._admin(uid, active=active))
        dialog.deleteRequested.connect(self._delete_user)
        dialog.finished.connect(lambda _r: self._closed("users_dialog", dialog))
        self.search_users("")
        dialog.open()

    def search_users(self, text: str) -> None:
        q = text.strip()
        self.users.set_fetch(lambda page, per: self.client.users(page, per, q=q, sort="name"))

    def _admin(self, user_id: int, **fields: Any) -> None:
        self._users_call(lambda: self.client.update_user(user_id, **fields), self.users.update_item)

    def _delete_user(self, user_id: int) -> None:
        self._users_call(
            lambda: self.client.delete_user(user_id), lambda _r: self.users.remove_item(user_id)
        )

    def _users_call(self, call: Callable[[], Any], done: Callable[[Any], None]) -> None:
        def failed(exc: BaseException) -> None:
            dialog = self.users_dialog
            if dialog is not None and dialog.isVisible():
                dialog.banner.show_message(errors.describe(exc))
                dialog._selection_changed()
            else:
                self.core.report(exc)

        self.runner.run(call, done, failed)
