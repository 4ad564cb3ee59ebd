"""Bugs (not known errors) end up here: logged, and shown with their traceback."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger(__name__)


def tr(text: str) -> str:
    return QCoreApplication.translate("Crash", text)


def _show(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    text = "".join(traceback.format_exception(kind, value, tb))
    log.error("unexpected error:\n%s", text)
    if QApplication.instance() is None or issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    box = QMessageBox(QMessageBox.Icon.Critical, tr("Poets Bay"), tr("Something went wrong."))
    box.setObjectName("crashDialog")
    box.setInformativeText(
        tr(
            "This is a bug. Your poems are safe on the server or in your library. "
            "Please report the details below."
        )
    )
    box.setDetailedText(text)
    box.exec()


def install_crash_handler() -> Callable[..., object]:
    """Route uncaught exceptions to the crash dialog; returns the hook it replaced."""
    previous = sys.excepthook
    sys.excepthook = _show
    return previous
