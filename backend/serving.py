"""What ``poetsbay serve`` and the desktop's Local mode share: request logs, a clean stop."""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections.abc import Callable
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

    channels = getattr(server, "_map", None)
    wasyncore.close_all(server.map if channels is None else channels, ignore_all=True)
    server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)


def serve_one(make_app: Callable[[], Flask], listener: socket.socket, threads: int) -> None:
    """One process: the API on waitress and the outbox worker, until SIGTERM or Ctrl-C."""
    from waitress.server import create_server

    from .outbox import OutboxWorker

    app = make_app()
    log_requests(app)
    worker = OutboxWorker(app)
    worker.start()
    server = create_server(app, sockets=[listener], threads=threads, ident="poetsbay")

    def _terminate(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    try:
        server.run()
    except KeyboardInterrupt:
        logging.getLogger("poetsbay").info("stopping")
    finally:
        stop_server(server)
        worker.stop()
        logging.getLogger("poetsbay").info("stopped")


def serve_forked(
    make_app: Callable[[], Flask],
    listener: socket.socket,
    threads: int,
    workers: int,
    setup_logging: Callable[[], Any],
) -> None:
    """``workers`` processes accept on one listening socket (the kernel spreads the
    connections); each has its own app, connections and outbox worker (their claims
    keep an email from going out twice). SIGTERM or Ctrl-C stops them all."""
    main_log = logging.getLogger("poetsbay")
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: fresh logging thread and app, then serve
            status, log_writer = 0, None
            try:
                signal.signal(signal.SIGINT, signal.default_int_handler)
                log_writer = setup_logging()
                serve_one(make_app, listener, threads)
            except BaseException:
                main_log.exception("worker failed")
                status = 1
            finally:
                if log_writer is not None:
                    log_writer.stop()  # os._exit skips atexit: write the last lines now
                os._exit(status)
        children.append(pid)
    listener.close()

    def _forward(signum: int, _frame: Any) -> None:
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, _forward)
    signal.signal(signal.SIGINT, _forward)
    failed = False
    for child in children:
        while True:
            try:
                _pid, status = os.waitpid(child, 0)
                break
            except InterruptedError:
                continue
        if os.waitstatus_to_exitcode(status) != 0:
            failed = True
            _forward(signal.SIGTERM, None)  # one worker down: stop the others, exit non-zero
    main_log.info("stopped")
    if failed:
        raise SystemExit(1)
