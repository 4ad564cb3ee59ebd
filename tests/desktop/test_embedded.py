"""The embedded backend: serves on loopback, stops promptly even with keep-alive clients."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from desktop.embedded import EmbeddedServer


def test_stop_returns_promptly_with_a_keep_alive_client(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "data")
    url = server.start()
    session = requests.Session()  # keeps its connection open after the answer
    try:
        answer = session.get(f"{url}/api/v1/health", timeout=5)
        assert answer.status_code == 200
        assert answer.headers.get("Connection", "").lower() != "close"
        started = time.monotonic()
        assert server.stop(timeout=5) is True
        assert time.monotonic() - started < 3
        assert not server.running
    finally:
        session.close()


def test_uses_poetsbay_local_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, free_port: int
) -> None:
    port = free_port
    monkeypatch.setenv("POETSBAY_LOCAL_PORT", str(port))
    server = EmbeddedServer(tmp_path / "data")
    try:
        assert server.start() == f"http://127.0.0.1:{port}"
        assert requests.get(f"{server.url}/api/v1/health", timeout=5).json()["status"] == "ok"
    finally:
        server.stop()


def test_library_survives_a_restart(tmp_path: Path) -> None:
    first = EmbeddedServer(tmp_path / "data")
    url = first.start()
    requests.post(
        f"{url}/api/v1/auth/register",
        json={"name": "Ana", "email": "ana@example.org", "password": "long enough 1"},
        timeout=5,
    ).raise_for_status()
    first.stop()
    second = EmbeddedServer(tmp_path / "data")
    url = second.start()
    try:
        answer = requests.post(
            f"{url}/api/v1/auth/login",
            json={"email": "ana@example.org", "password": "long enough 1"},
            timeout=5,
        )
        assert answer.status_code == 200
        assert answer.json()["user"]["role"] == "admin"
    finally:
        second.stop()


def test_pyside_import_hook_reads_files_and_answers_as_pyside_does() -> None:
    import json
    import sys

    import backend.db_setup
    import desktop
    import desktop.app
    import desktop.embedded

    feature = sys.modules["shibokensupport.feature"]
    fast = feature._mod_uses_pyside
    assert getattr(fast, "_poetsbay_fast", False), "desktop did not install the fast check"
    assert desktop.speed_up_pyside_import_hook() is True
    assert feature._mod_uses_pyside is fast  # installed once
    original = fast.original
    for module, uses in [
        (desktop.app, True),  # imports PySide6
        (desktop.embedded, False),
        (backend.db_setup, False),
        (json, False),
        (sys, False),  # built in: no source file
    ]:
        assert fast(module) is uses, module.__name__
        assert original(module) is uses, module.__name__


def test_a_held_server_waits_for_the_release(tmp_path: Path) -> None:
    import threading

    from desktop import embedded

    release = embedded.hold_until_released()
    server = EmbeddedServer(tmp_path / "data")
    urls: list[str] = []
    starter = threading.Thread(target=lambda: urls.append(server.start()))
    try:
        starter.start()
        time.sleep(0.3)
        assert urls == [] and not server.running  # still held
        release()
        starter.join(30)
        assert urls and server.running
        assert requests.get(f"{urls[0]}/api/v1/health", timeout=5).status_code == 200
    finally:
        release()
        starter.join(30)
        server.stop()


def test_a_hold_that_is_never_released_ends_by_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop import embedded

    monkeypatch.setattr(embedded, "HOLD_LIMIT", 0.2)
    release = embedded.hold_until_released()
    server = EmbeddedServer(tmp_path / "data")
    try:
        assert server.start(timeout=30).startswith("http://127.0.0.1:")
    finally:
        release()
        server.stop()


def test_stop_while_the_server_is_still_starting_ends_its_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from desktop.embedded import EmbeddedServerError

    server = EmbeddedServer(tmp_path)
    gate = threading.Event()
    real_build = server._build

    def slow_build() -> object:
        gate.wait(10)
        return real_build()

    monkeypatch.setattr(server, "_build", slow_build)
    outcome: list[BaseException | str] = []

    def start() -> None:
        try:
            outcome.append(server.start())
        except EmbeddedServerError as error:
            outcome.append(error)

    starter = threading.Thread(target=start)
    starter.start()
    deadline = time.monotonic() + 5
    while server._thread is None and time.monotonic() < deadline:
        time.sleep(0.01)
    threading.Timer(0.3, gate.set).start()  # the build finishes while stop() waits
    assert server.stop() is True
    starter.join(10)
    assert not server.running
    assert isinstance(outcome[0], EmbeddedServerError)
