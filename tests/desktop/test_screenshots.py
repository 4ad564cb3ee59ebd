"""`make screenshots` renders the four windows (and the main one in dark) to PNG."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from desktop.screenshots import render


def test_render_writes_every_window(qtbot: QtBot, tmp_path: Path) -> None:
    written = render(tmp_path / "shots")
    names = sorted(p.name for p in written)
    assert names == [
        "conflict-window.png",
        "connect-window.png",
        "main-window-dark.png",
        "main-window-offline.png",
        "main-window.png",
        "poem-editor.png",
        "rating-dialog.png",
    ]
    for path in written:
        image = QImage(str(path))
        assert not image.isNull() and image.width() >= 300 and image.height() >= 200, path
