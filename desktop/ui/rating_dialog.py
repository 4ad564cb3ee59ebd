"""The rating dialog: stars, a comment, submit; edit or delete one's own rating."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import common
from desktop.ui.common import FieldErrors, MessageBanner, name
from desktop.ui.star_rating import StarRating

MAX_COMMENT = 2000


class RatingDialog(QDialog):
    submitRequested = Signal(int, str)  # score, comment
    deleteRequested = Signal()

    def __init__(
        self, poem: dict[str, Any], mine: dict[str, Any] | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        name(self, "ratingDialog", self.tr("Rate a poem"))
        self.poem = poem
        self.mine = mine
        self.setWindowTitle(self.tr("Rate “%1”").replace("%1", str(poem.get("title", ""))))
        self.setMinimumWidth(420)

        heading = QLabel(
            self.tr("How did “%1” by %2 speak to you?")
            .replace("%1", str(poem.get("title", "")))
            .replace("%2", str((poem.get("author") or {}).get("name", ""))),
            self,
        )
        heading.setWordWrap(True)
        self.starRating = StarRating(self)
        name(self.starRating, "starRating", self.tr("Stars"))
        self.starHint = QLabel(self.tr("Click a star, or press 1–5 or ←/→."), self)
        self.starHint.setObjectName("appSubtitle")
        self.commentEdit = QPlainTextEdit(self)
        name(self.commentEdit, "commentEdit", self.tr("Comment"))
        self.commentEdit.setPlaceholderText(self.tr("A few words for the poet (optional)"))
        self.commentEdit.setTabChangesFocus(True)
        self.commentEdit.setMaximumHeight(120)

        self.banner = MessageBanner(self)
        self.errors = FieldErrors(self.banner)
        score_error = self.errors.add("score", self)
        comment_error = self.errors.add("comment", self)

        self.submitButton = QPushButton(self.tr("&Submit rating"), self)
        name(self.submitButton, "submitButton", self.tr("Submit rating"))
        self.submitButton.setDefault(True)
        self.deleteButton = QPushButton(self.tr("&Delete my rating"), self)
        name(self.deleteButton, "deleteRatingButton", self.tr("Delete my rating"))
        self.deleteButton.setVisible(mine is not None)
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.deleteButton)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.submitButton)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.banner)
        layout.addWidget(self.starRating)
        layout.addWidget(self.starHint)
        layout.addWidget(score_error)
        layout.addWidget(QLabel(self.tr("&Comment:"), self, buddy=self.commentEdit))
        layout.addWidget(self.commentEdit)
        layout.addWidget(comment_error)
        layout.addLayout(buttons)

        if mine:
            self.starRating.setValue(int(mine.get("score") or 0))
            self.commentEdit.setPlainText(str(mine.get("comment") or ""))
            self.submitButton.setText(self.tr("&Update rating"))
        self.starRating.valueChanged.connect(self._update_enabled)
        self.submitButton.clicked.connect(self._submit)
        self.deleteButton.clicked.connect(self._delete)
        self.starRating.setFocus()
        self._busy = False
        self._update_enabled()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_enabled()

    def show_errors(self, errors: dict[str, str], fallback: str = "") -> None:
        self.errors.show(errors, fallback)

    def _update_enabled(self) -> None:
        self.submitButton.setEnabled(not self._busy and self.starRating.value > 0)
        self.deleteButton.setEnabled(not self._busy)

    def _submit(self) -> None:
        comment = self.commentEdit.toPlainText()
        if len(comment) > MAX_COMMENT:
            self.errors.show({"comment": self.tr("At most 2000 characters.")})
            return
        self.errors.clear()
        self.submitRequested.emit(self.starRating.value, comment)

    def _delete(self) -> None:
        if common.confirm(
            self, self.tr("Delete rating"), self.tr("Delete your rating of this poem?")
        ):
            self.deleteRequested.emit()
