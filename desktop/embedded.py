"""The backend served inside the app: waitress on 127.0.0.1, in a daemon thread.

Pattern from anki's ``mediasrv``: ``create_server`` on port 0 (or POETSBAY_LOCAL_PORT), a
ready event, and a ``stop()`` that ends waitress's own loop and joins. ``server.close()`` alone
only closes the listening socket; with a keep-alive client connected the loop never ends, so we
close every channel in the server's socket map from inside the loop (through its trigger) and
shut the task dispatcher down.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Cleared while the app builds and paints its first window (see ``hold_until_released``): a
#: server thread that starts meanwhile waits, at most ``HOLD_LIMIT`` seconds, before importing
#: the backend. Both are Python and share one GIL; the backend's imports would otherwise take it
#: between every Qt call of the first paint, and the window would show later.
_go = threading.Event()
_go.set()
HOLD_LIMIT = 2.0


def hold_until_released() -> Any:
    """Make embedded servers that start from now on wait until the returned function is called
    (or ``HOLD_LIMIT`` has passed). Returns the release function; calling it twice is fine."""
    _go.clear()
    return _go.set


class EmbeddedServerError(RuntimeError):
    """The local library could not be opened or served."""


class EmbeddedServer:
    def __init__(
        self,
        data_dir: str | Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        threads: int = 4,
        overrides: dict[str, Any] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.host = host
        if port is None:
            port = int(os.environ.get("POETSBAY_LOCAL_PORT", "0") or 0)
        self.port = port
        self.threads = threads
        self.overrides = dict(overrides or {})
        self._server: Any = None
        self._outbox: Any = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise EmbeddedServerError("the local server is not running")
        return f"http://{self.host}:{self._server.effective_port}"

    @property
    def running(self) -> bool:
        """Serving: started, ready, and not stopped."""
        return self._server is not None and self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 60.0) -> str:
        """Open the library, run migrations, serve. Blocks until ready; returns the URL.

        Call it from a worker thread: opening the database is I/O.
        """
        if self.running:
            return self.url
        if self._thread is not None and self._thread.is_alive():  # another caller started it
            if not self._ready.wait(timeout) or self._server is None:
                raise EmbeddedServerError("the local server did not start")
            return self.url
        self._ready.clear()
        self._stopping.clear()
        self._error = None
        self._thread = threading.Thread(target=self._main, name="poetsbay-embedded", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise EmbeddedServerError("the local server did not start in time")
        if self._error is not None:
            raise EmbeddedServerError(str(self._error)) from self._error
        return self.url

    def _main(self) -> None:
        try:
            _go.wait(HOLD_LIMIT)
            server = self._build()
        except BaseException as exc:
            log.exception("embedded server failed to start")
            self._error = exc
            self._ready.set()
            return
        if self._stopping.is_set():  # stop() came while the server was being built
            self._stop_outbox()
            server.close()
            server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
            self._error = EmbeddedServerError("the local server was stopped while starting")
            self._ready.set()
            return
        self._server = server
        self._ready.set()
        try:
            server.run()
        except Exception:  # a dying loop must not take the app with it
            log.exception("embedded server loop ended with an error")

    def _build(self) -> Any:
        from waitress.server import create_server

        from backend import create_app
        from backend.db_setup import upgrade_database

        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = {"DATA_DIR": str(self.data_dir), "LOCAL_MODE": True, **self.overrides}
        app = create_app(config)
        upgrade_database(app)
        try:
            from backend.outbox import OutboxWorker

            self._outbox = OutboxWorker(app)
            self._outbox.start()
        except Exception:  # the outbox is a nicety in Local mode
            log.warning("outbox worker not started", exc_info=True)
            self._outbox = None
        return create_server(
            app,
            host=self.host,
            port=self.port,
            threads=self.threads,
            asyncore_use_poll=True,
            clear_untrusted_proxy_headers=True,
            ident="PoetsBay",
        )

    def _stop_outbox(self) -> None:
        if self._outbox is not None:
            try:
                self._outbox.stop()
            except Exception:
                log.warning("outbox worker did not stop cleanly", exc_info=True)
            self._outbox = None

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop serving and join the thread. Returns True when the thread has ended."""
        self._stopping.set()
        server, thread = self._server, self._thread
        if server is None and thread is not None and thread.is_alive():
            # Still starting: its thread sees the flag once the server is built, and ends.
            thread.join(timeout + HOLD_LIMIT)
            server = self._server
        self._stop_outbox()
        if server is None or thread is None:
            self._thread = None if thread is None or not thread.is_alive() else thread
            return thread is None or not thread.is_alive()
        from waitress import wasyncore

        socket_map = server._map

        def close_everything() -> None:  # runs inside waitress's loop
            wasyncore.close_all(socket_map, ignore_all=True)

        try:
            server.trigger.pull_trigger(close_everything)
        except OSError:
            pass
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=timeout)
        thread.join(timeout)
        if thread.is_alive():  # the trigger was not heard: close from here
            wasyncore.close_all(socket_map, ignore_all=True)
            thread.join(timeout)
        self._server = None
        self._thread = None
        return not thread.is_alive()
