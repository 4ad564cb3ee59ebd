"""Desktop fixtures: a real backend on loopback, and app controllers wired to it."""

from __future__ import annotations

import itertools
import os
import socket
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from aiosmtpd.controller import Controller as SmtpController  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from pytestqt.qtbot import QtBot

from desktop import ensure_app  # noqa: E402
from desktop.api import ApiClient  # noqa: E402
from desktop.app import AppController  # noqa: E402
from desktop.embedded import EmbeddedServer  # noqa: E402
from desktop.settings import Settings  # noqa: E402
from desktop.ui import common  # noqa: E402

PASSWORD = "correct horse 1"


@pytest.fixture(scope="session")
def qapp_cls() -> type[QApplication]:
    return QApplication


@pytest.fixture(autouse=True)
def _styled_app(qapp: QApplication) -> QApplication:
    return ensure_app()


@pytest.fixture(autouse=True)
def _always_confirm(monkeypatch: pytest.MonkeyPatch) -> None:
    """Confirmation boxes answer Yes without a modal loop."""
    monkeypatch.setattr(common, "confirm", lambda *_args: True)


class Inbox:
    """An aiosmtpd handler that keeps the emails it receives."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted"


@pytest.fixture
def smtp_inbox() -> Iterator[Inbox]:
    """A real SMTP server on loopback; the club server sends its email there."""
    inbox = Inbox(_free_port())
    smtp = SmtpController(inbox, hostname="127.0.0.1", port=inbox.port)
    smtp.start()
    yield inbox
    smtp.stop()


@pytest.fixture
def club_server(tmp_path: Path, smtp_inbox: Inbox) -> Iterator[EmbeddedServer]:
    """A backend served on loopback, standing in for a club server (with SMTP set up)."""
    server = EmbeddedServer(
        tmp_path / "club",
        overrides={
            "MAIL_ENABLED": True,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_inbox.port,
            "MAIL_TIMEOUT": 3,
            "OUTBOX_POLL_SECONDS": 0.1,
        },
    )
    server.start()
    yield server
    assert server.stop(), "the backend thread did not end"


@pytest.fixture
def api_user(club_server: EmbeddedServer) -> Callable[..., ApiClient]:
    """Register an account straight through the API (not through the GUI)."""
    clients: list[ApiClient] = []

    def make(name: str, email: str | None = None, password: str = PASSWORD) -> ApiClient:
        client = ApiClient(club_server.url)
        client.register(name, email or f"{name.lower()}@example.org", password)
        clients.append(client)
        return client

    yield make  # type: ignore[misc]
    for client in clients:
        client.close()


@pytest.fixture
def make_controller(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[..., AppController]]:
    """AppControllers with their own settings file; all share one local data dir."""
    made: list[AppController] = []
    counter = itertools.count()

    def make(settings_name: str | None = None, start: bool = True) -> AppController:
        name = settings_name or f"settings-{next(counter)}.ini"
        controller = AppController(Settings(tmp_path / name), tmp_path / "local")
        qtbot.addWidget(controller.connect_window)
        qtbot.addWidget(controller.main_window)
        made.append(controller)
        if start:
            controller.start()
        return controller

    yield make
    for controller in made:
        controller.shutdown()
        assert not controller.server.running


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def free_port() -> int:
    """A loopback port nobody listens on (right now)."""
    return _free_port()


@pytest.fixture
def sign_in(qtbot: QtBot) -> Callable[[AppController, str, str], None]:
    """Sign a controller in to a server through the connect window."""
    return lambda controller, url, email: _sign_in(qtbot, controller, url, email)


def _sign_in(qtbot: QtBot, controller: AppController, url: str, email: str) -> None:
    cw = controller.connect_window
    qtbot.waitExposed(cw)
    cw.modeServer.setChecked(True)
    cw.serverUrl.setText(url)
    cw.emailEdit.setText(email)
    cw.passwordEdit.setText(PASSWORD)
    qtbot.mouseClick(cw.signInButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.main_window.isVisible() and controller.user is not None)
