"""The poem editor: title and body, live counts, publish or update, delete."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import format as fmt
from desktop.ui import common
from desktop.ui.common import FieldErrors, MessageBanner, name


def poem_font() -> QFont:
    """A serif face for reading and writing poems (falls back to the system font)."""
    font = QFont()
    for family in ("DejaVu Serif", "Georgia", "Times New Roman", "Noto Serif"):
        if family in QFontDatabase.families():
            font = QFont(family)
            break
    font.setPointSizeF(12)
    return font


class PoemEditor(QDialog):
    """Emits ``publishRequested(title, body)`` and ``deleteRequested``; shows what comes back."""

    publishRequested = Signal(str, str)
    deleteRequested = Signal()

    def __init__(self, poem: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "poemEditor", self.tr("Poem editor"))
        self.poem = poem
        self.setWindowTitle(self.tr("Edit poem") if poem else self.tr("New poem"))
        self.resize(620, 640)

        self.titleEdit = QLineEdit(self)
        name(self.titleEdit, "titleEdit", self.tr("Title"))
        self.titleEdit.setPlaceholderText(self.tr("Title"))
        self.titleEdit.setMaxLength(200)
        title_font = poem_font()
        title_font.setPointSizeF(15)
        title_font.setBold(True)
        self.titleEdit.setFont(title_font)

        self.bodyEdit = QPlainTextEdit(self)
        name(self.bodyEdit, "bodyEdit", self.tr("Poem"))
        self.bodyEdit.setPlaceholderText(
            self.tr("Write your poem here. Blank lines separate stanzas.")
        )
        self.bodyEdit.setFont(poem_font())
        self.bodyEdit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.bodyEdit.document().setDocumentMargin(10)
        self.bodyEdit.setTabStopDistance(4 * self.bodyEdit.fontMetrics().horizontalAdvance(" "))

        self.countsLabel = QLabel(self)
        name(self.countsLabel, "countsLabel", self.tr("Line, stanza and word counts"))

        self.banner = MessageBanner(self)
        self.errors = FieldErrors(self.banner)

        self.publishButton = QPushButton(self.tr("&Update") if poem else self.tr("&Publish"), self)
        name(self.publishButton, "publishButton", self.tr("Publish"))
        self.publishButton.setDefault(True)
        self.deleteButton = QPushButton(self.tr("&Delete poem"), self)
        name(self.deleteButton, "deletePoemButton", self.tr("Delete poem"))
        self.deleteButton.setVisible(poem is not None)
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.deleteButton)
        buttons.addWidget(self.countsLabel, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.publishButton)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.titleEdit)
        layout.addWidget(self.errors.add("title", self))
        layout.addWidget(self.bodyEdit, 1)
        layout.addWidget(self.errors.add("body", self))
        layout.addLayout(buttons)

        if poem:
            self.titleEdit.setText(str(poem.get("title", "")))
            self.bodyEdit.setPlainText(str(poem.get("body", "")))
        self.bodyEdit.textChanged.connect(self._update_counts)
        self.titleEdit.textChanged.connect(self._update_enabled)
        self.bodyEdit.textChanged.connect(self._update_enabled)
        self.publishButton.clicked.connect(self._publish)
        self.deleteButton.clicked.connect(self._delete)
        QShortcut(QKeySequence.StandardKey.Save, self, self._publish)
        self._busy = False
        self._update_counts()
        self._update_enabled()

    @property
    def title(self) -> str:
        return self.titleEdit.text()

    @property
    def body(self) -> str:
        return self.bodyEdit.toPlainText()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_enabled()

    def show_errors(self, errors: dict[str, str], fallback: str = "") -> None:
        self.errors.show(errors, fallback)

    def _update_counts(self) -> None:
        lines, stanzas, words = fmt.counts(self.body)
        self.countsLabel.setText(
            self.tr("%1 lines · %2 stanzas · %3 words")
            .replace("%1", str(lines))
            .replace("%2", str(stanzas))
            .replace("%3", str(words))
        )

    def _update_enabled(self) -> None:
        ready = bool(self.title.strip()) and bool(self.body.strip())
        self.publishButton.setEnabled(ready and not self._busy)
        self.deleteButton.setEnabled(not self._busy)

    def _publish(self) -> None:
        if self.publishButton.isEnabled():
            self.errors.clear()
            self.publishRequested.emit(self.title, self.body)

    def _delete(self) -> None:
        if common.confirm(
            self,
            self.tr("Delete poem"),
            self.tr("Delete “%1” and all its ratings? This cannot be undone.").replace(
                "%1", self.title
            ),
        ):
            self.deleteRequested.emit()
