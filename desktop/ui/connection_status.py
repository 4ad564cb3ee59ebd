"""The status bar's connection indicator: online or offline, changes waiting, last heard."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QLocale, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.ui.common import name


def clock_time(when: float) -> str:
    """A moment as the reader's locale writes a short time (and the date when not today)."""
    moment = QDateTime.fromSecsSinceEpoch(int(when)).toLocalTime()
    locale = QLocale()
    time_text = locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
    if moment.date() == QDateTime.currentDateTime().date():
        return time_text
    return f"{locale.toString(moment.date(), QLocale.FormatType.ShortFormat)} {time_text}"


class ConnectionStatus(QWidget):
    """Shows state; emits ``retryRequested`` when the poet asks to try the server at once."""

    retryRequested = Signal()
    dropRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "connectionStatus", self.tr("Connection"))
        self.stateLabel = QLabel(self)
        name(self.stateLabel, "connectionState", self.tr("Online or offline"))
        self.pendingLabel = QLabel(self)
        name(self.pendingLabel, "pendingLabel", self.tr("Changes waiting to be sent"))
        self.heardLabel = QLabel(self)
        name(self.heardLabel, "lastHeardLabel", self.tr("Last heard from the server"))
        self.retryNowButton = QPushButton(self.tr("Retry &now"), self)
        name(self.retryNowButton, "retryNowButton", self.tr("Try the server now"))
        self.retryNowButton.setFlat(True)
        self.retryNowButton.clicked.connect(self.retryRequested)
        self.dropButton = QPushButton(self.tr("&Drop refused change"), self)
        name(self.dropButton, "dropChangeButton", self.tr("Drop the change the server refused"))
        self.dropButton.setFlat(True)
        self.dropButton.clicked.connect(self.dropRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        for widget in (
            self.stateLabel,
            self.pendingLabel,
            self.heardLabel,
            self.retryNowButton,
            self.dropButton,
        ):
            layout.addWidget(widget)
        self.online: bool | None = None
        self.pending = 0
        self.waiting = 0
        self.set_state(None, 0, None)

    def set_state(
        self, online: bool | None, pending: int, last_heard: float | None, waiting: int = 0
    ) -> None:
        """``online`` None: not known yet. ``waiting``: changes the poet must decide on."""
        self.online, self.pending, self.waiting = online, pending, waiting
        if online is None:
            text = self.tr("● Connecting…")
        elif online:
            text = self.tr("● Online")
        else:
            text = self.tr("● Offline")
        self.stateLabel.setText(text)
        self.stateLabel.setProperty("online", "unknown" if online is None else str(online).lower())
        self.stateLabel.style().unpolish(self.stateLabel)
        self.stateLabel.style().polish(self.stateLabel)

        if pending:
            pending_text = self.tr("%n change(s) waiting", "", pending)
            if waiting:
                pending_text += " · " + self.tr("%n need(s) you", "", waiting)
        else:
            pending_text = self.tr("All changes sent")
        self.pendingLabel.setText(pending_text)
        self.pendingLabel.setProperty("pending", pending > 0)
        self.pendingLabel.style().unpolish(self.pendingLabel)
        self.pendingLabel.style().polish(self.pendingLabel)

        if last_heard is None:
            self.heardLabel.setText(self.tr("Not heard from the server yet"))
        else:
            self.heardLabel.setText(self.tr("Heard %1").replace("%1", clock_time(last_heard)))
        self.heardLabel.setToolTip(self.tr("The last time the server answered"))
        self.retryNowButton.setVisible(online is False or pending > 0)
        self.dropButton.setVisible(waiting > 0)
        summary = " · ".join((text.lstrip("● "), pending_text, self.heardLabel.text()))
        self.setAccessibleDescription(summary)
        self.setToolTip(summary)
