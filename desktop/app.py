"""The controller: modes, the session, which window shows. Widgets only emit intent;
everything that talks to a backend goes through here, the task runner and ApiClient."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop import errors
from desktop.account import AccountController
from desktop.api import ApiClient, ApiError
from desktop.api.client import CONNECT_TIMEOUT, READ_TIMEOUT, normalize_url
from desktop.drafting import DraftsController
from desktop.embedded import EmbeddedServer
from desktop.library import LibraryController
from desktop.settings import LOCAL, SERVER, Settings, default_data_dir
from desktop.sync import SyncController
from desktop.ui.connect_window import ConnectWindow
from desktop.ui.main_window import MainWindow
from desktop.workers import TaskRunner

log = logging.getLogger(__name__)


class AppController(QObject):
    """Owns the ApiClient, the task runner, the embedded server and the windows."""

    signedIn = Signal(object)  # the private user
    signedOut = Signal()
    localReady = Signal(str)  # url of the embedded server

    def __init__(
        self,
        settings: Settings | None = None,
        data_dir: str | Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings or Settings()
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self.runner = TaskRunner(self)
        self.client = ApiClient()
        self.server = EmbeddedServer(self.data_dir)
        self.mode = self.settings.mode
        self.server_url = self.settings.server_url
        self.user: dict[str, Any] | None = None
        self._local_starting = False
        self._after_local: list[Callable[[], None]] = []
        self._retry: Callable[[], None] | None = None

        self.connect_window = ConnectWindow()
        self.main_window = MainWindow()
        self.sync = SyncController(self)
        self.client.on_heard = self.sync.heard_from_thread
        self.library = LibraryController(self)
        self.account = AccountController(self)
        self.drafting = DraftsController(self, self.sync)
        self.sync.attach(self.main_window.connectionStatus)
        self.drafting.attach(self.main_window.draftsPanel)
        self._wire()

    # -- wiring -------------------------------------------------------------------------------
    def _wire(self) -> None:
        cw, mw = self.connect_window, self.main_window
        cw.set_mode(self.mode, self.server_url)
        cw.signInRequested.connect(self.sign_in)
        cw.registerRequested.connect(self.register)
        cw.modeChanged.connect(self._mode_chosen)
        cw.retryRequested.connect(self._do_retry)
        mw.signOutRequested.connect(self.sign_out)
        mw.switchRequested.connect(self.show_connect)
        mw.retryRequested.connect(self._do_retry)
        self.runner.busyChanged.connect(mw.set_busy)
        self.runner.unhandledError.connect(self.report)

    @property
    def mode_text(self) -> str:
        if self.mode == LOCAL:
            return self.tr("Local library")
        return self.tr("Server %1").replace("%1", self.server_url)

    # -- start and stop -----------------------------------------------------------------------
    def start(self) -> None:
        """Show the first window at once; the server and the session follow off the GUI thread."""
        token = self.settings.refresh_token(self.mode, self.server_url)
        if token:
            self.main_window.set_user(None, self.tr("Signing in…"))
            self.main_window.show()
            self.resume(token)
        else:
            self.show_connect()

    def shutdown(self) -> None:
        """Stop timers, let running calls end, stop and join the embedded server."""
        # Gone for the person at once, even when a call to a hanging server has to run out.
        self.main_window.hide()
        self.connect_window.hide()
        self.account.stop()
        self.library.keep_open_editor()
        self.runner.forget()
        self.runner.wait(int((CONNECT_TIMEOUT + READ_TIMEOUT + 1) * 1000))
        self.sync.stop()
        self.server.stop()
        self.client.close()

    def ensure_backend(self, then: Callable[[], None]) -> None:
        """Make sure the client points at a live backend for the current mode, then go on."""
        if self.mode == SERVER:
            self.client.base_url = self.server_url
            then()
            return
        if self.server.running:
            self.client.base_url = self.server.url
            then()
            return
        self._after_local.append(then)
        if self._local_starting:
            return
        self._local_starting = True
        self.connect_window.set_local_ready(False, self.tr("Opening your local library…"))
        self.runner.run(self.server.start, self._local_started, self._local_failed)

    def _local_started(self, url: str) -> None:
        self._local_starting = False
        if self.mode == LOCAL:
            self.client.base_url = url
        self.connect_window.set_local_ready(True, self.tr("Local library ready."))
        self.localReady.emit(url)
        waiting, self._after_local = self._after_local, []
        for then in waiting:
            then()

    def _local_failed(self, exc: BaseException) -> None:
        self._local_starting = False
        waiting, self._after_local = self._after_local, []
        self.connect_window.set_local_ready(False, "")

        def retry() -> None:  # start again, then carry on with what was waiting for it
            for then in waiting or [lambda: None]:
                self.ensure_backend(then)

        self.report(exc, retry=retry)

    # -- connect window -----------------------------------------------------------------------
    def show_connect(self) -> None:
        if self.library.editor is not None:
            self.library.editor.reject()  # its text is kept as a draft of this account
        self.connect_window.set_mode(self.mode, self.server_url)
        self.connect_window.show()
        self.connect_window.raise_()
        self.connect_window.activateWindow()
        self.main_window.hide()
        if self.mode == LOCAL:
            QTimer.singleShot(0, lambda: self.ensure_backend(lambda: None))

    def _mode_chosen(self, mode: str) -> None:
        if mode == LOCAL:
            self.mode = LOCAL
            self.ensure_backend(lambda: None)

    def _set_connection(self, mode: str, url: str) -> bool:
        self.mode = mode
        if mode == SERVER:
            url = normalize_url(url)
            if not url:
                self.connect_window.show_errors({"url": self.tr("Enter the server's address.")})
                return False
            self.server_url = url
        return True

    def sign_in(self, mode: str, url: str, email: str, password: str) -> None:
        if not self._set_connection(mode, url):
            return
        self.connect_window.set_busy(True, self.tr("Signing in…"))
        self.ensure_backend(
            lambda: self.runner.run(
                lambda: self.client.login(email.strip(), password),
                self._signed_in,
                lambda exc: self._connect_failed(
                    exc, lambda: self.sign_in(mode, url, email, password)
                ),
            )
        )

    def register(self, mode: str, url: str, name: str, email: str, password: str) -> None:
        if not self._set_connection(mode, url):
            return
        self.connect_window.set_busy(True, self.tr("Creating your account…"))
        self.ensure_backend(
            lambda: self.runner.run(
                lambda: self.client.register(name.strip(), email.strip(), password),
                self._signed_in,
                lambda exc: self._connect_failed(
                    exc, lambda: self.register(mode, url, name, email, password)
                ),
            )
        )

    def _connect_failed(self, exc: BaseException, retry: Callable[[], None]) -> None:
        cw = self.connect_window
        cw.set_busy(False)
        if isinstance(exc, ApiError) and exc.status == 401:
            cw.show_errors({"password": self.tr("Wrong email or password.")})
        elif isinstance(exc, ApiError) and exc.status == 409:
            cw.show_errors(exc.errors or {"email": exc.detail or self.tr("Already taken.")})
        elif isinstance(exc, ApiError) and exc.status in (400, 422) and exc.errors:
            cw.show_errors(exc.errors, exc.message)
        elif errors.is_unreachable(exc):
            self._retry = retry
            cw.show_message(errors.describe(exc), retry=True)
        else:
            cw.show_message(errors.describe(exc))

    def resume(self, token: str) -> None:
        """Sign in silently with a remembered refresh token."""

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ApiError) and exc.status in (401, 403, 422):
                self.settings.forget_token(self.mode, self.server_url)
                self.show_connect()
                self.connect_window.show_message(errors.describe(exc))
            elif errors.is_unreachable(exc) and self.mode == SERVER:
                # Offline: work as the account last seen here; the session resumes by itself.
                self.sync.last_user(
                    lambda user: self._offline_session(user, exc, token),
                    lambda: self.report(exc, retry=lambda: self.resume(token)),
                )
            else:
                self.report(exc, retry=lambda: self.resume(token))

        self.ensure_backend(
            lambda: self.runner.run(lambda: self.client.resume(token), self._signed_in, failed)
        )

    def _offline_session(self, user: dict[str, Any], exc: BaseException, token: str) -> None:
        self.user = user
        mw = self.main_window
        mw.set_user(user, self.mode_text)
        mw.show()
        self.connect_window.hide()
        self.signedIn.emit(user)
        self.report(exc, retry=lambda: self.resume(token))

    def _signed_in(self, user: dict[str, Any]) -> None:
        self.user = user
        self.connect_window.set_busy(False)
        self.connect_window.passwordEdit.clear()
        self.settings.remember_connection(self.mode, self.server_url)
        if self.client.refresh_token:
            self.settings.remember_token(self.mode, self.server_url, self.client.refresh_token)
        mw = self.main_window
        mw.banner.clear()
        mw.set_user(user, self.mode_text)
        mw.show()
        mw.raise_()
        self.connect_window.hide()
        self.signedIn.emit(user)

    def sign_out(self) -> None:
        if self.library.editor is not None:
            self.library.editor.reject()  # its text is kept as a draft of this account
        mode, url = self.mode, self.server_url
        self.settings.forget_token(mode, url)
        self.user = None
        # Revoke the tokens off-thread with a detached client, so a quick sign-in as
        # someone else cannot have its fresh tokens cleared by this late logout.
        old = self.client.take_session()

        def revoke() -> None:
            try:
                old.logout()
            finally:
                old.close()

        self.runner.run(revoke, None, lambda exc: None)  # best effort
        self.signedOut.emit()
        self.show_connect()

    # -- errors -------------------------------------------------------------------------------
    def report(self, exc: BaseException, retry: Callable[[], None] | None = None) -> None:
        """The default failure: a message in the visible window, with Retry when it helps."""
        if isinstance(exc, ApiError) and exc.status == 401 and self.user is not None:
            self.settings.forget_token(self.mode, self.server_url)
            self.user = None
            self.show_connect()
            self.connect_window.show_message(errors.describe(exc))
            return
        offer_retry = retry is not None and errors.is_unreachable(exc)
        self._retry = retry if offer_retry else None
        window: Any = self.main_window if self.main_window.isVisible() else self.connect_window
        window.show_message(errors.describe(exc), retry=offer_retry)

    def _do_retry(self) -> None:
        retry, self._retry = self._retry, None
        self.main_window.banner.clear()
        self.connect_window.banner.clear()
        if retry is not None:
            retry()
