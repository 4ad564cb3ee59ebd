"""The offline widgets on their own: status indicator, conflict window, history, Drafts place."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.offline.db import OfflineDb
from desktop.offline.drafts import DraftStore, new_draft_id
from desktop.offline.merge import merge_text
from desktop.ui.conflict_dialog import MERGE, MINE, THEIRS, ConflictDialog
from desktop.ui.connection_status import ConnectionStatus
from desktop.ui.draft_history import DraftHistoryDialog
from desktop.ui.drafts_panel import DraftsPanel

BASE = "The lamp turns\nover the water\n\nand the gulls\nsleep on the rock\n"


def test_connection_status(qtbot: QtBot) -> None:
    status = ConnectionStatus()
    qtbot.addWidget(status)
    status.show()
    assert "Connecting" in status.stateLabel.text()
    status.set_state(False, 3, time.time() - 60, waiting=1)
    assert "Offline" in status.stateLabel.text()
    assert status.pendingLabel.text().startswith("3 change")
    assert "1 need" in status.pendingLabel.text()
    assert status.heardLabel.text().startswith("Heard ")
    assert status.retryNowButton.isVisible() and status.dropButton.isVisible()
    with qtbot.waitSignal(status.dropRequested):
        qtbot.mouseClick(status.dropButton, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(status.retryRequested):
        qtbot.mouseClick(status.retryNowButton, Qt.MouseButton.LeftButton)
    status.set_state(True, 0, time.time())
    assert "Online" in status.stateLabel.text() and "All changes sent" in status.pendingLabel.text()
    assert not status.retryNowButton.isVisible() and not status.dropButton.isVisible()
    assert status.objectName() == "connectionStatus"


def _dialog(qtbot: QtBot, mine: str, theirs: str) -> ConflictDialog:
    merged = merge_text(BASE, mine, theirs, base_title="Lamp", my_title="Lamp", their_title="Lamp")
    dialog = ConflictDialog(("Lamp", mine), ("Lamp", theirs), merged, their_version=3)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_conflict_dialog_marks_differing_lines_and_keeps_theirs(qtbot: QtBot) -> None:
    mine = BASE.replace("over the water", "over the sea")
    theirs = BASE.replace("over the water", "across the water")
    dialog = _dialog(qtbot, mine, theirs)
    assert dialog.objectName() == "conflictDialog"
    assert dialog.differing == ({3}, {3})  # title, blank, then the poem: its second line
    assert len(dialog.mineView.extraSelections()) == 1
    assert len(dialog.theirsView.extraSelections()) == 1
    assert not dialog.useMergeButton.isEnabled()  # markers are still in the merge
    assert "<<<<<<<" in dialog.mergeEdit.toPlainText()
    with qtbot.waitSignal(dialog.resolved) as blocker:
        qtbot.mouseClick(dialog.keepTheirsButton, Qt.MouseButton.LeftButton)
    assert blocker.args == [THEIRS, "Lamp", theirs]


def test_conflict_dialog_merge_is_edited_then_used(qtbot: QtBot) -> None:
    mine = BASE.replace("over the water", "over the sea")
    theirs = BASE.replace("over the water", "across the water")
    dialog = _dialog(qtbot, mine, theirs)
    final = BASE.replace("over the water", "across the sea")
    dialog.mergeEdit.setPlainText(final)
    assert dialog.useMergeButton.isEnabled()
    with qtbot.waitSignal(dialog.resolved) as blocker:
        qtbot.mouseClick(dialog.useMergeButton, Qt.MouseButton.LeftButton)
    assert blocker.args == [MERGE, "Lamp", final]


def test_conflict_dialog_clean_merge_is_ready(qtbot: QtBot) -> None:
    mine = BASE.replace("over the water", "over the sea")
    theirs = BASE.replace("the rock", "the grey rock")
    dialog = _dialog(qtbot, mine, theirs)
    assert dialog.useMergeButton.isEnabled()
    assert dialog.mergeEdit.toPlainText() == mine.replace("the rock", "the grey rock")
    assert "by itself" in dialog.mergeStatus.text()
    with qtbot.waitSignal(dialog.resolved) as blocker:
        qtbot.mouseClick(dialog.keepMineButton, Qt.MouseButton.LeftButton)
    assert blocker.args == [MINE, "Lamp", mine]


def test_history_lists_compares_and_restores(qtbot: QtBot, tmp_path: Path) -> None:
    store = DraftStore(OfflineDb(tmp_path / "d.sqlite3"))
    draft_id = new_draft_id()
    store.save(draft_id, "T", "the sea\nthe salt\n")
    store.save(draft_id, "T", "the sea\nthe SALT\nthe gull\n")
    store.save(draft_id, "T", "the end\n")
    history = store.history(draft_id)
    dialog = DraftHistoryDialog("T", history)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.model.rowCount() == 3
    assert dialog.model.index(0, 0).data().startswith("Revision 3")
    dialog.compare(history[0].id, history[1].id)
    text = dialog.compareView.toPlainText()
    assert "  the sea" in text and "− the salt" in text and "+ the SALT" in text
    assert "+ the gull" in text
    assert len(dialog.compareView.extraSelections()) == 3
    dialog.revisionsList.setCurrentIndex(dialog.model.index(2, 0))  # the first revision
    with qtbot.waitSignal(dialog.restoreRequested) as blocker:
        qtbot.mouseClick(dialog.restoreButton, Qt.MouseButton.LeftButton)
    assert blocker.args == [history[0].id]
    store.restore(draft_id, history[0].id)
    dialog.set_revisions(store.history(draft_id))
    assert dialog.model.rowCount() == 4
    assert "restored from revision 1" in dialog.model.index(0, 0).data()


def test_drafts_panel(qtbot: QtBot, tmp_path: Path) -> None:
    store = DraftStore(OfflineDb(tmp_path / "d.sqlite3"))
    one = store.save(new_draft_id(), "One", "a\nb\n")
    two = store.save(new_draft_id(), "", "half\n")
    panel = DraftsPanel()
    qtbot.addWidget(panel)
    panel.show()
    assert panel.emptyLabel.isVisible()
    panel.set_drafts(store.drafts(), pending={one.id})
    assert not panel.emptyLabel.isVisible()
    assert panel.current() == two and "(untitled)" in panel.model.index(0, 0).data()
    assert not panel.publishButton.isEnabled()  # no title yet
    panel.draftsList.setCurrentIndex(panel.model.index(1, 0))
    assert "waiting to be sent" in panel.model.index(1, 0).data()
    assert not panel.publishButton.isEnabled() and not panel.deleteButton.isEnabled()
    with qtbot.waitSignal(panel.historyRequested) as blocker:
        qtbot.mouseClick(panel.historyButton, Qt.MouseButton.LeftButton)
    assert blocker.args == [one.id]
    panel.set_drafts(store.drafts())
    assert panel.current() == one and panel.publishButton.isEnabled()
    with qtbot.waitSignal(panel.publishRequested) as blocker:
        qtbot.mouseClick(panel.publishButton, Qt.MouseButton.LeftButton)
    assert blocker.args == [one.id]
