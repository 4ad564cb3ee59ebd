"""The star widget: keyboard, mouse, and its int property."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from desktop.ui.star_rating import StarRating


def test_keyboard_sets_and_moves_the_value(qtbot: QtBot) -> None:
    stars = StarRating()
    qtbot.addWidget(stars)
    stars.show()
    assert stars.focusPolicy() == Qt.FocusPolicy.StrongFocus
    with qtbot.waitSignal(stars.valueChanged) as changed:
        qtbot.keyClick(stars, Qt.Key.Key_3)
    assert changed.args == [3]
    qtbot.keyClick(stars, Qt.Key.Key_Right)
    assert stars.property("value") == 4
    for _ in range(3):
        qtbot.keyClick(stars, Qt.Key.Key_Right)
    assert stars.value == 5
    qtbot.keyClick(stars, Qt.Key.Key_Left)
    assert stars.value == 4
    qtbot.keyClick(stars, Qt.Key.Key_Home)
    qtbot.keyClick(stars, Qt.Key.Key_Left)
    assert stars.value == 1  # never below one once chosen
    qtbot.keyClick(stars, Qt.Key.Key_End)
    assert stars.value == 5


def test_mouse_click_picks_the_star_under_the_pointer(qtbot: QtBot) -> None:
    stars = StarRating()
    qtbot.addWidget(stars)
    stars.show()
    rect = stars._star_rect(1)  # the second star
    qtbot.mouseClick(stars, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert stars.value == 2
    qtbot.mouseClick(stars, Qt.MouseButton.LeftButton, pos=stars._star_rect(4).center().toPoint())
    assert stars.value == 5
    assert stars.hasFocus() or not stars.isActiveWindow()


def test_value_property_is_clamped(qtbot: QtBot) -> None:
    stars = StarRating()
    qtbot.addWidget(stars)
    stars.setProperty("value", 9)
    assert stars.value == 5
    stars.setValue(-2)
    assert stars.value == 0
    assert stars.star_at(QPoint(0, 0).x()) == 0
