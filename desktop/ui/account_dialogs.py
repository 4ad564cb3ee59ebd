"""Profile and notifications dialogs: they show state and emit intent."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.models.paged import IdRole, ItemRole
from desktop.ui.browser import TwoLineDelegate
from desktop.ui.common import FieldErrors, MessageBanner, name


class ProfileDialog(QDialog):
    """Name, email, bio, password change (asks for the current one), email notifications."""

    saveRequested = Signal(dict)

    def __init__(self, user: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "profileDialog", self.tr("Profile"))
        self.setWindowTitle(self.tr("Your profile"))
        self.setMinimumWidth(460)
        self.user = user
        self.nameEdit = QLineEdit(str(user.get("name", "")), self)
        name(self.nameEdit, "profileName", self.tr("Name"))
        self.emailEdit = QLineEdit(str(user.get("email", "")), self)
        name(self.emailEdit, "profileEmail", self.tr("Email"))
        self.bioEdit = QPlainTextEdit(str(user.get("bio") or ""), self)
        name(self.bioEdit, "profileBio", self.tr("About you"))
        self.bioEdit.setTabChangesFocus(True)
        self.bioEdit.setMaximumHeight(90)
        self.notifyBox = QCheckBox(self.tr("&Email me when someone rates my poems"), self)
        name(self.notifyBox, "notifyByEmail", self.tr("Email notifications"))
        self.notifyBox.setChecked(bool(user.get("notify_by_email", True)))
        self.newPassword = QLineEdit(self)
        name(self.newPassword, "newPassword", self.tr("New password"))
        self.newPassword.setEchoMode(QLineEdit.EchoMode.Password)
        self.newPassword.setPlaceholderText(self.tr("Leave empty to keep it"))
        self.currentPassword = QLineEdit(self)
        name(self.currentPassword, "currentPassword", self.tr("Current password"))
        self.currentPassword.setEchoMode(QLineEdit.EchoMode.Password)
        self.currentPassword.setPlaceholderText(self.tr("Needed to change email or password"))

        self.banner = MessageBanner(self)
        self.errors = FieldErrors(self.banner)
        form = QFormLayout()
        rows = [
            (self.tr("&Name:"), self.nameEdit, "name"),
            (self.tr("&Email:"), self.emailEdit, "email"),
            (self.tr("&About you:"), self.bioEdit, "bio"),
            ("", self.notifyBox, "notify_by_email"),
            (self.tr("New &password:"), self.newPassword, "password"),
            (self.tr("&Current password:"), self.currentPassword, "current_password"),
        ]
        for label, widget, field in rows:
            form.addRow(label, widget)
            form.addRow("", self.errors.add(field, self))
        self.saveButton = QPushButton(self.tr("&Save"), self)
        name(self.saveButton, "saveProfileButton", self.tr("Save profile"))
        self.saveButton.setDefault(True)
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.saveButton)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.saveButton.clicked.connect(self._save)

    def changes(self) -> dict[str, Any]:
        """Only the fields that changed, in API.md's names."""
        out: dict[str, Any] = {}
        if self.nameEdit.text().strip() != self.user.get("name"):
            out["name"] = self.nameEdit.text().strip()
        if self.emailEdit.text().strip() != self.user.get("email"):
            out["email"] = self.emailEdit.text().strip()
        if self.bioEdit.toPlainText() != (self.user.get("bio") or ""):
            out["bio"] = self.bioEdit.toPlainText()
        if self.notifyBox.isChecked() != bool(self.user.get("notify_by_email", True)):
            out["notify_by_email"] = self.notifyBox.isChecked()
        if self.newPassword.text():
            out["password"] = self.newPassword.text()
        if self.currentPassword.text() and ("email" in out or "password" in out):
            out["current_password"] = self.currentPassword.text()
        return out

    def set_busy(self, busy: bool) -> None:
        self.saveButton.setEnabled(not busy)

    def show_errors(self, errors: dict[str, str], fallback: str = "") -> None:
        self.errors.show(errors, fallback)

    def _save(self) -> None:
        changes = self.changes()
        if not changes:
            self.accept()
            return
        self.errors.clear()
        self.saveRequested.emit(changes)


class NotificationsDialog(QDialog):
    markReadRequested = Signal(int)
    markAllReadRequested = Signal()
    poemRequested = Signal(int)

    def __init__(self, model: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "notificationsDialog", self.tr("Notifications"))
        self.setWindowTitle(self.tr("Notifications"))
        self.resize(460, 420)
        self.list = QListView(self)
        name(self.list, "notificationsList", self.tr("Notifications"))
        self.list.setItemDelegate(TwoLineDelegate(self.list))
        self.list.setModel(model)
        self.emptyLabel = QLabel(
            self.tr("Nothing new. Ratings of your poems will show here."), self
        )
        self.emptyLabel.setObjectName("emptyState")
        self.banner = MessageBanner(self)
        self.markReadButton = QPushButton(self.tr("&Mark read"), self)
        name(self.markReadButton, "markReadButton", self.tr("Mark read"))
        self.markAllButton = QPushButton(self.tr("Mark &all read"), self)
        name(self.markAllButton, "markAllReadButton", self.tr("Mark all read"))
        self.openButton = QPushButton(self.tr("&Open poem"), self)
        name(self.openButton, "openPoemButton", self.tr("Open the poem"))
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.markReadButton)
        buttons.addWidget(self.markAllButton)
        buttons.addStretch(1)
        buttons.addWidget(self.openButton)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.emptyLabel)
        layout.addLayout(buttons)
        self.markReadButton.clicked.connect(self._mark_read)
        self.markAllButton.clicked.connect(self.markAllReadRequested)
        self.openButton.clicked.connect(self._open)
        self.list.activated.connect(self._open)
        model.modelReset.connect(self._update_empty)
        model.rowsInserted.connect(self._update_empty)
        self._model = model
        self._update_empty()

    def _update_empty(self) -> None:
        self.emptyLabel.setVisible(self._model.rowCount() == 0)

    def _current(self) -> dict[str, Any] | None:
        index = self.list.currentIndex()
        item = index.data(ItemRole) if index.isValid() else None
        return item if isinstance(item, dict) else None

    def _mark_read(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            self.markReadRequested.emit(int(index.data(IdRole)))

    def _open(self) -> None:
        item = self._current()
        if item and (item.get("data") or {}).get("poem_id"):
            if not item.get("read"):
                self.markReadRequested.emit(int(item["id"]))
            self.poemRequested.emit(int(item["data"]["poem_id"]))
