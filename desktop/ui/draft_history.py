"""A draft's history: its revisions, any two compared line by line, and restore.

The controller hands the revisions in (read off the GUI thread) and does the restoring; the
dialog shows them and emits ``restoreRequested(revision_id)``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.offline.diff import ADDED, CHANGED, EQUAL, REMOVED, DiffRow, line_diff
from desktop.offline.drafts import Revision
from desktop.ui.common import name
from desktop.ui.conflict_dialog import mark_lines
from desktop.ui.connection_status import clock_time
from desktop.ui.poem_editor import poem_font

Index = QModelIndex | QPersistentModelIndex
RevisionRole = Qt.ItemDataRole.UserRole + 1

REMOVED_LINE = QColor(192, 57, 43, 60)
ADDED_LINE = QColor(39, 174, 96, 60)


def tr(text: str) -> str:
    return QCoreApplication.translate("DraftHistory", text)


def describe_note(note: str) -> str:
    """What made a revision, in words (the store keeps short codes)."""
    kind, _, arg = note.partition(":")
    if kind == "restored":
        return tr("restored from revision %1").replace("%1", arg)
    if kind == "taken-back":
        return tr("taken back from the server")
    if kind == "theirs":
        return tr("their version %1").replace("%1", arg)
    if kind == "mine":
        return tr("your text, when it met theirs")
    if kind == "merged":
        return tr("merged")
    if kind == "recovered":
        return tr("recovered after a crash")
    return tr("saved")


def revision_label(rev: Revision) -> str:
    return (
        tr("Revision %1 · %2 · %3")
        .replace("%1", str(rev.number))
        .replace("%2", clock_time(rev.created_at))
        .replace("%3", describe_note(rev.note))
    )


class RevisionsModel(QAbstractListModel):
    """A draft's revisions, newest first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.revisions: list[Revision] = []

    def set_revisions(self, revisions: list[Revision]) -> None:
        self.beginResetModel()
        self.revisions = sorted(revisions, key=lambda r: r.number, reverse=True)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.revisions)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.revisions):
            return None
        rev = self.revisions[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return revision_label(rev)
        if role == RevisionRole:
            return rev
        if role == Qt.ItemDataRole.ToolTipRole:
            return rev.title
        return None


def diff_text(rows: list[DiffRow]) -> tuple[str, set[int], set[int]]:
    """A line-by-line comparison as text: ``−`` old only, ``+`` new only; and which lines."""
    out: list[str] = []
    removed: set[int] = set()
    added: set[int] = set()
    for row in rows:
        if row.tag == EQUAL:
            out.append(f"  {row.left}")
            continue
        if row.tag in (CHANGED, REMOVED):
            removed.add(len(out))
            out.append(f"− {row.left}")
        if row.tag in (CHANGED, ADDED):
            added.add(len(out))
            out.append(f"+ {row.right}")
    return "\n".join(out), removed, added


class DraftHistoryDialog(QDialog):
    restoreRequested = Signal(int)  # revision id

    def __init__(self, title: str, revisions: list[Revision], parent: QWidget | None = None):
        super().__init__(parent)
        name(self, "draftHistoryDialog", self.tr("Draft history"))
        self.setWindowTitle(self.tr("History of “%1”").replace("%1", title))
        self.resize(860, 600)
        self.model = RevisionsModel(self)
        self.revisionsList = QListView(self)
        name(self.revisionsList, "revisionsList", self.tr("Revisions"))
        self.revisionsList.setModel(self.model)
        self.olderBox = QComboBox(self)
        name(self.olderBox, "olderRevisionBox", self.tr("Compare this revision"))
        self.newerBox = QComboBox(self)
        name(self.newerBox, "newerRevisionBox", self.tr("with this revision"))
        self.compareView = QPlainTextEdit(self)
        name(self.compareView, "compareView", self.tr("The two revisions compared line by line"))
        self.compareView.setReadOnly(True)
        self.compareView.setFont(poem_font())
        self.compareView.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.restoreButton = QPushButton(self.tr("&Restore this revision"), self)
        name(self.restoreButton, "restoreButton", self.tr("Restore the selected revision"))
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)

        pick = QHBoxLayout()
        pick.addWidget(QLabel(self.tr("Compare"), self))
        pick.addWidget(self.olderBox, 1)
        pick.addWidget(QLabel(self.tr("with"), self))
        pick.addWidget(self.newerBox, 1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(pick)
        right_layout.addWidget(self.compareView, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.revisionsList)
        split.addWidget(right)
        split.setSizes([300, 560])
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.restoreButton)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

        self.olderBox.currentIndexChanged.connect(self._compare)
        self.newerBox.currentIndexChanged.connect(self._compare)
        self.restoreButton.clicked.connect(self._restore)
        self.revisionsList.selectionModel().currentChanged.connect(self._current_changed)
        self.set_revisions(revisions)

    def set_revisions(self, revisions: list[Revision]) -> None:
        """Show these revisions; compare the newest with the one before it."""
        self.model.set_revisions(revisions)
        for box in (self.olderBox, self.newerBox):
            box.blockSignals(True)
            box.clear()
            for rev in self.model.revisions:
                box.addItem(revision_label(rev), rev.id)
            box.blockSignals(False)
        count = len(self.model.revisions)
        self.newerBox.setCurrentIndex(0 if count else -1)
        self.olderBox.setCurrentIndex(min(1, count - 1))
        if count:
            self.revisionsList.setCurrentIndex(self.model.index(0, 0))
        self._compare()

    def selected(self) -> Revision | None:
        rev = self.revisionsList.currentIndex().data(RevisionRole)
        return rev if isinstance(rev, Revision) else None

    def compare(self, older_id: int, newer_id: int) -> None:
        self.olderBox.setCurrentIndex(self.olderBox.findData(older_id))
        self.newerBox.setCurrentIndex(self.newerBox.findData(newer_id))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.restoreButton.setEnabled(current.isValid())
        rev = current.data(RevisionRole)
        if not isinstance(rev, Revision):
            return
        self.newerBox.setCurrentIndex(0)  # the chosen revision against the newest …
        if current.row() == 0:  # … or the newest against the one before it
            self.olderBox.setCurrentIndex(min(1, self.olderBox.count() - 1))
        else:
            self.olderBox.setCurrentIndex(self.olderBox.findData(rev.id))

    def _compare(self) -> None:
        by_id = {rev.id: rev for rev in self.model.revisions}
        older = by_id.get(self.olderBox.currentData())
        newer = by_id.get(self.newerBox.currentData())
        if older is None or newer is None:
            self.compareView.clear()
            return
        rows = line_diff(f"{older.title}\n\n{older.body}", f"{newer.title}\n\n{newer.body}")
        text, removed, added = diff_text(rows)
        self.compareView.setPlainText(text)
        mark_lines(self.compareView, removed, REMOVED_LINE)
        current = self.compareView.extraSelections()
        mark_lines(self.compareView, added, ADDED_LINE)
        self.compareView.setExtraSelections(current + self.compareView.extraSelections())

    def _restore(self) -> None:
        rev = self.selected()
        if rev is not None:
            self.restoreRequested.emit(rev.id)
