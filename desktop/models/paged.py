"""Item models fed page by page from the API through the task runner.

``canFetchMore``/``fetchMore`` load the next page when a view scrolls near the end. A
``fetch(page, per_page)`` callable runs on a worker thread; results from a superseded query
(the user typed again) are dropped by a generation counter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desktop.workers import TaskRunner

Item = dict[str, Any]
Fetch = Callable[[int, int], dict[str, Any]]
Index = QModelIndex | QPersistentModelIndex

ItemRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2


class PagedModel(QAbstractTableModel):
    """Rows are the JSON items of a paged API list. Column 0 is the display text."""

    loadingChanged = Signal(bool)
    loaded = Signal(int)  # the page that arrived
    failed = Signal(object)  # the exception
    totalChanged = Signal(int)

    #: (header, text of an item) per column; subclasses set it
    columns: list[tuple[str, Callable[[Item], str]]] = []

    def __init__(self, runner: TaskRunner, per_page: int = 30, parent: Any = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._per_page = per_page
        self._fetch: Fetch | None = None
        self._items: list[Item] = []
        self._page = 0
        self._pages = 1
        self._total = 0
        self._loading = False
        self._generation = 0
        self._error: BaseException | None = None

    # -- query --------------------------------------------------------------------------------
    def set_fetch(self, fetch: Fetch | None) -> None:
        """Replace the query and load its first page."""
        self._fetch = fetch
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self._items = []
        self._page, self._pages, self._error = 0, 1, None
        self.endResetModel()
        self._set_loading(False)
        if self._fetch is not None:
            self._load(1)

    def clear(self) -> None:
        self._fetch = None
        self.reload()
        self._set_total(0)

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def total(self) -> int:
        return self._total

    @property
    def items(self) -> list[Item]:
        return list(self._items)

    def item(self, row: int) -> Item | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, item_id: Any) -> int:
        for row, item in enumerate(self._items):
            if item.get("id") == item_id:
                return row
        return -1

    def update_item(self, item: Item) -> None:
        row = self.row_of(item.get("id"))
        if row >= 0:
            self._items[row] = {**self._items[row], **item}
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def remove_item(self, item_id: Any) -> None:
        row = self.row_of(item_id)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._items[row]
            self.endRemoveRows()
            self._set_total(max(0, self._total - 1))

    # -- paging -------------------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._fetch is None or self._loading or self._error:
            return False
        return self._page < self._pages

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._load(self._page + 1)

    def _load(self, page: int) -> None:
        fetch, generation, per_page = self._fetch, self._generation, self._per_page
        assert fetch is not None
        self._set_loading(True)
        self._runner.run(
            lambda: fetch(page, per_page),
            lambda result: self._arrived(generation, page, result),
            lambda exc: self._failed(generation, exc),
        )

    def _arrived(self, generation: int, page: int, result: dict[str, Any]) -> None:
        if generation != self._generation:
            return
        items = list(result.get("items", []))
        known = {item.get("id") for item in self._items}
        items = [item for item in items if item.get("id") not in known]
        if items:
            first = len(self._items)
            self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
            self._items.extend(items)
            self.endInsertRows()
        self._page = page
        self._pages = int(result.get("pages", page) or page)
        self._set_total(int(result.get("total", len(self._items))))
        self._set_loading(False)
        self.loaded.emit(page)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._error = exc
        self._set_loading(False)
        self.failed.emit(exc)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loadingChanged.emit(loading)

    def _set_total(self, total: int) -> None:
        if total != self._total:
            self._total = total
            self.totalChanged.emit(total)

    # -- Qt model -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else max(1, len(self.columns))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if self.columns:
                return self.columns[index.column()][1](item)
            return self.display(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(item)
        if role == ItemRole:
            return item
        if role == IdRole:
            return item.get("id")
        return None

    def display(self, item: Item) -> str:
        return str(item.get("id", ""))

    def tooltip(self, item: Item) -> str | None:
        return None
