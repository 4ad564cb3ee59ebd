"""StarRating: 1–5 stars by mouse (click, hover) and keyboard (Left/Right, Home/End, 1–5)."""

from __future__ import annotations

import math

from PySide6.QtCore import Property, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QStyle, QStyleOptionFocusRect, QWidget

MAX_STARS = 5
FILLED = QColor("#f2b01e")


def _star(rect: QRectF) -> QPolygonF:
    center = rect.center()
    outer = min(rect.width(), rect.height()) / 2
    inner = outer * 0.45
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append(
            QPointF(center.x() + radius * math.cos(angle), center.y() + radius * math.sin(angle))
        )
    return QPolygonF(points)


class StarRating(QWidget):
    """Shows a score and emits ``valueChanged`` when the person picks another."""

    valueChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None, star_size: int = 32) -> None:
        super().__init__(parent)
        self._value = 0
        self._hover = 0
        self._star_size = star_size
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._update_accessibility()

    # -- the value ----------------------------------------------------------------------------
    def _get_value(self) -> int:
        return self._value

    def _set_value(self, value: int) -> None:
        value = max(0, min(MAX_STARS, int(value)))
        if value != self._value:
            self._value = value
            self._update_accessibility()
            self.update()
            self.valueChanged.emit(value)

    value = Property(int, _get_value, _set_value, notify=valueChanged)

    def setValue(self, value: int) -> None:  # noqa: N802 (Qt naming)
        self._set_value(value)

    def _update_accessibility(self) -> None:
        self.setAccessibleDescription(
            self.tr("%n of 5 stars", "", self._value) if self._value else self.tr("No stars yet")
        )
        self.setToolTip(self.accessibleDescription())

    # -- geometry -----------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        gap = self._star_size // 4
        return QSize(MAX_STARS * (self._star_size + gap) + gap, self._star_size + 2 * gap)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def _star_rect(self, i: int) -> QRectF:
        gap = self._star_size // 4
        x = gap + i * (self._star_size + gap)
        return QRectF(x, gap, self._star_size, self._star_size)

    def star_at(self, x: float) -> int:
        """The star (1–5) under an x position, 0 left of the first."""
        gap = self._star_size // 4
        if x < gap / 2:
            return 0
        return max(1, min(MAX_STARS, int((x - gap / 2) // (self._star_size + gap)) + 1))

    # -- input --------------------------------------------------------------------------------
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hover = self.star_at(event.position().x())
        if hover != self._hover:
            self._hover = hover
            self.update()

    def leaveEvent(self, event: object) -> None:
        self._hover = 0
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self._set_value(max(1, self.star_at(event.position().x())))
        else:
            super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_5:
            self._set_value(key - Qt.Key.Key_0)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Plus):
            self._set_value(self._value + 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Down, Qt.Key.Key_Minus):
            self._set_value(max(1, self._value - 1))
        elif key == Qt.Key.Key_Home:
            self._set_value(1)
        elif key == Qt.Key.Key_End:
            self._set_value(MAX_STARS)
        else:
            super().keyPressEvent(event)

    # -- paint --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        shown = self._hover or self._value
        outline = palette.color(QPalette.ColorRole.WindowText)
        for i in range(MAX_STARS):
            polygon = _star(self._star_rect(i))
            if i < shown:
                fill = QColor(FILLED)
                if self._hover and i >= self._value:
                    fill.setAlpha(150)
                painter.setBrush(fill)
                painter.setPen(QPen(FILLED.darker(130), 1.2))
            else:
                painter.setBrush(palette.color(QPalette.ColorRole.Base))
                painter.setPen(QPen(outline, 1.2))
            painter.drawPolygon(polygon)
        if self.hasFocus():
            option = QStyleOptionFocusRect()
            option.initFrom(self)
            option.rect = self.rect().adjusted(1, 1, -1, -1)
            self.style().drawPrimitive(
                QStyle.PrimitiveElement.PE_FrameFocusRect, option, painter, self
            )
        painter.end()
