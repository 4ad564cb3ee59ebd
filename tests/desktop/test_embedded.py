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
