"""What ``poetsbay serve`` and the desktop's Local mode share: request logs, a clean stop."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Response, g, request

log = logging.getLogger("poetsbay.access")


def log_requests(app: Flask) -> None:
    """One line per request: who asked, what, the status, how long it took."""

    @app.before_request
    def _start() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        started = g.get("request_started")
        took = (time.perf_counter() - started) * 1000 if started else 0.0
        log.info(
            '%s "%s %s" %s %d %.1fms',
            request.remote_addr,
            request.method,
            request.full_path.rstrip("?"),
            response.status_code,
            response.calculate_content_length() or 0,
            took,
        )
        return response


def stop_server(server: Any) -> None:
    """Stop a waitress server even with keep-alive clients connected.

    ``close()`` alone only closes the listening socket; the channels of connected
    clients keep the loop alive. Close every channel, then stop the task threads.
    """
    from waitress import wasyncore

    wasyncore.close_all(server._map, ignore_all=True)
    server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
