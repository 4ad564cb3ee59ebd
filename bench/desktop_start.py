"""Desktop start benchmark (issue 3, "Benchmark"): Local mode over a 20,000-poem library.

    .venv/bin/python bench/desktop_start.py [--runs 5] [--data-dir DIR] [--rows 2000]

Each run is a fresh process of the real app (``desktop.main``, as ``poetsbay`` starts it) with
``QT_QPA_PLATFORM=offscreen``, a remembered Local session (the returning user's start: the main
window first, then the embedded backend, the silent sign-in and the first page of poems), and
its own settings file. The child reports, on ``time.monotonic()`` (CLOCK_MONOTONIC, one clock
for every process on Linux), measured from just before the parent launches it:

* ``window``: the first top-level window's first paint (``window_show``: the event loop's first
  turn with that window shown, i.e. ``main`` has built and shown it);
* ``backend``: the embedded server is listening (the app's ``localReady``);
* ``rows``: the first page of poems is in the list's model; ``page``: the list has painted it;
* ``rss``: VmRSS after scrolling the list (as a user would, to the bottom, letting the view
  fetch the next page) until it holds ``--rows`` rows; ``scroll``: how long that took.

Without ``--data-dir`` a throw-away library is made with ``poetsbay demo-data --users 1000
--poems 20000 --ratings 100000`` (about 15 s) and removed afterwards. One warm-up run (not
counted) fills the OS file cache. Prints median, min–max and every run; ``--json`` writes them.
"""

from __future__ import annotations

import json
import os
import sys
import time

# Keep the module's top level light: the child process runs it before the app's own imports.

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "poetsbay-demo"


# -- the child: the real app, watched ------------------------------------------------------------
def child(out_path: str, rows_target: int, t0: float, root: str) -> int:
    marks: dict[str, float] = {"python": time.monotonic() - t0}
    cpu: dict[str, float] = {"python": time.process_time()}
    result: dict[str, object] = {"marks": marks, "cpu": cpu}
    sys.path.insert(0, root)

    import desktop

    marks["import_desktop"] = time.monotonic() - t0
    result["app_file"] = desktop.__file__
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

    def mark(name: str) -> None:
        if name not in marks:
            marks[name] = time.monotonic() - t0
            cpu[name] = time.process_time()  # every thread of the process, user + system

    def finish(error: str | None = None) -> None:
        if "done" in marks:
            return
        mark("done")
        if error:
            result["error"] = error
        result["rss_kib"], result["hwm_kib"] = _memory()
        with open(out_path, "w", encoding="utf-8") as handle:
            json.dump(result, handle)
        app = QApplication.instance()
        if app is not None:
            app.quit()

    class Watcher(QObject):
        """The first visible window's first paint, then the poem list's viewport and model.

        No application-wide event filter while the app starts (a Python call per Qt event
        would slow what we measure): the first turn of the event loop looks for the window
        that ``main`` showed before entering it, and only when none is visible yet does an
        application-wide filter wait for one."""

        def __init__(self) -> None:
            super().__init__()
            self.window: QWidget | None = None
            self.view: QAbstractItemView | None = None
            self.scrolling = False
            self.app_wide = False

        def loop_started(self) -> None:
            mark("loop")
            app = QApplication.instance()
            assert app is not None
            for widget in app.topLevelWidgets():
                if widget.isVisible() and widget.isWindow() and widget.objectName():
                    self.window = widget
                    result["first_window"] = widget.objectName()
                    mark("window_show")
                    widget.installEventFilter(self)
                    return
            self.app_wide = True
            app.installEventFilter(self)

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            kind = event.type()
            if self.window is None:
                if kind == QEvent.Type.Show and isinstance(obj, QWidget) and obj.isWindow():
                    self.window = obj
                    result["first_window"] = obj.objectName()
                    mark("window_show")
            elif obj is self.window and kind == QEvent.Type.Paint and "window" not in marks:
                mark("window")
                if self.app_wide:
                    app = QApplication.instance()
                    assert app is not None
                    app.removeEventFilter(self)
                self.window.removeEventFilter(self)
                self.watch_list()
            elif self.view is not None and obj is self.view.viewport():
                if kind == QEvent.Type.Paint and "rows" in marks and "page" not in marks:
                    mark("page")
                    obj.removeEventFilter(self)
                    QTimer.singleShot(0, self.scroll)
            return False

        def watch_list(self) -> None:
            app = QApplication.instance()
            assert app is not None
            for widget in app.topLevelWidgets():
                view = widget.findChild(QAbstractItemView, "poemList")
                if view is not None and view.model() is not None:
                    self.view = view
                    break
            if self.view is None:
                finish("no poemList")
                return
            model = self.view.model()
            model.rowsInserted.connect(self.rows_arrived)
            self.view.viewport().installEventFilter(self)

        def rows_arrived(self, *_args: object) -> None:
            assert self.view is not None
            count = self.view.model().rowCount()
            if count and "rows" not in marks:
                mark("rows")
                result["first_page_rows"] = count
            if self.scrolling:
                if count >= rows_target:
                    result["rows"] = count
                    mark("scrolled")
                    self.view.model().rowsInserted.disconnect(self.rows_arrived)
                    finish()
                else:
                    QTimer.singleShot(0, self.view.scrollToBottom)

        def scroll(self) -> None:
            assert self.view is not None
            self.scrolling = True
            result["rss_first_page_kib"] = _memory()[0]
            mark("scroll_start")
            self.view.setFocus()
            self.view.scrollToBottom()

    watcher: Watcher | None = None
    ensure_app = desktop.ensure_app

    def watched_ensure_app(argv: list[str] | None = None) -> QApplication:
        nonlocal watcher
        app = ensure_app(argv)
        mark("qapplication")
        watcher = Watcher()
        QTimer.singleShot(0, watcher.loop_started)
        QTimer.singleShot(90_000, lambda: finish("timed out after 90 s"))
        _watch_backend(app, mark)
        return app

    desktop.ensure_app = watched_ensure_app
    status = desktop.main([sys.argv[0]])
    mark("exit")
    if watcher is not None:  # a Python QObject outliving the QApplication crashes the teardown
        import shiboken6

        shiboken6.delete(watcher)
        watcher = None
    result["exit_status"] = status
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    return 0


