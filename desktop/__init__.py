"""Poets Bay desktop app (PySide6). ``main(argv)`` is the entry point."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

APP_NAME = "PoetsBay"


def speed_up_pyside_import_hook() -> bool:
    """Make PySide6's import hook cheap for every module imported after Qt.

    Once PySide6 is loaded, each newly imported module goes through its ``__feature__``
    bookkeeping (PYSIDE-2029), which asks ``inspect.getsource(module)`` whether the source
    mentions "PySide6". ``getsource`` walks every loaded module each time (``getmodule``), so
    the embedded backend's imports (Flask, SQLAlchemy, Alembic … about a thousand modules)
    cost a fifth more CPU than without Qt. The same question, answered by reading the file's
    bytes; anything that is not a plain ``.py`` file still goes to PySide's own check.
    Returns True when the hook was (or already is) replaced."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if getattr(original, "_poetsbay_fast", False):
        return True

    def mod_uses_pyside(module: Any) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(original(module))

    mod_uses_pyside._poetsbay_fast = True  # type: ignore[attr-defined]
    mod_uses_pyside.original = original  # type: ignore[attr-defined]
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[union-attr]
    return True


speed_up_pyside_import_hook()


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
    """Open the app (or run ``--self-test``); returns the exit status when it quits."""
    argv = list(sys.argv if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if "--self-test" in argv:
        from desktop.selftest import run_self_test

        return run_self_test(argv)
    app = ensure_app(argv)
    from desktop.app import AppController
    from desktop.crash import install_crash_handler
    from desktop.embedded import hold_until_released

    previous_hook = install_crash_handler()
    quit_on_close = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(True)
    controller = AppController()
    # The Local server starts its thread in start(); let the first window paint before its
    # imports compete for the GIL: the first turn of the event loop releases it.
    release_server = hold_until_released()
    try:
        controller.start()
    finally:
        QTimer.singleShot(0, release_server)
    restore_signals = _quit_on_ctrl_c(app)
    try:
        return int(app.exec())
    finally:
        release_server()
        # Stop the server and join its threads; leave a borrowed QApplication as it was.
        restore_signals()
        controller.shutdown()
        controller.main_window.close()
        controller.connect_window.close()
        controller.deleteLater()
        app.setQuitOnLastWindowClosed(quit_on_close)
        sys.excepthook = previous_hook


def _quit_on_ctrl_c(app: QApplication) -> Callable[[], None]:
    """Ctrl-C or SIGTERM quits cleanly (the server is stopped and joined on the way).

    Returns a function that puts the previous signal handlers back."""
    import signal
    import threading

    ticker = QTimer(app)  # lets Python run its signal handlers while Qt's loop waits
    ticker.timeout.connect(lambda: None)
    ticker.start(250)
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_args: app.quit())

    def restore() -> None:
        ticker.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    return restore


__all__ = ["main", "ensure_app"]
