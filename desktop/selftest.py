"""``PoetsBay --self-test``: prove a build works end to end, offscreen, then exit.

Starts the embedded backend on a throwaway library, builds the windows, registers through
the connect window, publishes a poem through the API, sees it in the main window's list,
and stops the server. Prints one line per check; exit status 0 only when all passed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any


class _Checks:
    def __init__(self) -> None:
        self.failed = 0

    def check(self, what: str, fn: Callable[[], Any]) -> Any:
        started = time.monotonic()
        try:
            result = fn()
        except Exception as exc:  # every failure is reported, then the run goes on
            self.failed += 1
            print(f"FAIL {what}: {type(exc).__name__}: {exc}", flush=True)
            traceback.print_exc()
            return None
        if result is False:
            self.failed += 1
            print(f"FAIL {what}", flush=True)
            return None
        detail = "" if result in (None, True) else f": {result}"
        print(f"ok   {what}{detail} ({(time.monotonic() - started) * 1000:.0f} ms)", flush=True)
        return result


def run_self_test(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop import ensure_app
    from desktop.api import ApiClient
    from desktop.app import AppController
    from desktop.demo import wait_until
    from desktop.settings import Settings
    from desktop.ui.common import resource_text

    checks = _Checks()
    print(f"Poets Bay self-test (Python {sys.version.split()[0]}, frozen={_frozen()})")
    app = ensure_app([argv[0] if argv else "PoetsBay"])
    checks.check("Qt platform", lambda: app.platformName())
    checks.check(
        "style sheet from resources", lambda: len(resource_text("resources.styles", "app.qss")) > 0
    )
    checks.check(
        "icons from resources", lambda: "<svg" in resource_text("resources.icons", "star.svg")
    )
    checks.check(
        "email templates from resources",
        lambda: bool(resource_text("resources.email", "rating.txt")),
    )
    with tempfile.TemporaryDirectory(prefix="poetsbay-selftest-") as tmp:
        controller = AppController(Settings(Path(tmp) / "settings.ini"), Path(tmp) / "library")
        try:
            controller.start()
            cw = controller.connect_window
            checks.check("connect window shown", lambda: cw.isVisible())
            checks.check(
                "embedded backend started (migrations run)",
                lambda: (
                    wait_until(lambda: cw.registerButton.isEnabled(), 60000)
                    and controller.server.url
                ),
            )
            url = controller.server.url if controller.server.running else ""
            checks.check("GET /api/v1/health", lambda: ApiClient(url).health()["status"] == "ok")

            def register() -> str:
                cw.nameEdit.setText("Self Test")
                cw.emailEdit.setText("self-test@example.org")
                cw.passwordEdit.setText("self-test password")
                cw.registerButton.click()
                if not wait_until(lambda: controller.user is not None, 20000):
                    raise RuntimeError(cw.banner.text or "no answer")
                return str(controller.user["role"])

            checks.check("register through the connect window (first account is admin)", register)

            def publish() -> str:
                client = ApiClient(url)
                client.login("self-test@example.org", "self-test password")
                body = "  whitespace\n\n\tsurvives  \n"
                poem = client.create_poem("Self-test poem", body)
                if client.poem(poem["id"])["body"] != body:
                    raise RuntimeError("the body did not come back byte for byte")
                client.close()
                return f"poem {poem['id']}"

            checks.check("publish a poem through the API", publish)

            def listed() -> bool:
                mw = controller.main_window
                mw.refreshAction.trigger()
                model = mw.poemList.model()
                return wait_until(
                    lambda: any(
                        "Self-test poem" in str(model.index(r, 0).data())
                        for r in range(model.rowCount())
                    ),
                    20000,
                )

            checks.check("main window lists it", listed)
        finally:
            started = time.monotonic()
            controller.shutdown()
            checks.check(
                "embedded backend stopped and joined",
                lambda: not controller.server.running and f"{time.monotonic() - started:.2f} s",
            )
            controller.main_window.close()
            controller.connect_window.close()
    print("self-test " + ("passed" if not checks.failed else f"FAILED ({checks.failed})"))
    return 0 if not checks.failed else 1


def _frozen() -> bool:
    return bool(getattr(sys, "frozen", False))
