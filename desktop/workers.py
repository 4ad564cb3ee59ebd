"""One task runner for the GUI: work on a QThreadPool, results back on the GUI thread.

Workers never touch widgets. A task's function runs in a pool thread; its result (or the
exception it raised) comes back through a queued signal and the callbacks run on the thread
that owns the runner (the GUI thread).
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, job_id: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._runner = runner
        self._id = job_id
        self._fn = fn

    def run(self) -> None:  # runs in a pool thread
        try:
            result: Any = self._fn()
            ok = True
        except BaseException as exc:  # handed to the GUI thread, never swallowed
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            result, ok = exc, False
        try:
            self._runner._finished.emit(self._id, ok, result)
        except RuntimeError:  # the runner was deleted while we worked
            pass


class TaskRunner(QObject):
    """Runs callables off the GUI thread; emits ``busyChanged`` while any are pending."""

    busyChanged = Signal(bool)
    #: emitted for a failure that had no ``on_error`` callback
    unhandledError = Signal(object)
    _finished = Signal(int, bool, object)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Done | None, Failed | None]] = {}
        self._finished.connect(self._dispatch)

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
    ) -> int:
        job_id = next(self._ids)
        was_busy = self.busy
        self._callbacks[job_id] = (on_done, on_error)
        self._pool.start(_Job(self, job_id, fn))
        if not was_busy:
            self.busyChanged.emit(True)
        return job_id

    def wait(self, msecs: int = 10000) -> bool:
        """Drop waiting jobs and block until running ones end (on quit)."""
        self._pool.clear()
        return self._pool.waitForDone(msecs)

    def forget(self) -> None:
        """Drop pending callbacks: their results will be ignored."""
        had = bool(self._callbacks)
        self._callbacks.clear()
        if had:
            self.busyChanged.emit(False)

    @Slot(int, bool, object)
    def _dispatch(self, job_id: int, ok: bool, result: Any) -> None:
        callbacks = self._callbacks.pop(job_id, None)
        if not self._callbacks and callbacks is not None:
            self.busyChanged.emit(False)
        if callbacks is None:
            return
        on_done, on_error = callbacks
        if ok:
            if on_done is not None:
                on_done(result)
        elif on_error is not None:
            on_error(result)
        else:
            log.error("task failed: %s", getattr(result, "__traceback_text__", result))
            self.unhandledError.emit(result)
