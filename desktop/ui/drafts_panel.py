"""The Drafts place: poems in progress on this device, and what to do with one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListView, QPushButton, QVBoxLayout, QWidget

from desktop import format as fmt
from desktop.offline.drafts import Draft
from desktop.ui.browser import TwoLineDelegate
from desktop.ui.common import icon, name
from desktop.ui.connection_status import clock_time

Index = QModelIndex | QPersistentModelIndex
DraftRole = Qt.ItemDataRole.UserRole + 1


class DraftsModel(QAbstractListModel):
    """Drafts, newest first; a draft waiting to be sent says so."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.drafts: list[Draft] = []
        self.pending: set[str] = set()

    def set_drafts(self, drafts: list[Draft], pending: set[str] | None = None) -> None:
        self.beginResetModel()
        self.drafts = list(drafts)
        self.pending = set(pending or ())
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.drafts)

    def row_of(self, draft_id: str) -> int:
        return next((i for i, d in enumerate(self.drafts) if d.id == draft_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.drafts):
            return None
        draft = self.drafts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            title = draft.title.strip() or self.tr("(untitled)")
            parts = [self.tr("edited %1").replace("%1", clock_time(draft.updated_at))]
            if draft.is_edit:
                parts.append(self.tr("changes a published poem"))
            if draft.id in self.pending:
                parts.append(self.tr("waiting to be sent"))
            lines, _stanzas, _words = fmt.counts(draft.body)
            parts.append(self.tr("%n line(s)", "", lines))
            return f"{title}\n{' · '.join(parts)}"
        if role == DraftRole:
            return draft
        if role == Qt.ItemDataRole.ToolTipRole:
            return fmt.elide(draft.body, 200) or None
        return None


class DraftsPanel(QWidget):
    openRequested = Signal(str)
    publishRequested = Signal(str)
    historyRequested = Signal(str)
    deleteRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "draftsPanel", self.tr("Drafts"))
        self.model = DraftsModel(self)
        self.draftsList = QListView(self)
        name(self.draftsList, "draftsList", self.tr("Drafts on this device"))
        self.draftsList.setModel(self.model)
        self.draftsList.setItemDelegate(TwoLineDelegate(self.draftsList))
        self.emptyLabel = QLabel(
            self.tr("No drafts. What you write is kept here until you publish it."), self
        )
        name(self.emptyLabel, "draftsEmpty", self.tr("No drafts"))
        self.emptyLabel.setWordWrap(True)
        self.openButton = QPushButton(icon("edit"), self.tr("&Open"), self)
        name(self.openButton, "openDraftButton", self.tr("Open the draft"))
        self.publishButton = QPushButton(icon("check"), self.tr("&Publish"), self)
        name(self.publishButton, "publishDraftButton", self.tr("Publish the draft"))
        self.historyButton = QPushButton(icon("list"), self.tr("&History…"), self)
        name(self.historyButton, "draftHistoryButton", self.tr("The draft's history"))
        self.deleteButton = QPushButton(icon("trash"), self.tr("&Delete"), self)
        name(self.deleteButton, "deleteDraftButton", self.tr("Delete the draft"))
        buttons = QHBoxLayout()
        for button in (self.openButton, self.publishButton, self.historyButton):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.deleteButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.emptyLabel)
        layout.addWidget(self.draftsList, 1)
        layout.addLayout(buttons)

        self.openButton.clicked.connect(lambda: self._emit(self.openRequested))
        self.publishButton.clicked.connect(lambda: self._emit(self.publishRequested))
        self.historyButton.clicked.connect(lambda: self._emit(self.historyRequested))
        self.deleteButton.clicked.connect(lambda: self._emit(self.deleteRequested))
        self.draftsList.activated.connect(lambda _index: self._emit(self.openRequested))
        self.draftsList.selectionModel().currentChanged.connect(lambda *_: self._update())
        self.model.modelReset.connect(self._update)
        self._update()

    def set_drafts(self, drafts: list[Draft], pending: set[str] | None = None) -> None:
        current = self.current()
        self.model.set_drafts(drafts, pending)
        row = self.model.row_of(current.id) if current else -1
        if row < 0 and drafts:
            row = 0
        if row >= 0:
            self.draftsList.setCurrentIndex(self.model.index(row, 0))
        self._update()

    def current(self) -> Draft | None:
        draft = self.draftsList.currentIndex().data(DraftRole)
        return draft if isinstance(draft, Draft) else None

    def _emit(self, signal: Any) -> None:
        draft = self.current()
        if draft is not None:
            signal.emit(draft.id)

    def _update(self) -> None:
        draft = self.current()
        has = draft is not None
        ready = has and bool(draft.title.strip()) and bool(draft.body.strip())  # type: ignore[union-attr]
        pending = has and draft.id in self.model.pending  # type: ignore[union-attr]
        self.openButton.setEnabled(has)
        self.publishButton.setEnabled(ready and not pending)
        self.historyButton.setEnabled(has)
        self.deleteButton.setEnabled(has and not pending)
        self.emptyLabel.setVisible(not self.model.drafts)
