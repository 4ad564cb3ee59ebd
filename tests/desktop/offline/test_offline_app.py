"""The app against a real server on loopback that the test stops and starts again: changes
made while it is down wait on the device and reach it once, drafts survive a dead app, and a
poem edited on two devices merges by itself or asks the poet."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.api import ApiClient
from desktop.app import AppController
from desktop.embedded import EmbeddedServer

PASSWORD = "correct horse 1"
WAIT_MS = 15000  # generous: the machine may be busy; a pass is usually far quicker


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


class Club:
    """A club server on a fixed loopback port, to stop and start again."""

    def __init__(self, data_dir: Path, port: int, overrides: dict[str, Any]) -> None:
        self.data_dir, self.port, self.overrides = data_dir, port, overrides
        self.server: EmbeddedServer | None = None
        self.url = ""
        self.start()

    def start(self) -> None:
        self.server = EmbeddedServer(self.data_dir, port=self.port, overrides=self.overrides)
        self.url = self.server.start()

    def stop(self) -> None:
        assert self.server is not None and self.server.stop()
        self.server = None


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    box = Inbox()
    box.port = _port()  # type: ignore[attr-defined]
    controller = Controller(box, hostname="127.0.0.1", port=box.port)  # type: ignore[attr-defined]
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def club(tmp_path: Path, inbox: Inbox) -> Iterator[Club]:
    mail = {
        "MAIL_ENABLED": True,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": inbox.port,  # type: ignore[attr-defined]
        "MAIL_TIMEOUT": 3,
    }
    club = Club(tmp_path / "club", _port(), mail)
    yield club
    if club.server is not None:
        club.stop()


def _account(club: Club, name: str) -> ApiClient:
    client = ApiClient(club.url)
    client.register(name, f"{name.lower()}@example.org", PASSWORD)
    return client


def _signed_in(
    qtbot: QtBot,
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
    club: Club,
    name: str,
    settings: str | None = None,
) -> AppController:
    app = make_controller(settings)
    sign_in(app, club.url, f"{name.lower()}@example.org")
    qtbot.waitUntil(lambda: app.sync.db is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: app.main_window.connectionStatus.online is True, timeout=WAIT_MS)
    return app


def _retry_until(qtbot: QtBot, app: AppController, ready: Callable[[], bool]) -> None:
    """Press "Retry now" (the poet's way of not waiting for the back-off) until ``ready``."""
    status = app.main_window.connectionStatus
    deadline = time.monotonic() + 30
    while not ready():
        assert time.monotonic() < deadline, "the change never reached the server"
        if status.retryNowButton.isVisible():
            qtbot.mouseClick(status.retryNowButton, Qt.MouseButton.LeftButton)
        qtbot.wait(300)


def _publish_while_down(
    qtbot: QtBot, app: AppController, club: Club, title: str, body: str
) -> None:
    """Stop the club server, then write and publish a poem: it waits on the device."""
    club.stop()
    app.library.new_poem()
    editor = app.library.editor
    assert editor is not None
    editor.titleEdit.setText(title)
    editor.bodyEdit.setPlainText(body)
    qtbot.mouseClick(editor.publishButton, Qt.MouseButton.LeftButton)
    status = app.main_window.connectionStatus
    qtbot.waitUntil(lambda: status.pending == 1 and app.library.editor is None, timeout=WAIT_MS)


def test_publish_while_the_server_is_down_makes_exactly_one_poem(
    qtbot: QtBot,
    club: Club,
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    ana = _account(club, "Ana")
    app = _signed_in(qtbot, make_controller, sign_in, club, "Ana")
    mw, status = app.main_window, app.main_window.connectionStatus
    body = "  rails in the rain,\n\n\tno signal — ñandú 🌧\n"
    _publish_while_down(qtbot, app, club, "On the train", body)  # kept on the device
    qtbot.waitUntil(lambda: status.online is False, timeout=WAIT_MS)
    assert "Offline" in status.stateLabel.text() and status.retryNowButton.isVisible()
    assert "kept on this device" in mw.banner.text

    mw.show_place("drafts")
    panel = mw.draftsPanel
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=WAIT_MS)
    assert "waiting to be sent" in panel.model.index(0, 0).data()
    qtbot.mouseClick(status.retryNowButton, Qt.MouseButton.LeftButton)  # still down
    qtbot.wait(500)
    assert status.pending == 1

    club.start()
    _retry_until(qtbot, app, lambda: status.pending == 0)
    qtbot.waitUntil(
        lambda: status.online is True and "All changes sent" in status.pendingLabel.text()
    )
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0)  # published: no longer a draft
    page = ana.poems(author_id=ana.me()["id"])
    assert page["total"] == 1
    assert ana.poem(page["items"][0]["id"])["body"] == body


