"""Small shared widgets: a message banner with Retry, field error labels, icons, names."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)


def tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def name(widget: QWidget, object_name: str, accessible: str) -> QWidget:
    """Give a widget its stable objectName and its accessible name."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible)
    return widget


def resource_text(package: str, filename: str) -> str:
    return resources.files(package).joinpath(filename).read_text(encoding="utf-8")


@cache
def _svg(icon_name: str) -> str:
    return resource_text("resources.icons", f"{icon_name}.svg")


def icon(icon_name: str, color: str | None = None) -> QIcon:
    """An icon from resources/icons, drawn in the palette's text colour (light or dark)."""
    if color is None:
        app = QApplication.instance()
        palette = app.palette() if isinstance(app, QApplication) else QPalette()
        color = palette.color(QPalette.ColorRole.WindowText).name()
    data = _svg(icon_name).replace("currentColor", color).encode("utf-8")
    renderer = QSvgRenderer(QByteArray(data))
    result = QIcon()
    for size in (16, 24, 32, 48, 64):
        pixmap = QPixmap(QSize(size, size))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        result.addPixmap(pixmap)
    return result


class MessageBanner(QFrame):
    """A one-line message, with an optional Retry button; hidden when empty."""

    retryClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "messageBanner", self.tr("Message"))
        self.setProperty("kind", "error")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self._label = QLabel(self)
        name(self._label, "messageText", self.tr("Message text"))
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retryButton = QPushButton(self.tr("&Retry"), self)
        name(self.retryButton, "retryButton", self.tr("Retry"))
        self.retryButton.clicked.connect(self.retryClicked)
        layout.addWidget(self._label, 1)
        layout.addWidget(self.retryButton)
        self.hide()

    @property
    def text(self) -> str:
        return self._label.text()

    def show_message(self, text: str, *, retry: bool = False, kind: str = "error") -> None:
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self._label.setText(text)
        self.retryButton.setVisible(retry)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self._label.clear()
        self.hide()


class FieldError(QLabel):
    """The red line under a field that shows what the API said about it."""

    def __init__(self, field: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, f"{field}Error", tr("FieldError", "Problem with %1").replace("%1", field))
        self.setProperty("role", "fieldError")
        self.setWordWrap(True)
        self.hide()

    def set_error(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))


class FieldErrors:
    """Maps API field names to FieldError labels; unnamed errors go to a banner."""

    def __init__(self, banner: MessageBanner | None = None) -> None:
        self._labels: dict[str, FieldError] = {}
        self._banner = banner

    def add(self, field: str, parent: QWidget | None = None) -> FieldError:
        label = FieldError(field, parent)
        self._labels[field] = label
        return label

    def label(self, field: str) -> FieldError:
        return self._labels[field]

    def clear(self) -> None:
        for label in self._labels.values():
            label.set_error("")
        if self._banner is not None:
            self._banner.clear()

    def show(self, errors: dict[str, str], fallback: str = "") -> None:
        """Put each message beside its field; anything else in the banner."""
        self.clear()
        rest: list[str] = []
        for field, message in errors.items():
            label = self._labels.get(field)
            if label is None:
                rest.append(f"{field}: {message}")
            else:
                label.set_error(message)
        if (rest or (fallback and not errors)) and self._banner is not None:
            self._banner.show_message(" ".join(rest) or fallback)


def confirm(parent: QWidget, title: str, text: str) -> bool:
    """Ask Yes/No. Tests replace this function to answer without a modal loop."""
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes
