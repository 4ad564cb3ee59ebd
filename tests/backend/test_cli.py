"""The ``poetsbay`` command as a club admin uses it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backend import __version__
from backend.cli import cli

MYSQL_URL = os.environ.get("POETSBAY_TEST_MYSQL_URL")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"POETSBAY_DATA_DIR": str(tmp_path), "POETSBAY_DATABASE_URL": ""}


def run(args: list[str], env: dict[str, str], stdin: str | None = None):
    return CliRunner().invoke(cli, args, env=env, input=stdin, catch_exceptions=False)


def test_version_and_help_on_every_command(env):
    assert __version__ in run(["--version"], env).output
    for command in ([], ["serve"], ["create-admin"], ["db"], ["db", "upgrade"], ["demo-data"]):
        result = run([*command, "--help"], env)
        assert result.exit_code == 0 and "Usage:" in result.output


def test_db_upgrade_makes_the_library_and_is_repeatable(env, tmp_path):
    assert run(["db", "upgrade"], env).exit_code == 0
    assert (tmp_path / "poetsbay.db").exists()
    assert run(["db", "upgrade"], env).exit_code == 0


def test_create_admin_reads_two_lines_from_stdin(env):
    result = run(
        ["create-admin", "--email", "Boss@Club.org", "--name", "Boss"],
        env,
        "long enough\nlong enough\n",
    )
    assert result.exit_code == 0, result.output
    assert "Admin Boss <boss@club.org> created" in result.output


def test_create_admin_refuses_mismatched_or_short_passwords(env):
    differ = run(
        ["create-admin", "--email", "a@b.org", "--name", "A"], env, "one password\nanother\n"
    )
    assert differ.exit_code == 1 and "differ" in differ.output
    short = run(["create-admin", "--email", "a@b.org", "--name", "A"], env, "short\nshort\n")
    assert short.exit_code == 1 and "password" in short.output


def test_demo_data_is_consistent(env, tmp_path):
    result = run(["demo-data", "--users", "30", "--poems", "60", "--ratings", "400"], env)
    assert result.exit_code == 0, result.output
    engine = create_engine(f"sqlite:///{tmp_path / 'poetsbay.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM ratings")).scalar() == 400
        wrong = conn.execute(
            text(
                "SELECT COUNT(*) FROM poems p WHERE p.rating_count != "
                "(SELECT COUNT(*) FROM ratings r WHERE r.poem_id = p.id)"
            )
        ).scalar()
        own = conn.execute(
            text(
                "SELECT COUNT(*) FROM ratings r JOIN poems p ON p.id = r.poem_id "
                "WHERE p.author_id = r.user_id"
            )
        ).scalar()
    engine.dispose()
    assert wrong == 0 and own == 0


class Server:
    def __init__(self, env: dict[str, str], *options: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend", "serve", "--port", "0", "--threads", "4", *options],
            env={**os.environ, **env},
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            for line in list(self.lines):
                found = re.search(r"serving on (http://\S+/api/v1)", line)
                if found:
                    self.url = found.group(1)
                    return
            time.sleep(0.05)
        self.process.kill()
        raise AssertionError("the server did not start:\n" + "".join(self.lines))

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        self.reader.join(5)
        return code


def test_serve_logs_each_request_and_stops_cleanly_on_sigterm(tmp_path):
    server = Server({"POETSBAY_DATA_DIR": str(tmp_path)})
    try:
        session = requests.Session()  # keep-alive: the stop must not hang on it
        assert session.get(f"{server.url}/health", timeout=5).json()["status"] == "ok"
        assert session.get(f"{server.url}/poems?per_page=0", timeout=5).status_code == 422
        started = time.monotonic()
    finally:
        code = server.stop()
    assert code == 0
    assert time.monotonic() - started < 15
    log = "".join(server.lines)
    assert re.search(r'"GET /api/v1/health" 200', log)
    assert re.search(r'"GET /api/v1/poems\?per_page=0" 422', log)
    assert "stopped" in log


@pytest.mark.skipif(not MYSQL_URL, reason="needs POETSBAY_TEST_MYSQL_URL (CI always sets it)")
def test_serve_on_mysql_survives_its_connections_being_cut(tmp_path):
    url = make_url(MYSQL_URL)
    name = f"{url.database}_serve"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    server_url = url.set(database=name).render_as_string(hide_password=False)
    server = Server({"POETSBAY_DATA_DIR": str(tmp_path), "POETSBAY_DATABASE_URL": server_url})
    try:
        assert requests.get(f"{server.url}/health", timeout=5).json()["database"] == "mysql"
        assert requests.get(f"{server.url}/poems", timeout=5).status_code == 200
        # What a database restart does to a pool: every connection it holds is gone.
        with admin.begin() as conn:
            ids = (
                conn.execute(
                    text("SELECT id FROM information_schema.processlist WHERE db = :db"),
                    {"db": name},
                )
                .scalars()
                .all()
            )
            for connection_id in ids:
                conn.execute(text(f"KILL {int(connection_id)}"))
        assert ids
        time.sleep(1.5)  # a restart takes longer than this; idle connections get checked
        assert requests.get(f"{server.url}/poems", timeout=5).status_code == 200
        assert requests.get(f"{server.url}/health", timeout=5).status_code == 200
        # Cut again and ask at once: at worst that request is asked to retry; the next works.
        with admin.begin() as conn:
            for connection_id in (
                conn.execute(
                    text("SELECT id FROM information_schema.processlist WHERE db = :db"),
                    {"db": name},
                )
                .scalars()
                .all()
            ):
                conn.execute(text(f"KILL {int(connection_id)}"))
        first = requests.get(f"{server.url}/poems", timeout=5)
        assert first.status_code in (200, 503), first.text + "".join(server.lines[-60:])
        if first.status_code == 503:
            assert first.headers["Retry-After"] == "1"
        assert requests.get(f"{server.url}/poems", timeout=5).status_code == 200
    finally:
        server.stop()
        with admin.begin() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def test_plain_poetsbay_passes_desktop_options_to_the_app(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "backend", "--self-test"],
        env={**os.environ, "POETSBAY_DATA_DIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout + result.stderr


def test_serve_with_two_workers_shares_the_port_and_stops_cleanly(tmp_path):
    server = Server({"POETSBAY_DATA_DIR": str(tmp_path)}, "--workers", "2")
    try:
        with requests.Session() as session:
            for _ in range(40):
                assert session.get(f"{server.url}/health", timeout=5).status_code == 200
        for _ in range(40):  # new connections: the kernel hands them to either process
            assert requests.get(f"{server.url}/poems", timeout=5).status_code == 200
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            served_by = {
                found.group(1)
                for line in server.lines
                if (found := re.search(r"\[(\d+)\] INFO poetsbay\.access", line))
            }
            if len(served_by) == 2:
                break
            time.sleep(0.1)
    finally:
        code = server.stop()
    assert code == 0
    assert len(served_by) == 2, "".join(server.lines[-20:])
    assert "".join(server.lines).count("stopped") >= 3  # two workers and the parent