def test_rate_while_the_server_is_down_makes_one_rating_and_one_email(
    qtbot: QtBot,
    club: Club,
    inbox: Inbox,
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    ana = _account(club, "Ana")
    poem = ana.create_poem("Low tide", "the sand\n  remembers\n")
    other = ana.create_poem("High tide", "water\n")
    _account(club, "Ben")
    app = _signed_in(qtbot, make_controller, sign_in, club, "Ben")
    mw, status = app.main_window, app.main_window.connectionStatus
    app.library.open_poem(poem["id"])
    qtbot.waitUntil(lambda: mw.poemReader.toPlainText() == poem["body"], timeout=WAIT_MS)
    club.stop()

    # What was read stays readable, marked as a saved copy.
    app.library.open_poem(other["id"])
    qtbot.waitUntil(lambda: mw.banner.isVisible(), timeout=WAIT_MS)
    app.library.open_poem(poem["id"])
    qtbot.waitUntil(lambda: "may be out of date" in mw.reader.metaLabel.text(), timeout=WAIT_MS)
    assert mw.poemReader.toPlainText() == poem["body"]

    app.library.rate_current()
    dialog = app.library.rating_dialog
    assert dialog is not None
    dialog.starRating.setValue(4)
    dialog.commentEdit.setPlainText("¡Qué marea!")
    qtbot.mouseClick(dialog.submitButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.library.rating_dialog is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: status.pending == 1 and status.online is False, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: mw.reader.pendingLabel.isVisible(), timeout=WAIT_MS)
    assert mw.reader.pendingLabel.text().startswith("1 change")

    club.start()
    _retry_until(qtbot, app, lambda: status.pending == 0)
    qtbot.waitUntil(lambda: not mw.reader.pendingLabel.isVisible(), timeout=WAIT_MS)
    ratings = ana.poem_ratings(poem["id"])
    assert ratings["total"] == 1 and ratings["items"][0]["comment"] == "¡Qué marea!"
    assert ana.notifications()["total"] == 1
    deadline = time.monotonic() + 30
    while not inbox.messages and time.monotonic() < deadline:
        qtbot.wait(200)
    qtbot.wait(500)
    assert len(inbox.messages) == 1 and "Low tide" in str(inbox.messages[0]["Subject"])


def test_a_dead_app_loses_no_more_than_its_last_seconds(
    qtbot: QtBot,
    club: Club,
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    _account(club, "Ana")
    first = _signed_in(qtbot, make_controller, sign_in, club, "Ana", "first.ini")
    first.library.new_poem()
    editor = first.library.editor
    assert editor is not None
    editor.titleEdit.setText("Unfinished")
    text = "a line I will not lose\n    and its indent\n"
    editor.bodyEdit.setPlainText(text)
    store = first.sync.drafts
    assert store is not None
    qtbot.waitUntil(lambda: [d.body for d in store.recoverable()] == [text], timeout=3000)
    # The app dies here: the editor is never closed, nothing else is saved.

    second = _signed_in(qtbot, make_controller, sign_in, club, "Ana", "second.ini")
    qtbot.waitUntil(lambda: second.library.editor is not None, timeout=WAIT_MS)
    recovered = second.library.editor
    assert recovered.title == "Unfinished" and recovered.body == text
    assert "Recovered" in recovered.banner.text
    recovered.bodyEdit.setPlainText(text + "and the end\n")
    recovered.reject()  # closed properly: kept in Drafts, not offered again
    second.main_window.show_place("drafts")
    qtbot.waitUntil(lambda: second.main_window.draftsPanel.model.rowCount() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: second.sync.drafts.recoverable() == [], timeout=WAIT_MS)
    [draft] = second.sync.drafts.drafts()
    assert draft.body == text + "and the end\n"


def _edit_in_app(qtbot: QtBot, app: AppController, poem_id: int, body: str) -> None:
    mw = app.main_window
    app.library.open_poem(poem_id)
    qtbot.waitUntil(
        lambda: mw.reader.poem is not None and mw.reader.poem["id"] == poem_id, timeout=WAIT_MS
    )
    qtbot.mouseClick(mw.reader.editButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.library.editor is not None, timeout=WAIT_MS)
    editor = app.library.editor
    editor.bodyEdit.setPlainText(body)
    qtbot.mouseClick(editor.publishButton, Qt.MouseButton.LeftButton)


BASE = "The lamp turns\nover the water\n\nand the gulls\nsleep on the rock\n"


def _lighthouse_open(
    qtbot: QtBot,
    club: Club,
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> tuple[ApiClient, dict[str, Any], AppController]:
    """Ana's poem on the server, and Ana's app that has read it once (the device keeps a copy)."""
    ana_elsewhere = _account(club, "Ana")
    poem = ana_elsewhere.create_poem("Lighthouse", BASE)
    app = _signed_in(qtbot, make_controller, sign_in, club, "Ana")
    app.library.open_poem(poem["id"])
    reader = app.main_window.poemReader
    qtbot.waitUntil(lambda: reader.toPlainText() == BASE, timeout=WAIT_MS)
    return ana_elsewhere, poem, app


def test_two_devices_edit_different_lines_and_it_merges_by_itself(
    qtbot: QtBot,
    club: Club,
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    ana_elsewhere, poem, app = _lighthouse_open(qtbot, club, make_controller, sign_in)
    status = app.main_window.connectionStatus
    club.stop()
    mine = BASE.replace("over the water", "over the black water")
    _edit_in_app(qtbot, app, poem["id"], mine)  # offline: queued with its base version
    qtbot.waitUntil(lambda: status.pending == 1 and app.library.editor is None, timeout=WAIT_MS)

    club.start()
    theirs = BASE.replace("sleep on the rock", "sleep on the grey rock")
    ana_elsewhere.update_poem(poem["id"], version=poem["version"], body=theirs)
    _retry_until(qtbot, app, lambda: status.pending == 0)
    merged = "The lamp turns\nover the black water\n\nand the gulls\nsleep on the grey rock\n"
    assert ana_elsewhere.poem(poem["id"])["body"] == merged
    assert app.drafting.conflict_dialog is None  # the poet was not asked
    qtbot.waitUntil(lambda: app.main_window.poemReader.toPlainText() == merged, timeout=WAIT_MS)
    draft = app.sync.drafts.for_poem(poem["id"])
    bodies = [r.body for r in app.sync.drafts.history(draft.id)]
    assert mine in bodies and theirs in bodies and bodies[-1] == merged


def test_two_devices_edit_the_same_line_and_the_poet_merges(
    qtbot: QtBot,
    club: Club,
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    ana_elsewhere, poem, app = _lighthouse_open(qtbot, club, make_controller, sign_in)
    mw = app.main_window
    qtbot.mouseClick(mw.reader.editButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.library.editor is not None, timeout=WAIT_MS)
    editor = app.library.editor
    theirs = BASE.replace("over the water", "across the water").replace("rock", "stone")
    ana_elsewhere.update_poem(poem["id"], version=poem["version"], body=theirs)
    mine = BASE.replace("over the water", "over the sea").replace("The lamp", "The great lamp")
    editor.bodyEdit.setPlainText(mine)
    qtbot.mouseClick(editor.publishButton, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: app.drafting.conflict_dialog is not None, timeout=WAIT_MS)
    dialog = app.drafting.conflict_dialog
    qtbot.waitExposed(dialog)
    assert dialog.differing[0] and dialog.differing[1]
    merge = dialog.mergeEdit.toPlainText()
    assert "The great lamp turns" in merge and "sleep on the stone" in merge  # one-sided: merged
    assert "<<<<<<<" in merge and not dialog.useMergeButton.isEnabled()  # both-sided: asks
    final = "The great lamp turns\nacross the sea\n\nand the gulls\nsleep on the stone\n"
    dialog.mergeEdit.setPlainText(final)
    qtbot.mouseClick(dialog.useMergeButton, Qt.MouseButton.LeftButton)

    status = app.main_window.connectionStatus
    qtbot.waitUntil(lambda: ana_elsewhere.poem(poem["id"])["body"] == final, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: status.pending == 0, timeout=WAIT_MS)
    draft = app.sync.drafts.for_poem(poem["id"])
    bodies = [r.body for r in app.sync.drafts.history(draft.id)]
    assert mine in bodies and theirs in bodies and bodies[-1] == final  # nothing dropped


def test_start_while_the_server_is_down_and_write(
    qtbot: QtBot,
    club: Club,
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    ana = _account(club, "Ana")
    ana.create_poem("Already there", "old\n")
    first = _signed_in(qtbot, make_controller, sign_in, club, "Ana", "remember.ini")
    first.main_window.show_place("mine")
    qtbot.waitUntil(lambda: first.library.poems.rowCount() == 1, timeout=WAIT_MS)
    first.shutdown()
    first.main_window.hide()
    club.stop()

    # A restart on the train: the app opens as Ana, offline, with My poems from the device.
    app = make_controller("remember.ini")
    mw, status = app.main_window, app.main_window.connectionStatus
    qtbot.waitUntil(lambda: app.user is not None and mw.isVisible(), timeout=WAIT_MS)
    assert app.user["name"] == "Ana" and not app.connect_window.isVisible()
    qtbot.waitUntil(lambda: status.online is False, timeout=WAIT_MS)
    mw.show_place("mine")
    qtbot.waitUntil(lambda: app.library.poems.rowCount() == 1, timeout=WAIT_MS)
    assert "Already there" in app.library.poems.index(0, 0).data()
    assert "may be out of date" in mw.banner.text

    app.library.new_poem()
    editor = app.library.editor
    assert editor is not None
    editor.titleEdit.setText("Written offline")
    editor.bodyEdit.setPlainText("from the first minute\n")
    qtbot.mouseClick(editor.publishButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status.pending == 1, timeout=WAIT_MS)

    club.start()
    _retry_until(qtbot, app, lambda: status.pending == 0)
    assert ana.poems(q="Written offline")["total"] == 1
    qtbot.waitUntil(lambda: app.library.poems.rowCount() == 2)  # the list came back fresh


def test_a_refused_change_comes_back_with_its_reason_and_waits_for_the_poet(
    qtbot: QtBot,
    club: Club,
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    ana = _account(club, "Ana")
    app = _signed_in(qtbot, make_controller, sign_in, club, "Ana")
    mw, status = app.main_window, app.main_window.connectionStatus
    # Over the server's 20,000 characters: refused when it is back.
    _publish_while_down(qtbot, app, club, "Too long", "word " * 4001)

    club.start()
    _retry_until(qtbot, app, lambda: status.waiting == 1)
    assert "refused" in mw.banner.text and "20" in mw.banner.text  # the server's reason
    assert status.dropButton.isVisible() and status.pending == 1
    mw.show_place("drafts")
    panel = mw.draftsPanel
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=WAIT_MS)
    assert not panel.publishButton.isEnabled()  # it waits in the queue for the poet

    qtbot.mouseClick(status.dropButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: status.pending == 0 and not status.dropButton.isVisible(), timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: "waiting" not in panel.model.index(0, 0).data(), timeout=WAIT_MS)
    assert panel.current() is not None and panel.current().title == "Too long"  # text kept
    assert ana.poems(author_id=ana.me()["id"])["total"] == 0


def test_take_a_poem_back_into_a_draft_restore_and_publish_it(
    qtbot: QtBot,
    club: Club,
    make_controller: Callable[..., AppController],
    sign_in: Callable[..., None],
) -> None:
    ana = _account(club, "Ana")
    poem = ana.create_poem("Harbour", "ropes\n  creak\n")
    app = _signed_in(qtbot, make_controller, sign_in, club, "Ana")
    mw = app.main_window
    app.library.open_poem(poem["id"])
    qtbot.waitUntil(lambda: mw.reader.takeBackButton.isVisible(), timeout=WAIT_MS)
    qtbot.mouseClick(mw.reader.takeBackButton, Qt.MouseButton.LeftButton)
    panel = mw.draftsPanel
    qtbot.waitUntil(lambda: mw.place == "drafts" and panel.model.rowCount() == 1, timeout=WAIT_MS)
    assert "changes a published poem" in panel.model.index(0, 0).data()

    qtbot.mouseClick(panel.openButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.library.editor is not None, timeout=WAIT_MS)
    editor = app.library.editor
    assert editor.body == "ropes\n  creak\n"
    editor.bodyEdit.setPlainText("ropes\n  creak\nand sing\n")
    editor.reject()  # closed: saved as a new revision of the draft
    qtbot.waitUntil(lambda: len(app.sync.drafts.history(panel.current().id)) == 2, timeout=WAIT_MS)

    qtbot.mouseClick(panel.historyButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.drafting.history_dialog is not None, timeout=WAIT_MS)
    history = app.drafting.history_dialog
    assert history.model.rowCount() == 2
    assert "+ and sing" in history.compareView.toPlainText()
    history.revisionsList.setCurrentIndex(history.model.index(1, 0))  # the first revision
    qtbot.mouseClick(history.restoreButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: history.model.rowCount() == 3, timeout=WAIT_MS)
    history.accept()
    qtbot.waitUntil(
        lambda: panel.current() is not None and panel.current().body == poem["body"],
        timeout=WAIT_MS,
    )

    # One more line (written straight into the store, as the editor's autosave does), then
    # publish the draft from the Drafts place: it updates the poem it was taken from.
    app.sync.drafts.save(panel.current().id, "Harbour", "ropes\n  creak\n\n  (again)\n")
    app.drafting.refresh()
    qtbot.waitUntil(lambda: "(again)" in panel.current().body, timeout=WAIT_MS)
    qtbot.mouseClick(panel.publishButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: ana.poem(poem["id"])["body"] == "ropes\n  creak\n\n  (again)\n", timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0, timeout=WAIT_MS)
    assert ana.poems(author_id=ana.me()["id"])["total"] == 1  # the same poem, edited
