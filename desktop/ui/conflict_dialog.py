"""Both texts of a poem side by side when it changed elsewhere while the poet edited it.

The poet keeps theirs, keeps mine, or edits a merge prefilled with the automatic three-way
merge. The dialog only shows and emits ``resolved(choice, title, body)``; the controller keeps
whatever is not chosen as a draft revision.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.offline.diff import changed_lines
from desktop.offline.merge import MergeResult, has_markers
from desktop.ui.common import MessageBanner, name
from desktop.ui.poem_editor import poem_font

THEIRS = "theirs"
MINE = "mine"
MERGE = "merge"

CHANGED_LINE = QColor(240, 173, 78, 90)


def mark_lines(view: QPlainTextEdit, indexes: set[int], color: QColor = CHANGED_LINE) -> None:
    """Give whole lines of a text view a background (they differ from the other side)."""
    selections = []
    doc = view.document()
    for index in sorted(indexes):
        block = doc.findBlockByNumber(index)
        if not block.isValid():
            continue
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(color)  # type: ignore[attr-defined]
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)  # type: ignore[attr-defined]
        cursor = QTextCursor(block)
        cursor.clearSelection()
        selection.cursor = cursor  # type: ignore[attr-defined]
        selections.append(selection)
    view.setExtraSelections(selections)


def _text_view(parent: QWidget, object_name: str, accessible: str, text: str) -> QPlainTextEdit:
    view = QPlainTextEdit(parent)
    name(view, object_name, accessible)
    view.setReadOnly(True)
    view.setFont(poem_font())
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setPlainText(text)
    view.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    return view


class ConflictDialog(QDialog):
    resolved = Signal(str, str, str)  # THEIRS, MINE or MERGE; title; body

    def __init__(
        self,
        mine: tuple[str, str],
        theirs: tuple[str, str],
        merged: MergeResult,
        their_version: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        name(self, "conflictDialog", self.tr("The poem changed elsewhere"))
        self.setWindowTitle(self.tr("The poem changed elsewhere"))
        self.resize(980, 700)
        self.mine, self.theirs, self.merged = mine, theirs, merged

        intro = MessageBanner(self)
        intro.show_message(
            self.tr(
                "“%1” was changed elsewhere (now version %2) while you edited it. Differing "
                "lines are marked. Keep their text, yours, or a merge; whatever you do not "
                "choose stays in the draft's history."
            )
            .replace("%1", theirs[0])
            .replace("%2", str(their_version if their_version is not None else "?")),
            kind="info",
        )
        self.intro = intro

        mine_text = self._with_title(*mine)
        theirs_text = self._with_title(*theirs)
        self.mineView = _text_view(self, "mineText", self.tr("Your text"), mine_text)
        self.theirsView = _text_view(self, "theirsText", self.tr("Their text"), theirs_text)
        left, right = changed_lines(mine_text, theirs_text)
        mark_lines(self.mineView, left)
        mark_lines(self.theirsView, right)
        self.differing = (left, right)

        sides = QWidget(self)
        grid = QGridLayout(sides)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel(self.tr("<b>Yours</b>"), sides), 0, 0)
        grid.addWidget(QLabel(self.tr("<b>Theirs</b> (on the server now)"), sides), 0, 1)
        grid.addWidget(self.mineView, 1, 0)
        grid.addWidget(self.theirsView, 1, 1)
        self.keepMineButton = QPushButton(self.tr("Keep &mine"), sides)
        name(self.keepMineButton, "keepMineButton", self.tr("Keep my text"))
        self.keepTheirsButton = QPushButton(self.tr("Keep &theirs"), sides)
        name(self.keepTheirsButton, "keepTheirsButton", self.tr("Keep their text"))
        grid.addWidget(self.keepMineButton, 2, 0)
        grid.addWidget(self.keepTheirsButton, 2, 1)

        merge_box = QWidget(self)
        merge_layout = QVBoxLayout(merge_box)
        merge_layout.setContentsMargins(0, 0, 0, 0)
        self.mergeStatus = QLabel(merge_box)
        name(self.mergeStatus, "mergeStatus", self.tr("What the automatic merge did"))
        self.mergeStatus.setWordWrap(True)
        self.mergeTitleEdit = QLineEdit(merged.title, merge_box)
        name(self.mergeTitleEdit, "mergeTitleEdit", self.tr("Title of the merge"))
        self.mergeEdit = QPlainTextEdit(merge_box)
        name(self.mergeEdit, "mergeText", self.tr("The merge, to edit"))
        self.mergeEdit.setFont(poem_font())
        self.mergeEdit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.mergeEdit.setPlainText(merged.text(self.tr("yours"), self.tr("theirs")))
        self.useMergeButton = QPushButton(self.tr("&Use this merge"), merge_box)
        name(self.useMergeButton, "useMergeButton", self.tr("Use the merge"))
        later = QPushButton(self.tr("Decide &later"), merge_box)
        name(later, "decideLaterButton", self.tr("Decide later"))
        later.clicked.connect(self.reject)
        merge_buttons = QHBoxLayout()
        merge_buttons.addWidget(self.mergeStatus, 1)
        merge_buttons.addWidget(later)
        merge_buttons.addWidget(self.useMergeButton)
        merge_layout.addWidget(QLabel(self.tr("<b>Merge</b>"), merge_box))
        merge_layout.addWidget(self.mergeTitleEdit)
        merge_layout.addWidget(self.mergeEdit, 1)
        merge_layout.addLayout(merge_buttons)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(sides)
        split.addWidget(merge_box)
        split.setSizes([360, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)

        self.keepMineButton.clicked.connect(lambda: self._choose(MINE, *mine))
        self.keepTheirsButton.clicked.connect(lambda: self._choose(THEIRS, *theirs))
        self.useMergeButton.clicked.connect(self._use_merge)
        self.mergeEdit.textChanged.connect(self._update_merge)
        self.mergeTitleEdit.textChanged.connect(self._update_merge)
        self._update_merge()

    @staticmethod
    def _with_title(title: str, body: str) -> str:
        return f"{title}\n\n{body}"

    def _update_merge(self) -> None:
        text = self.mergeEdit.toPlainText()
        marked = has_markers(text)
        ready = not marked and bool(text.strip()) and bool(self.mergeTitleEdit.text().strip())
        self.useMergeButton.setEnabled(ready)
        count = len(self.merged.conflicts)
        if marked:
            status = self.tr(
                "%n place(s) changed on both sides: edit between the <<<<<<< and >>>>>>> "
                "lines, then remove them.",
                "",
                count,
            )
        elif self.merged.clean:
            status = self.tr("Merged by itself: each line was changed on one side only.")
        else:
            status = self.tr("Ready to use.")
        if self.merged.title_conflict:
            status += " " + self.tr("Both titles changed: “%1” is theirs.").replace(
                "%1", self.merged.their_title
            )
        self.mergeStatus.setText(status)

    def _use_merge(self) -> None:
        if self.useMergeButton.isEnabled():
            self._choose(MERGE, self.mergeTitleEdit.text(), self.mergeEdit.toPlainText())

    def _choose(self, choice: str, title: str, body: str) -> None:
        self.resolved.emit(choice, title, body)
        self.accept()
