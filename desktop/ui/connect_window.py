"""The connect window: Local or Server mode, sign in or register. It only shows and asks."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.common import FieldErrors, MessageBanner, icon, name

LOCAL = "local"
SERVER = "server"


class ConnectWindow(QWidget):
    """Emits intent; the controller answers with set_busy / show_errors / show_message."""

    signInRequested = Signal(str, str, str, str)  # mode, url, email, password
    registerRequested = Signal(str, str, str, str, str)  # mode, url, name, email, password
    modeChanged = Signal(str)
    retryRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "connectWindow", self.tr("Connect to Poets Bay"))
        self.setWindowTitle(self.tr("Poets Bay — Sign in"))
        self.setWindowIcon(icon("app", "#2d5d7b"))
        self.setMinimumWidth(440)

        header = QHBoxLayout()
        logo = QLabel(self)
        logo.setPixmap(icon("app").pixmap(56, 56))
        titles = QVBoxLayout()
        title = QLabel(self.tr("Poets Bay"), self)
        title.setObjectName("appTitle")
        subtitle = QLabel(self.tr("Write, share and rate poems with your circle."), self)
        subtitle.setObjectName("appSubtitle")
        titles.addWidget(title)
        titles.addWidget(subtitle)
        header.addWidget(logo)
        header.addLayout(titles, 1)

        self.modeLocal = QRadioButton(self.tr("&Local library on this computer"), self)
        name(self.modeLocal, "modeLocal", self.tr("Local mode"))
        self.modeServer = QRadioButton(self.tr("A club &server"), self)
        name(self.modeServer, "modeServer", self.tr("Server mode"))
        self._modes = QButtonGroup(self)
        self._modes.addButton(self.modeLocal)
        self._modes.addButton(self.modeServer)
        self.modeLocal.setChecked(True)
        self.serverUrl = QLineEdit(self)
        name(self.serverUrl, "serverUrl", self.tr("Server address"))
        self.serverUrl.setPlaceholderText(self.tr("http://club.example.org:8500"))

        self.statusLabel = QLabel(self)
        name(self.statusLabel, "statusLabel", self.tr("Connection status"))
        self.statusLabel.setObjectName("statusLabel")

        self.nameEdit = QLineEdit(self)
        name(self.nameEdit, "nameEdit", self.tr("Name"))
        self.nameEdit.setPlaceholderText(self.tr("Only needed to create an account"))
        self.emailEdit = QLineEdit(self)
        name(self.emailEdit, "emailEdit", self.tr("Email"))
        self.emailEdit.setPlaceholderText(self.tr("you@example.org"))
        self.passwordEdit = QLineEdit(self)
        name(self.passwordEdit, "passwordEdit", self.tr("Password"))
        self.passwordEdit.setEchoMode(QLineEdit.EchoMode.Password)

        self.banner = MessageBanner(self)
        self.banner.retryClicked.connect(self.retryRequested)
        self.errors = FieldErrors(self.banner)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.modeLocal)
        form.addRow(self.modeServer)
        form.addRow(self.tr("Server &address:"), self.serverUrl)
        form.addRow("", self.errors.add("url", self))
        form.addRow(self.tr("&Name:"), self.nameEdit)
        form.addRow("", self.errors.add("name", self))
        form.addRow(self.tr("&Email:"), self.emailEdit)
        form.addRow("", self.errors.add("email", self))
        form.addRow(self.tr("&Password:"), self.passwordEdit)
        form.addRow("", self.errors.add("password", self))

        self.signInButton = QPushButton(self.tr("Sign &in"), self)
        name(self.signInButton, "signInButton", self.tr("Sign in"))
        self.signInButton.setDefault(True)
        self.registerButton = QPushButton(self.tr("&Create account"), self)
        name(self.registerButton, "registerButton", self.tr("Create account"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.statusLabel, 1)
        buttons.addWidget(self.registerButton)
        buttons.addWidget(self.signInButton)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addLayout(buttons)

        self.signInButton.clicked.connect(self._sign_in)
        self.registerButton.clicked.connect(self._register)
        self.passwordEdit.returnPressed.connect(self._sign_in)
        self.modeLocal.toggled.connect(self._mode_toggled)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self._busy = False
        self._local_ready = False
        self._update_enabled()

    # -- state shown --------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return LOCAL if self.modeLocal.isChecked() else SERVER

    def set_mode(self, mode: str, url: str = "") -> None:
        (self.modeLocal if mode == LOCAL else self.modeServer).setChecked(True)
        if url:
            self.serverUrl.setText(url)
        self._update_enabled()

    def set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        self.statusLabel.setText(text)
        self._update_enabled()

    def set_local_ready(self, ready: bool, text: str = "") -> None:
        self._local_ready = ready
        if self.mode == LOCAL:
            self.statusLabel.setText(text)
        self._update_enabled()

    def show_errors(self, errors: dict[str, str], fallback: str = "") -> None:
        self.errors.show(errors, fallback)

    def show_message(self, text: str, *, retry: bool = False) -> None:
        self.banner.show_message(text, retry=retry)

    def clear_messages(self) -> None:
        self.errors.clear()

    # -- intent -------------------------------------------------------------------------------
    def _sign_in(self) -> None:
        if self.signInButton.isEnabled():
            self.clear_messages()
            self.signInRequested.emit(
                self.mode, self.serverUrl.text(), self.emailEdit.text(), self.passwordEdit.text()
            )

    def _register(self) -> None:
        self.clear_messages()
        self.registerRequested.emit(
            self.mode,
            self.serverUrl.text(),
            self.nameEdit.text(),
            self.emailEdit.text(),
            self.passwordEdit.text(),
        )

    def _mode_toggled(self) -> None:
        self.clear_messages()
        self._update_enabled()
        self.modeChanged.emit(self.mode)

    def _update_enabled(self) -> None:
        server = self.mode == SERVER
        self.serverUrl.setEnabled(server and not self._busy)
        can_act = not self._busy and (server or self._local_ready)
        self.signInButton.setEnabled(can_act)
        self.registerButton.setEnabled(can_act)
