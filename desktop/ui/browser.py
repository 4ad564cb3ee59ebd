"""The poem browser: search, sort, filters, and the paged list of poems."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.models.paged import IdRole
from desktop.ui.common import icon, name

Index = QModelIndex | QPersistentModelIndex


class TwoLineDelegate(QStyledItemDelegate):
    """Draws 'first line' bold and the rest dimmed: title over author · date · score."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        height = option.fontMetrics.height()  # type: ignore[attr-defined]
        text = str(index.data() or "")
        lines = max(1, text.count("\n") + 1)
        return QSize(200, int(height * (lines + 0.4) + 14))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = str(index.data() or "")
        opt.text = ""
        widget = opt.widget  # type: ignore[attr-defined]
        style = widget.style() if widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        first, _, rest = text.partition("\n")
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        palette = opt.palette  # type: ignore[attr-defined]
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect: QRect = opt.rect.adjusted(10, 6, -10, -6)  # type: ignore[attr-defined]
        base = QFont(widget.font()) if widget else QFont()
        bold = QFont(base)
        bold.setBold(True)
        painter.save()
        painter.setFont(bold)
        painter.setPen(palette.color(role))
        metrics = painter.fontMetrics()
        elided = metrics.elidedText(first, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), elided)
        if rest:
            painter.setFont(base)
            color = palette.color(role)
            if not selected:
                color = palette.color(QPalette.ColorRole.PlaceholderText)
            painter.setPen(color)
            small = painter.fontMetrics()
            top = rect.top() + metrics.height() + 2
            for line in rest.split("\n"):  # one line each, elided: the tooltip has it all
                text_line = small.elidedText(line, Qt.TextElideMode.ElideRight, rect.width())
                painter.drawText(
                    QRect(rect.left(), top, rect.width(), small.height()),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                    text_line,
                )
                top += small.height()
        painter.restore()


# Marked for lupdate; translated where shown (self.tr in the PoemBrowser context).
SORTS = [
    ("-created_at", QT_TRANSLATE_NOOP("PoemBrowser", "Newest first")),
    ("created_at", QT_TRANSLATE_NOOP("PoemBrowser", "Oldest first")),
    ("-rating_avg", QT_TRANSLATE_NOOP("PoemBrowser", "Best rated")),
    ("-rating_count", QT_TRANSLATE_NOOP("PoemBrowser", "Most rated")),
    ("title", QT_TRANSLATE_NOOP("PoemBrowser", "Title A–Z")),
    ("author", QT_TRANSLATE_NOOP("PoemBrowser", "Author A–Z")),
]


class PoemBrowser(QWidget):
    """Emits ``queryChanged`` (debounced) and ``poemActivated(id)``; shows the model it is given."""

    queryChanged = Signal()
    poemActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.searchBox = QLineEdit(self)
        name(self.searchBox, "searchBox", self.tr("Search poems"))
        self.searchBox.setPlaceholderText(self.tr("Search titles, lines, poets…  (Ctrl+F)"))
        self.searchBox.setClearButtonEnabled(True)
        self.searchBox.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.sortBox = QComboBox(self)
        name(self.sortBox, "sortBox", self.tr("Sort poems"))
        for key, label in SORTS:
            self.sortBox.addItem(self.tr(label), key)

        self.authorEdit = QLineEdit(self)
        name(self.authorEdit, "authorFilter", self.tr("Filter by author"))
        self.authorEdit.setPlaceholderText(self.tr("Poet's name"))
        self.scoreBox = QComboBox(self)
        name(self.scoreBox, "scoreFilter", self.tr("Minimum score"))
        self.scoreBox.addItem(self.tr("Any score"), None)
        for score in range(1, 6):
            self.scoreBox.addItem(self.tr("★ %1 and up").replace("%1", str(score)), score)
        self.fromDate = self._date_edit("dateFrom", self.tr("Written from"))
        self.toDate = self._date_edit("dateTo", self.tr("Written until"))

        self.poemList = QListView(self)
        name(self.poemList, "poemList", self.tr("Poems"))
        self.poemList.setItemDelegate(TwoLineDelegate(self.poemList))
        self.poemList.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.poemList.setUniformItemSizes(True)
        self.poemList.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.statusLabel = QLabel(self)
        name(self.statusLabel, "listStatus", self.tr("List status"))
        self.statusLabel.setObjectName("listStatus")

        top = QHBoxLayout()
        top.addWidget(self.searchBox, 1)
        top.addWidget(self.sortBox)
        filters = QHBoxLayout()
        filters.addWidget(self.authorEdit, 1)
        filters.addWidget(self.scoreBox)
        dates = QHBoxLayout()
        dates.addWidget(QLabel(self.tr("&Written from"), self, buddy=self.fromDate))
        dates.addWidget(self.fromDate, 1)
        dates.addWidget(QLabel(self.tr("t&o"), self, buddy=self.toDate))
        dates.addWidget(self.toDate, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(dates)
        layout.addWidget(self.poemList, 1)
        layout.addWidget(self.statusLabel)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.queryChanged)
        self.searchBox.textChanged.connect(self._debounce.start)
        self.authorEdit.textChanged.connect(self._debounce.start)
        self.searchBox.returnPressed.connect(self._now)
        self.sortBox.currentIndexChanged.connect(self._now)
        self.scoreBox.currentIndexChanged.connect(self._now)
        self.fromDate.dateChanged.connect(self._debounce.start)
        self.toDate.dateChanged.connect(self._debounce.start)
        self.poemList.activated.connect(self._activated)

    def _date_edit(self, object_name: str, accessible: str) -> QDateEdit:
        edit = QDateEdit(self)
        name(edit, object_name, accessible)
        edit.setCalendarPopup(True)
        edit.setMinimumDate(QDate(2000, 1, 1))
        edit.setSpecialValueText(self.tr("any day"))
        edit.setDate(edit.minimumDate())
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _now(self) -> None:
        self._debounce.stop()
        self.queryChanged.emit()

    def set_model(self, model: Any) -> None:
        self.poemList.setModel(model)
        self.poemList.selectionModel().currentChanged.connect(self._activated)

    def _activated(self, index: QModelIndex) -> None:
        poem_id = index.data(IdRole) if index.isValid() else None
        if poem_id is not None:
            self.poemActivated.emit(int(poem_id))

    def filters(self) -> dict[str, Any]:
        """The query the widgets show, in API.md's parameter names."""
        out: dict[str, Any] = {
            "q": self.searchBox.text().strip(),
            "sort": self.sortBox.currentData(),
            "author": self.authorEdit.text().strip(),
            "min_score": self.scoreBox.currentData(),
        }
        for key, edit in (("date_from", self.fromDate), ("date_to", self.toDate)):
            if edit.date() != edit.minimumDate():
                out[key] = edit.date().toString("yyyy-MM-dd")
        return out

    def set_status(self, text: str) -> None:
        self.statusLabel.setText(text)
