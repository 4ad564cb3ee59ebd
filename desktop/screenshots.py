"""Render the main windows to PNG: ``python -m desktop.screenshots docs/screenshots``.

Runs offscreen against a throwaway library filled with demo data through the API.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QWidget


def _save(widget: QWidget, path: Path) -> None:
    widget.repaint()
    if not widget.grab().save(str(path)):
        raise RuntimeError(f"could not write {path}")
    print(f"wrote {path}")


def render(out_dir: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop import ensure_app
    from desktop.app import AppController
    from desktop.demo import PASSWORD, email, seed, wait_until
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

            # 2. The main window of a club member reading a rated poem.
            ines = AppController(Settings(Path(tmp) / "ines.ini"), Path(tmp) / "local")
            controllers.append(ines)
            ines.mode, ines.server_url = "server", url
            ines.start()
            ines.sign_in("server", url, email("Ines"), PASSWORD)
            mw = ines.main_window
            mw.resize(1180, 720)
            model = ines.library.poems
            wait_until(lambda: model.rowCount() >= 6 and not model.loading)
            row = next(r for r in range(model.rowCount()) if "Low Tide" in model.index(r, 0).data())
            mw.poemList.setCurrentIndex(model.index(row, 0))
            wait_until(lambda: mw.reader.titleLabel.text() == "Low Tide at Seven")
            wait_until(lambda: ines.library.ratings.rowCount() == 2)
            wait_until(lambda: "unread" in mw.notificationsButton.text(), 3000)
            wait_until(lambda: False, 200)
            written.append(out_dir / "main-window.png")
            _save(mw, written[-1])

            # 3. The rating dialog, stars chosen by keyboard, a comment on its way.
            light = next(
                r for r in range(model.rowCount()) if "Lighthouse" in model.index(r, 0).data()
            )
            mw.poemList.setCurrentIndex(model.index(light, 0))
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
        finally:
            for controller in controllers:
                controller.shutdown()
                controller.main_window.close()
                controller.connect_window.close()
            club.stop()
    app.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out_dir = Path(argv[0]) if argv else Path("docs/screenshots")
    render(out_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
