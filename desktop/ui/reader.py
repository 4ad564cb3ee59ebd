"""The reader pane: a poem whitespace-exact, who wrote it, its score and its ratings."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from desktop import format as fmt
from desktop.ui.browser import TwoLineDelegate
from desktop.ui.common import icon, name
from desktop.ui.poem_editor import poem_font


class PoemReader(QWidget):
    rateRequested = Signal()
    editRequested = Signal()
    takeBackRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.poem: dict[str, Any] | None = None
        self.titleLabel = QLabel(self)
        name(self.titleLabel, "readerTitle", self.tr("Poem title"))
        self.titleLabel.setWordWrap(True)
        self.titleLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.metaLabel = QLabel(self)
        name(self.metaLabel, "readerMeta", self.tr("Author, date and score"))
        self.metaLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.pendingLabel = QLabel(self)
        name(self.pendingLabel, "poemPendingLabel", self.tr("Changes to this poem not yet sent"))
        self.pendingLabel.hide()
        self.rateButton = QPushButton(icon("star"), self.tr("&Rate…"), self)
        name(self.rateButton, "rateButton", self.tr("Rate this poem"))
        self.rateButton.setToolTip(self.tr("Rate this poem (Ctrl+R)"))
        self.editButton = QPushButton(icon("edit"), self.tr("&Edit…"), self)
        name(self.editButton, "editPoemButton", self.tr("Edit this poem"))
        self.takeBackButton = QPushButton(icon("feather"), self.tr("Into a &draft"), self)
        name(self.takeBackButton, "takeBackButton", self.tr("Take this poem back into a draft"))
        self.takeBackButton.setToolTip(
            self.tr("Work on this poem in Drafts, then publish it again")
        )

        # Plain text only: a poem's spaces, tabs and blank lines are shown as written.
        self.poemReader = QPlainTextEdit(self)
        name(self.poemReader, "poemReader", self.tr("Poem text"))
        self.poemReader.setReadOnly(True)
        self.poemReader.setFont(poem_font())
        self.poemReader.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.poemReader.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.poemReader.document().setDocumentMargin(14)
        self.poemReader.setTabStopDistance(4 * self.poemReader.fontMetrics().horizontalAdvance(" "))

        self.ratingsLabel = QLabel(self)
        name(self.ratingsLabel, "ratingsLabel", self.tr("Ratings"))
        self.ratingsList = QListView(self)
        name(self.ratingsList, "ratingsList", self.tr("Ratings of this poem"))
        self.ratingsList.setItemDelegate(TwoLineDelegate(self.ratingsList))
        self.ratingsList.setWordWrap(True)

        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.titleLabel)
        titles.addWidget(self.metaLabel)
        titles.addWidget(self.pendingLabel)
        head.addLayout(titles, 1)
        head.addWidget(self.editButton, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.takeBackButton, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.rateButton, 0, Qt.AlignmentFlag.AlignTop)

        ratings = QWidget(self)
        ratings_layout = QVBoxLayout(ratings)
        ratings_layout.setContentsMargins(0, 0, 0, 0)
        ratings_layout.addWidget(self.ratingsLabel)
        ratings_layout.addWidget(self.ratingsList)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.poemReader)
        split.addWidget(ratings)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        page = QWidget(self)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(12, 8, 12, 8)
        page_layout.addLayout(head)
        page_layout.addWidget(split, 1)
        self.emptyLabel = QLabel(self.tr("Pick a poem to read it here."), self)
        name(self.emptyLabel, "emptyState", self.tr("No poem selected"))
        self.emptyLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.emptyLabel)
        self._stack.addWidget(page)

        self.rateButton.clicked.connect(self.rateRequested)
        self.editButton.clicked.connect(self.editRequested)
        self.takeBackButton.clicked.connect(self.takeBackRequested)
        self.clear()

    def clear(self, text: str = "") -> None:
        self.poem = None
        self.emptyLabel.setText(text or self.tr("Pick a poem to read it here."))
        self._stack.setCurrentIndex(0)
        self.rateButton.setEnabled(False)
        self.editButton.hide()
        self.takeBackButton.hide()
        self.set_pending(0)

    def set_pending(self, count: int) -> None:
        """How many changes to this poem (an edit, a rating) wait on this device."""
        self.pendingLabel.setText(
            self.tr("%n change(s) to this poem wait to be sent", "", count) if count else ""
        )
        self.pendingLabel.setVisible(count > 0)

    def show_poem(
        self,
        poem: dict[str, Any],
        *,
        my_id: int | None,
        is_admin: bool,
        stale_since: str = "",
    ) -> None:
        """``stale_since``: the poem is a copy saved on this device at that time (offline)."""
        self.poem = poem
        author = poem.get("author") or {}
        own = my_id is not None and author.get("id") == my_id
        self.titleLabel.setText(str(poem.get("title", "")))
        self.metaLabel.setText(
            self.tr("by %1 · %2 · %3")
            .replace("%1", str(author.get("name", "")))
            .replace("%2", fmt.date(poem.get("created_at")))
            .replace("%3", fmt.average(poem.get("rating_avg"), poem.get("rating_count")))
            + (
                " · " + self.tr("copy saved %1, may be out of date").replace("%1", stale_since)
                if stale_since
                else ""
            )
        )
        if self.poemReader.toPlainText() != poem.get("body", ""):
            self.poemReader.setPlainText(str(poem.get("body", "")))
        mine = poem.get("my_rating")
        # Rating one's own poem is not offered; signed-out readers cannot rate.
        self.rateButton.setVisible(not own)
        self.rateButton.setEnabled(not own and my_id is not None)
        self.rateButton.setText(self.tr("&Edit my rating…") if mine else self.tr("&Rate…"))
        self.editButton.setVisible(own or is_admin)
        self.takeBackButton.setVisible(own)
        count = int(poem.get("rating_count") or 0)
        self.ratingsLabel.setText(
            self.tr("%n rating(s)", "", count) if count else self.tr("No ratings yet")
        )
        self._stack.setCurrentIndex(1)
