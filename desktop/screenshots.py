"""Render the main windows to PNG: ``python -m desktop.screenshots docs/screenshots``.

Runs offscreen against a throwaway library filled with demo data through the API.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget


def _save(widget: QWidget, path: Path) -> None:
    widget.repaint()
    if not widget.grab().save(str(path)):
        raise RuntimeError(f"could not write {path}")
    print(f"wrote {path}")


def dark_palette() -> QPalette:
    """What a dark platform setting gives the Fusion style (for the dark screenshot)."""
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1f1f1f",
        QPalette.ColorRole.AlternateBase: "#2b2b2b",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#2f6f9f",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a",
        QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    return palette


def render(out_dir: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop import ensure_app
    from desktop.app import AppController
    from desktop.demo import PASSWORD, seed, wait_until
    from desktop.embedded import EmbeddedServer
    from desktop.settings import Settings

    app = ensure_app(["PoetsBay"])
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="poetsbay-shots-") as tmp:
        club = EmbeddedServer(Path(tmp) / "club")
        url = club.start()
        seed(url)
        controllers: list[AppController] = []
        try:
            # 1. The connect window on a first run.
            first = AppController(Settings(Path(tmp) / "first.ini"), Path(tmp) / "local")
            controllers.append(first)
            first.start()
            cw = first.connect_window
            cw.resize(480, cw.sizeHint().height())
            wait_until(lambda: cw.registerButton.isEnabled())
            cw.nameEdit.setText("Marta")
            cw.emailEdit.setText("marta@example.org")
            cw.passwordEdit.setText(PASSWORD)
            wait_until(lambda: False, 150)
            written.append(out_dir / "connect-window.png")
            _save(cw, written[-1])
            cw.hide()

            # 2. The main window of a club member reading a rated poem; then the same
            #    in a dark palette (icons and colours follow the platform's setting).
            light_palette = app.palette()
            app.setPalette(dark_palette())
            dark = _reading(Path(tmp) / "dark.ini", url)
            controllers.append(dark)
            written.append(out_dir / "main-window-dark.png")
            _save(dark.main_window, written[-1])
            dark.main_window.hide()
            app.setPalette(light_palette)
            ines = _reading(Path(tmp) / "ines.ini", url)
            controllers.append(ines)
            mw, model = ines.main_window, ines.library.poems
            written.insert(-1, out_dir / "main-window.png")
            _save(mw, written[-2])

            # 3. The rating dialog, stars chosen by keyboard, a comment on its way.
            mw.poemList.setCurrentIndex(model.index(_row(model, "Lighthouse"), 0))
            wait_until(lambda: mw.reader.titleLabel.text() == "Lighthouse Keeper")
            ines.library.rate_current()
            dialog = ines.library.rating_dialog
            assert dialog is not None
            dialog.starRating.setValue(4)
            dialog.commentEdit.setPlainText("The repetition is the light itself.")
            dialog.adjustSize()
            wait_until(lambda: False, 150)
            written.append(out_dir / "rating-dialog.png")
            _save(dialog, written[-1])
            dialog.reject()

            # 4. The poem editor with a draft.
            ines.library.new_poem()
            editor = ines.library.editor
            assert editor is not None
            editor.resize(640, 560)
            editor.titleEdit.setText("Harbour Song")
            editor.bodyEdit.setPlainText(
                "Ropes creak their one old tune,\n"
                "the water keeps the time;\n"
                "    a bell, a gull, a fishing boat\n"
                "    all looking for a rhyme.\n"
                "\n"
                "And I, who came to find the sea,\n"
                "am found by it instead —\n"
            )
            wait_until(lambda: False, 150)
            written.append(out_dir / "poem-editor.png")
            _save(editor, written[-1])
            editor.reject()

            # 5. A poem changed on two devices: both texts side by side, and the merge.
            conflict = _conflict_dialog(mw)
            wait_until(lambda: False, 150)
            written.append(out_dir / "conflict-window.png")
            _save(conflict, written[-1])
            conflict.reject()

            # 6. Offline: the club server stops; a rating waits on the device.
            club.stop()
            ines.library.rate_current()
            dialog = ines.library.rating_dialog
            assert dialog is not None
            dialog.starRating.setValue(5)
            dialog.commentEdit.setPlainText("Read on the train, twice.")
            dialog.submitButton.click()
            status = mw.connectionStatus
            wait_until(lambda: status.online is False and status.pending == 1, 15000)
            wait_until(lambda: False, 200)
            written.append(out_dir / "main-window-offline.png")
            _save(mw, written[-1])
        finally:
            for controller in controllers:
                controller.shutdown()
                controller.main_window.close()
                controller.connect_window.close()
            club.stop()
    app.processEvents()
    return written


def _reading(settings_path: Path, url: str) -> Any:
    """A controller signed in to the club as Ines, reading "Low Tide at Seven"."""
    from desktop.app import AppController
    from desktop.demo import PASSWORD, email, wait_until
    from desktop.settings import SERVER, Settings

    ines = AppController(Settings(settings_path), settings_path.parent / "local")
    ines.mode, ines.server_url = SERVER, url
    ines.start()
    ines.sign_in(SERVER, url, email("Ines"), PASSWORD)
    mw = ines.main_window
    mw.resize(1180, 720)
    model = ines.library.poems
    wait_until(lambda: model.rowCount() >= 6 and not model.loading)
    mw.poemList.setCurrentIndex(model.index(_row(model, "Low Tide"), 0))
    wait_until(lambda: mw.reader.titleLabel.text() == "Low Tide at Seven")
    wait_until(lambda: ines.library.ratings.rowCount() == 2)
    wait_until(lambda: "unread" in mw.notificationsButton.text(), 3000)
    # The demo club runs on a random loopback port; show a stable address so the PNGs
    # only change when the windows do.
    mw.set_user(ines.user, mw.tr("Server %1").replace("%1", "http://club.example.org:8500"))
    wait_until(lambda: False, 200)
    return ines


def _conflict_dialog(parent: QWidget) -> Any:
    from desktop.offline.merge import merge_text
    from desktop.ui.conflict_dialog import ConflictDialog

    base = (
        "Ropes creak their one old tune,\n"
        "the water keeps the time;\n"
        "    a bell, a gull, a fishing boat\n"
        "    all looking for a rhyme.\n"
    )
    mine = base.replace("one old tune", "one slow tune").replace("a fishing boat", "a rowing boat")
    theirs = base.replace("one old tune", "oldest tune").replace("the time", "the tide")
    title = "Harbour Song"
    merged = merge_text(base, mine, theirs, base_title=title, my_title=title, their_title=title)
    dialog = ConflictDialog((title, mine), (title, theirs), merged, 4, parent)
    dialog.resize(1000, 700)
    dialog.show()
    return dialog


def _row(model: Any, title_part: str) -> int:
    return next(r for r in range(model.rowCount()) if title_part in model.index(r, 0).data())


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out_dir = Path(argv[0]) if argv else Path("docs/screenshots")
    render(out_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
