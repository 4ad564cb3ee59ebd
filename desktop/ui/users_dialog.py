"""Users (admins): search, role, enable/disable, delete with a confirmation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.models.paged import ItemRole
from desktop.ui import common
from desktop.ui.common import MessageBanner, name

ROLES = ("admin", "poet", "reader")


class UsersDialog(QDialog):
    searchChanged = Signal(str)
    roleRequested = Signal(int, str)
    activeRequested = Signal(int, bool)
    deleteRequested = Signal(int)

    def __init__(self, model: Any, my_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "usersDialog", self.tr("Users"))
        self.setWindowTitle(self.tr("Users"))
        self.resize(760, 460)
        self._my_id = my_id
        self.searchEdit = QLineEdit(self)
        name(self.searchEdit, "userSearch", self.tr("Search users"))
        self.searchEdit.setPlaceholderText(self.tr("Search by name or email"))
        self.searchEdit.setClearButtonEnabled(True)
        self.userTable = QTableView(self)
        name(self.userTable, "userTable", self.tr("Users"))
        self.userTable.setModel(model)
        self.userTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.userTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.userTable.verticalHeader().hide()
        header = self.userTable.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (0, 1, 2, 3):  # the counts keep to their size; the rest share the room
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.userTable.setAlternatingRowColors(True)
        self.roleBox = QComboBox(self)
        name(self.roleBox, "roleBox", self.tr("Role"))
        for role in ROLES:
            self.roleBox.addItem(self.tr(role), role)
        self.activeButton = QPushButton(self.tr("&Disable"), self)
        name(self.activeButton, "toggleActiveButton", self.tr("Enable or disable"))
        self.deleteButton = QPushButton(self.tr("De&lete…"), self)
        name(self.deleteButton, "deleteUserButton", self.tr("Delete user"))
        self.banner = MessageBanner(self)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)

        actions = QHBoxLayout()
        actions.addWidget(QLabel(self.tr("&Role:"), self, buddy=self.roleBox))
        actions.addWidget(self.roleBox)
        actions.addWidget(self.activeButton)
        actions.addWidget(self.deleteButton)
        actions.addStretch(1)
        actions.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.searchEdit)
        layout.addWidget(self.banner)
        layout.addWidget(self.userTable, 1)
        layout.addLayout(actions)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(lambda: self.searchChanged.emit(self.searchEdit.text()))
        self.searchEdit.textChanged.connect(self._debounce.start)
        self.userTable.selectionModel().currentRowChanged.connect(self._selection_changed)
        model.dataChanged.connect(self._selection_changed)
        model.modelReset.connect(self._selection_changed)
        self.roleBox.activated.connect(self._role_chosen)
        self.activeButton.clicked.connect(self._toggle_active)
        self.deleteButton.clicked.connect(self._delete)
        self._selection_changed()

    def current_user(self) -> dict[str, Any] | None:
        index = self.userTable.currentIndex()
        item = index.data(ItemRole) if index.isValid() else None
        return item if isinstance(item, dict) else None

    def _selection_changed(self, *_args: Any) -> None:
        user = self.current_user()
        editable = user is not None and user.get("id") != self._my_id
        for widget in (self.roleBox, self.activeButton, self.deleteButton):
            widget.setEnabled(editable)
        if user is not None:
            self.roleBox.setCurrentIndex(max(0, self.roleBox.findData(user.get("role"))))
            active = bool(user.get("active", True))
            self.activeButton.setText(self.tr("&Disable") if active else self.tr("&Enable"))

    def _role_chosen(self) -> None:
        user = self.current_user()
        role = self.roleBox.currentData()
        if user is not None and role != user.get("role"):
            self.roleRequested.emit(int(user["id"]), str(role))

    def _toggle_active(self) -> None:
        user = self.current_user()
        if user is not None:
            self.activeRequested.emit(int(user["id"]), not bool(user.get("active", True)))

    def _delete(self) -> None:
        user = self.current_user()
        if user is not None and common.confirm(
            self,
            self.tr("Delete user"),
            self.tr("Delete %1 with all their poems and ratings? This cannot be undone.").replace(
                "%1", str(user.get("name", ""))
            ),
        ):
            self.deleteRequested.emit(int(user["id"]))
