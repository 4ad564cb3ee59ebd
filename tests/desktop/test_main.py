"""The real program: `python -m desktop` opens, makes its library, and quits cleanly on SIGTERM.

Run in a subprocess: the app's own event loop and signal handlers, not pytest's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)  # polling another process, with a deadline
    return False


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
def test_program_starts_local_library_and_quits_on_sigterm(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "POETSBAY_DATA_DIR": str(tmp_path / "data"),
        "POETSBAY_SETTINGS": str(tmp_path / "settings.ini"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # The embedded backend opens the library (migrations) once the window is up.
        assert wait_for(lambda: (tmp_path / "data" / "poetsbay.db").exists(), 60)
        assert process.poll() is None
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
        assert time.monotonic() - started < 15
        assert "Traceback" not in output, output
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
