"""Poets Bay desktop app (PySide6). ``main(argv)`` is the entry point."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication

APP_NAME = "PoetsBay"


class BrokenQtBinding(RuntimeError):
    """The installed PySide6 is known to crash this app."""


def check_qt_binding() -> None:
    """PySide6 6.12.0 on Python < 3.12 drops a reference to None on every void call
    (setText, processEvents, ...), so any session aborts after a few thousand calls with
    "Fatal Python error: none_dealloc". Refuse to start with a clear message instead."""
    import PySide6

    if PySide6.__version__ == "6.12.0" and sys.version_info < (3, 12):
        raise BrokenQtBinding(
            "PySide6 6.12.0 crashes on Python < 3.12 (reference-count bug). "
            "Install PySide6-Essentials 6.11.x: pip install 'PySide6-Essentials<6.12'"
        )


def ensure_app(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, or a new one named for QStandardPaths and QSettings."""
    check_qt_binding()
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv or [APP_NAME]))
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName("Poets Bay")
    apply_style(app)
    install_translations(app)
    return app


def install_translations(app: QApplication) -> None:
    """Qt's own strings and ours in the user's language, when a translation is shipped
    (``resources/translations/poetsbay_<lang>.qm``, e.g. ``poetsbay_es.qm``)."""
    from importlib import resources

    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    if app.property("poetsbayTranslated"):
        return
    app.setProperty("poetsbayTranslated", True)
    locale = QLocale()
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    candidates: list[tuple[str, str]] = [("qtbase", qt_dir)]
    try:
        ours = resources.files("resources").joinpath("translations")
        if ours.is_dir():
            candidates.append(("poetsbay", str(ours)))
    except (ModuleNotFoundError, OSError):
        pass
    for name, directory in candidates:
        translator = QTranslator(app)
        if translator.load(locale, name, "_", directory):
            app.installTranslator(translator)


def apply_style(app: QApplication) -> None:
    from desktop.ui.common import icon, resource_text

    if app.property("poetsbayStyled"):
        return
    app.setProperty("poetsbayStyled", True)
    app.setStyleSheet(app.styleSheet() + resource_text("resources.styles", "app.qss"))
    app.setWindowIcon(icon("app", "#2d5d7b"))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if "--self-test" in argv:
        from desktop.selftest import run_self_test

        return run_self_test(argv)
    app = ensure_app(argv)
    from desktop.app import AppController
    from desktop.crash import install_crash_handler

    install_crash_handler()

    controller = AppController()
    app.aboutToQuit.connect(controller.shutdown)
    app.setQuitOnLastWindowClosed(True)
    controller.start()
    _quit_on_ctrl_c(app)
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, False)
    return int(app.exec())


def _quit_on_ctrl_c(app: QApplication) -> None:
    """Ctrl-C in the terminal quits cleanly (the server is stopped and joined on the way)."""
    import signal

    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGINT, lambda *_args: app.quit())
    signal.signal(signal.SIGTERM, lambda *_args: app.quit())
    ticker = QTimer(app)  # lets Python run its signal handlers while Qt's loop waits
    ticker.timeout.connect(lambda: None)
    ticker.start(250)


__all__ = ["main", "ensure_app"]
