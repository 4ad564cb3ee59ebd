"""The main window: places, the poem browser, the reader, and the toolbar. It shows state
and emits intent; the controller does the work."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.models.paged import ItemRole
from desktop.ui.browser import PoemBrowser, TwoLineDelegate
from desktop.ui.common import MessageBanner, icon, name
from desktop.ui.connection_status import ConnectionStatus
from desktop.ui.drafts_panel import DraftsPanel
from desktop.ui.reader import PoemReader

# Marked for lupdate; translated where shown (self.tr in the MainWindow context).
PLACES = [
    ("all", QT_TRANSLATE_NOOP("MainWindow", "All poems"), "book"),
    ("mine", QT_TRANSLATE_NOOP("MainWindow", "My poems"), "feather"),
    ("unrated", QT_TRANSLATE_NOOP("MainWindow", "Not rated by me"), "star"),
    ("ratings", QT_TRANSLATE_NOOP("MainWindow", "My ratings"), "list"),
    ("drafts", QT_TRANSLATE_NOOP("MainWindow", "Drafts"), "edit"),
]
STACK = {"ratings": 1, "drafts": 2}  # every other place shows the poem browser


class MainWindow(QMainWindow):
    newPoemRequested = Signal()
    rateRequested = Signal()
    refreshRequested = Signal()
    placeChanged = Signal(str)
    notificationsRequested = Signal()
    profileRequested = Signal()
    usersRequested = Signal()
    signOutRequested = Signal()
    switchRequested = Signal()
    retryRequested = Signal()
    myRatingActivated = Signal(int)  # poem id
    closing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "mainWindow", self.tr("Poets Bay"))
        self.setWindowTitle(self.tr("Poets Bay"))
        self.setWindowIcon(icon("app", "#2d5d7b"))
        self.resize(1100, 700)

        self.browser = PoemBrowser(self)
        self.reader = PoemReader(self)
        self.searchBox = self.browser.searchBox
        self.sortBox = self.browser.sortBox
        self.poemList = self.browser.poemList
        self.poemReader = self.reader.poemReader
        self.rateButton = self.reader.rateButton

        self.placesList = QListWidget(self)
        name(self.placesList, "placesList", self.tr("Places"))
        self.placesList.setIconSize(QSize(18, 18))
        for key, label, icon_name in PLACES:
            item = QListWidgetItem(icon(icon_name), self.tr(label))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.placesList.addItem(item)
        self.placesList.setCurrentRow(0)
        self.placesList.setFixedWidth(180)
        self.placesList.currentItemChanged.connect(self._place_changed)

        self.myRatingsList = QListView(self)
        name(self.myRatingsList, "myRatingsList", self.tr("My ratings"))
        self.myRatingsList.setItemDelegate(TwoLineDelegate(self.myRatingsList))
        self.myRatingsList.activated.connect(self._my_rating_activated)
        self.myRatingsList.clicked.connect(self._my_rating_activated)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.browser)
        self.stack.addWidget(self.myRatingsList)
        self.draftsPanel = DraftsPanel(self)
        self.stack.addWidget(self.draftsPanel)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.placesList)
        split.addWidget(self.stack)
        split.addWidget(self.reader)
        split.setStretchFactor(1, 2)
        split.setStretchFactor(2, 3)
        split.setSizes([180, 380, 540])

        self.banner = MessageBanner(self)
        self.banner.retryClicked.connect(self.retryRequested)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)

        self._build_toolbar()
        self.busyBar = QProgressBar(self)
        self.busyBar.setRange(0, 0)
        self.busyBar.setMaximumWidth(120)
        self.busyBar.setMaximumHeight(12)
        self.busyBar.hide()
        self.userLabel = QLabel(self)
        name(self.userLabel, "userLabel", self.tr("Signed in as"))
        self.connectionStatus = ConnectionStatus(self)
        self.statusBar().addWidget(self.connectionStatus)
        self.statusBar().addPermanentWidget(self.busyBar)
        self.statusBar().addPermanentWidget(self.userLabel)

        self.reader.rateRequested.connect(self._rate_clicked)

    # -- toolbar and shortcuts ----------------------------------------------------------------
    def _action(self, text: str, icon_name: str, shortcut: Any, signal: Any) -> QAction:
        action = QAction(icon(icon_name), text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(signal)
        self.addAction(action)
        return action

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Main"), self)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setIconSize(QSize(18, 18))
        self.addToolBar(bar)

        self.newPoemAction = self._action(
            self.tr("&New poem"), "plus", QKeySequence.StandardKey.New, self.newPoemRequested
        )
        self.refreshAction = self._action(
            self.tr("Refresh"), "refresh", QKeySequence.StandardKey.Refresh, self.refreshRequested
        )
        self.refreshAction.setShortcuts([QKeySequence("F5"), QKeySequence("Ctrl+Shift+R")])
        self.searchAction = self._action(
            self.tr("Search"), "search", QKeySequence.StandardKey.Find, self._focus_search
        )
        self.rateAction = self._action(self.tr("Rate"), "star", "Ctrl+R", self._rate_clicked)

        self.newPoemButton = QToolButton(self)
        name(self.newPoemButton, "newPoemButton", self.tr("New poem"))
        self.newPoemButton.setDefaultAction(self.newPoemAction)
        self.newPoemButton.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.newPoemAction.setToolTip(self.tr("Write a new poem (Ctrl+N)"))
        bar.addWidget(self.newPoemButton)
        refresh = QToolButton(self)
        name(refresh, "refreshButton", self.tr("Refresh"))
        refresh.setDefaultAction(self.refreshAction)
        self.refreshAction.setToolTip(self.tr("Refresh (F5)"))
        bar.addWidget(refresh)

        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)

        self.notificationsButton = QToolButton(self)
        name(self.notificationsButton, "notificationsButton", self.tr("Notifications"))
        self.notificationsButton.setIcon(icon("bell"))
        self.notificationsButton.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.notificationsButton.clicked.connect(self.notificationsRequested)
        self.notificationsButton.setToolTip(self.tr("Notifications (Ctrl+Shift+N)"))
        bar.addWidget(self.notificationsButton)
        self.set_unread(0)

        self.accountButton = QToolButton(self)
        name(self.accountButton, "accountButton", self.tr("Account"))
        self.accountButton.setIcon(icon("user"))
        self.accountButton.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.accountButton.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.accountButton)
        self.profileAction = menu.addAction(icon("user"), self.tr("&Profile…"))
        self.profileAction.triggered.connect(self.profileRequested)
        self.usersAction = menu.addAction(icon("users"), self.tr("&Users…"))
        self.usersAction.triggered.connect(self.usersRequested)
        menu.addSeparator()
        self.switchAction = menu.addAction(icon("server"), self.tr("S&witch library or account…"))
        self.switchAction.triggered.connect(self.switchRequested)
        self.signOutAction = menu.addAction(icon("logout"), self.tr("&Sign out"))
        self.signOutAction.triggered.connect(self.signOutRequested)
        self.accountButton.setMenu(menu)
        # Shortcuts for everything in the toolbar menu, so it all works from the keyboard.
        self.notificationsAction = self._action(
            self.tr("Notifications"), "bell", "Ctrl+Shift+N", self.notificationsRequested
        )
        for action, keys in (
            (self.profileAction, "Ctrl+Shift+P"),
            (self.usersAction, "Ctrl+Shift+U"),
            (self.accountMenuAction(menu), "Alt+A"),
        ):
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        bar.addWidget(self.accountButton)

    def accountMenuAction(self, menu: QMenu) -> QAction:  # noqa: N802 (Qt naming)
        """An action that opens the account menu under its button."""
        action = QAction(self.tr("Account menu"), self)
        action.triggered.connect(
            lambda: menu.popup(
                self.accountButton.mapToGlobal(self.accountButton.rect().bottomLeft())
            )
        )
        return action

    def _focus_search(self) -> None:
        if self.stack.currentIndex() != 0:
            self.placesList.setCurrentRow(0)
        self.searchBox.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.searchBox.selectAll()

    def _rate_clicked(self) -> None:
        if self.rateButton.isEnabled() and self.rateButton.isVisible():
            self.rateRequested.emit()

    def _place_changed(self, current: QListWidgetItem | None) -> None:
        if current is None:
            return
        key = str(current.data(Qt.ItemDataRole.UserRole))
        self.stack.setCurrentIndex(STACK.get(key, 0))
        self.placeChanged.emit(key)

    def _my_rating_activated(self, index: Any) -> None:
        item = index.data(ItemRole)
        if isinstance(item, dict) and item.get("poem"):
            self.myRatingActivated.emit(int(item["poem"]["id"]))

    # -- state shown --------------------------------------------------------------------------
    @property
    def place(self) -> str:
        item = self.placesList.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else "all"

    def show_place(self, key: str) -> None:
        for row in range(self.placesList.count()):
            if self.placesList.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.placesList.setCurrentRow(row)
                return

    def set_user(self, user: dict[str, Any] | None, mode_text: str) -> None:
        if user is None:
            self.userLabel.setText(mode_text)
            self.accountButton.setText(self.tr("Account"))
            self.usersAction.setVisible(False)
            return
        self.userLabel.setText(
            self.tr("%1 (%2) · %3")
            .replace("%1", str(user.get("name", "")))
            .replace("%2", str(user.get("role", "")))
            .replace("%3", mode_text)
        )
        self.accountButton.setText(str(user.get("name", "")))
        self.usersAction.setVisible(user.get("role") == "admin")
        can_write = user.get("role") in ("poet", "admin")
        self.newPoemAction.setEnabled(can_write)

    def set_unread(self, count: int) -> None:
        self.notificationsButton.setText(
            self.tr("%1 unread").replace("%1", str(count)) if count else self.tr("Notifications")
        )
        self.notificationsButton.setProperty("unread", count > 0)
        self.notificationsButton.setAccessibleDescription(
            self.tr("%n unread notification(s)", "", count)
        )
        self.notificationsButton.style().unpolish(self.notificationsButton)
        self.notificationsButton.style().polish(self.notificationsButton)

    def set_busy(self, busy: bool) -> None:
        self.busyBar.setVisible(busy)

    def show_message(self, text: str, *, retry: bool = False, kind: str = "error") -> None:
        self.banner.show_message(text, retry=retry, kind=kind)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)