def _watch_backend(app: object, mark: object) -> None:
    """Mark when the embedded server is up: wrap EmbeddedServer.start (it runs on a worker)."""
    from desktop import embedded

    start = embedded.EmbeddedServer.start
    if getattr(start, "_bench", False):
        return

    def timed_start(self: object, *args: object, **kwargs: object) -> str:
        url = start(self, *args, **kwargs)  # type: ignore[arg-type]
        mark("backend")  # type: ignore[operator]
        return url

    timed_start._bench = True  # type: ignore[attr-defined]
    embedded.EmbeddedServer.start = timed_start  # type: ignore[method-assign]


def _memory() -> tuple[int, int]:
    rss = hwm = 0
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


# -- the parent ----------------------------------------------------------------------------------
def mint_session(data_dir: str, settings_path: str, email: str) -> None:
    """Sign in once through the backend (no server) and keep the refresh token where the
    desktop app looks for it, as if the user had signed in before and quit."""
    sys.path.insert(0, ROOT)
    from backend import create_app
    from desktop.settings import LOCAL, Settings

    app = create_app({"DATA_DIR": data_dir, "LOCAL_MODE": True})
    answer = app.test_client().post(
        "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    if answer.status_code != 200:
        raise SystemExit(f"sign-in as {email} failed: {answer.status_code} {answer.get_data()!r}")
    settings = Settings(settings_path)
    settings.remember_connection(LOCAL, "")
    settings.remember_token(LOCAL, "", answer.get_json()["refresh_token"])


def run_once(
    python: str, env: dict[str, str], rows: int, timeout: float, root: str
) -> dict[str, object]:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="pb-desk-") as tmp:
        out = os.path.join(tmp, "result.json")
        t0 = time.monotonic()
        proc = subprocess.run(
            [
                python,
                os.path.abspath(__file__),
                "--child",
                out,
                "--rows",
                str(rows),
                "--t0",
                repr(t0),
                "--root",
                root,
            ],
            env=env,
            cwd=tmp,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
        wall = time.monotonic() - t0
        try:
            with open(out, encoding="utf-8") as handle:
                result: dict[str, object] = json.load(handle)
        except FileNotFoundError:
            result = {"error": "no result", "marks": {}}
        result["returncode"] = proc.returncode
        result["root"] = root
        result["wall"] = wall
        if proc.returncode or result.get("error"):
            result["output"] = proc.stdout.decode(errors="replace")[-3000:]
        return result


def main(argv: list[str]) -> int:
    import argparse
    import platform
    import shutil
    import statistics
    import subprocess
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=2000, help="rows to scroll through")
    parser.add_argument("--data-dir", help="an existing library (default: a throw-away one)")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away library")
    parser.add_argument("--email", default="demo1@poetsbay.test")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--json", help="write every run's figures to this file")
    parser.add_argument(
        "--root", default=ROOT, help="the checkout whose desktop/ and backend/ to start"
    )
    parser.add_argument(
        "--compare",
        metavar="ROOT",
        help="another checkout (e.g. `git archive <commit> | tar -x -C DIR`): runs alternate "
        "between the two, so both see the same machine load",
    )
    parser.add_argument(
        "--no-pyc",
        action="store_true",
        help="start as the environment says about bytecode (PYTHONDONTWRITEBYTECODE=1 "
        "compiles every project module on every start); by default the children share "
        "a bytecode cache in the work folder (PYTHONPYCACHEPREFIX), filled by the "
        "warm-up, as an installed app or the bundle has",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--t0", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    python = sys.executable
    work = tempfile.mkdtemp(prefix="pb-desk-bench-")
    data_dir = args.data_dir or os.path.join(work, "data")
    try:
        if not args.data_dir:
            print(f"making a library in {data_dir} (1,000 users, 20,000 poems, 100,000 ratings)")
            poetsbay = os.path.join(os.path.dirname(python), "poetsbay")
            command = [poetsbay] if os.path.exists(poetsbay) else [python, "-m", "backend"]
            subprocess.run(
                [
                    *command,
                    "demo-data",
                    "--users",
                    "1000",
                    "--poems",
                    "20000",
                    "--ratings",
                    "100000",
                ],
                env={**os.environ, "POETSBAY_DATA_DIR": data_dir},
                check=True,
                stdout=subprocess.DEVNULL,
            )
        settings_path = os.path.join(work, "poetsbay.ini")
        mint_session(data_dir, settings_path, args.email)
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "POETSBAY_DATA_DIR": data_dir,
            "POETSBAY_SETTINGS": settings_path,
        }
        if not args.no_pyc:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = os.path.join(work, "pycache")
        roots = [os.path.abspath(args.root)]
        if args.compare:
            roots.append(os.path.abspath(args.compare))
        runs: dict[str, list[dict[str, object]]] = {root: [] for root in roots}
        for number in range(args.runs + 1):
            for root in roots:
                result = run_once(python, env, args.rows, args.timeout, root)
                label = "warm-up" if number == 0 else f"run {number}"
                if len(roots) > 1:
                    label += f" [{root}]"
                print(f"{label}: {_one_line(result)}", flush=True)
                if result.get("error") or result.get("returncode"):
                    print({k: v for k, v in result.items() if k != "output"})
                    print(result.get("output", ""))
                    return 1
                if number:
                    runs[root].append(result)
        for root in roots:
            print(f"\n{root}:" if len(roots) > 1 else "")
            print(_table(runs[root], statistics))
        load = os.getloadavg()
        print(
            f"\n{args.runs} runs each, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        if args.json:
            with open(args.json, "w", encoding="utf-8") as handle:
                json.dump({"runs": runs, "loadavg": load, "pyc": not args.no_pyc}, handle, indent=1)
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


FIGURES = [
    ("first window (painted)", "window", "s"),
    ("first window shown, loop running", "window_show", "s"),
    ("backend listening", "backend", "s"),
    ("first page in the model", "rows", "s"),
    ("first page painted", "page", "s"),
    ("scrolling to --rows rows", "scroll", "s"),
    ("CPU time to the first window", "cpu:window", "s"),
    ("CPU time to the first page", "cpu:page", "s"),
    ("RSS after the first page", "rss_first_page_kib", "MiB"),
    ("RSS after scrolling", "rss_kib", "MiB"),
    ("peak RSS (VmHWM)", "hwm_kib", "MiB"),
]


def _value(result: dict[str, object], key: str) -> float | None:
    marks = result.get("marks") or {}
    assert isinstance(marks, dict)
    if key.startswith("cpu:"):
        cpu = result.get("cpu") or {}
        assert isinstance(cpu, dict)
        return float(cpu[key[4:]]) if key[4:] in cpu else None
    if key == "scroll":
        if "scrolled" in marks and "scroll_start" in marks:
            return float(marks["scrolled"]) - float(marks["scroll_start"])
        return None
    if key in marks:
        return float(marks[key])
    if key in result:
        return float(result[key]) / 1024  # type: ignore[arg-type]
    return None


def _one_line(result: dict[str, object]) -> str:
    parts = []
    for _label, key, unit in FIGURES:
        value = _value(result, key)
        if value is not None:
            parts.append(f"{key} {value:.2f}" if unit == "s" else f"{key} {value:.0f} MiB")
    return ", ".join(parts) or str(result.get("error"))


def _table(runs: list[dict[str, object]], statistics: object) -> str:
    lines = ["| figure | median | min–max | runs |", "|---|---:|---:|---|"]
    for label, key, unit in FIGURES:
        values = [v for v in (_value(r, key) for r in runs) if v is not None]
        if not values:
            continue
        median = statistics.median(values)  # type: ignore[attr-defined]
        if unit == "s":
            fmt = lambda v: f"{v:.2f} s"  # noqa: E731
        else:
            fmt = lambda v: f"{v:.0f} MiB"  # noqa: E731
        each = " ".join(fmt(v).split()[0] for v in values)
        lines.append(
            f"| {label} | {fmt(median)} | {fmt(min(values))}–{fmt(max(values))} | {each} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    if "--child" in sys.argv:
        at = sys.argv.index
        sys.exit(
            child(
                sys.argv[at("--child") + 1],
                int(sys.argv[at("--rows") + 1]),
                float(sys.argv[at("--t0") + 1]),
                sys.argv[at("--root") + 1],
            )
        )
    sys.exit(main(sys.argv[1:]))
